package io.gripcast.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** No pushpin binary: a clear message with the install command; skip locally, fail on CI. */
class MissingBinaryTest {

  private static final String MISSING = "/nonexistent/gripcast/pushpin";

  @AfterEach
  void clear() {
    System.clearProperty("PUSHPIN_BIN");
  }

  @Test
  void pushpinBinPointingNowhereNamesThePathAndTheInstallCommand() {
    System.setProperty("PUSHPIN_BIN", MISSING);
    PushpinNotInstalledException e = assertThrows(PushpinNotInstalledException.class,
        () -> PushpinInstance.builder().origin("127.0.0.1:1").start().close());
    assertEquals(Path.of(MISSING), e.binary());
    assertTrue(e.getMessage().contains(MISSING), e.getMessage());
    assertTrue(e.getMessage().contains("apt-get install -y pushpin"), e.getMessage());
    assertTrue(e.getMessage().contains("PUSHPIN_BIN"), e.getMessage());
  }

  @Test
  void explicitBinaryIsCheckedToo() {
    PushpinNotInstalledException e = assertThrows(PushpinNotInstalledException.class,
        () -> PushpinInstance.builder().binary(Path.of(MISSING)).origin("127.0.0.1:1").start().close());
    assertTrue(e.getMessage().contains("Builder.binary"), e.getMessage());
  }

  @Test
  void withoutCiTheExtensionSkips() {
    RuntimeException r = PushpinExtension.unavailable(new PushpinNotInstalledException(Path.of(MISSING), "test"), Map.of());
    assertInstanceOf(TestAbortedException.class, r);
    assertTrue(r.getMessage().contains("apt-get install -y pushpin"), r.getMessage());
  }

  @Test
  void onCiTheExtensionFailsLoudly() {
    RuntimeException r = PushpinExtension.unavailable(new PushpinNotInstalledException(Path.of(MISSING), "test"),
        Map.of("CI", "true"));
    assertInstanceOf(IllegalStateException.class, r);
    assertTrue(r.getMessage().startsWith("CI=true and Pushpin is missing"), r.getMessage());
    assertTrue(r.getMessage().contains("apt-get install -y pushpin"), r.getMessage());
  }

  @Test
  void otherFailuresStayFailures() {
    IllegalStateException boom = new IllegalStateException("not ready");
    assertEquals(boom, PushpinExtension.unavailable(boom, Map.of()));
  }

  @Test
  void startOrSkipAppliesTheExtensionsRuleForThisEnvironment() {
    PushpinInstance.Builder b = PushpinInstance.builder().binary(Path.of(MISSING)).origin("127.0.0.1:1");
    boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
    RuntimeException r = assertThrows(RuntimeException.class, b::startOrSkip);
    Class<? extends RuntimeException> expected = ci ? IllegalStateException.class : TestAbortedException.class;
    assertInstanceOf(expected, r);
    assertTrue(r.getMessage().contains(MISSING), r.getMessage());
  }
}
