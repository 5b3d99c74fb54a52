package io.gripcast.cli;

import static io.gripcast.cli.Cli.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gripcast.testing.HostileServer;
import io.gripcast.testing.HostileServer.Fault;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code gripcast publish} in-process against every fault of a {@link HostileServer}, with a short
 * {@code --timeout}: each run ends within the timeout plus a second, with the exit code of its
 * outcome, and says what happened in exactly one stderr line without a stack trace.
 */
class HostileCliTest {

  static final Duration TIMEOUT = Duration.ofSeconds(1);
  /**
   * Content that goes into three formats (http-response, http-stream, ws-message): a body of
   * about 7.5 MB, over what a loopback connection buffers, so the CLI is still sending when the server acts.
   */
  static final int BIG_CONTENT = 2_500_000;

  /** The exit code each fault must lead to: the outcome table of HostileServerTest, through ExitCodes. */
  static final Map<Fault, Integer> EXIT = new EnumMap<>(Fault.class);

  static {
    for (Fault f : Set.of(Fault.NORMAL_200, Fault.CHUNKED_200, Fault.ONE_BYTE_AT_A_TIME, Fault.HTTP10_CLOSE_DELIMITED,
        Fault.OBS_FOLD_HEADER, Fault.CONTINUE_THEN_200, Fault.SHORT_BODY)) {
      EXIT.put(f, ExitCodes.OK);
    }
    EXIT.put(Fault.STATUS_401, ExitCodes.AUTH);
    EXIT.put(Fault.EARLY_413, ExitCodes.REJECTED);
    for (Fault f : Set.of(Fault.TOO_MANY_429, Fault.RETRY_AFTER_503, Fault.STATUS_500, Fault.RESET_MID_REQUEST,
        Fault.STALLS_READING_BODY)) {
      EXIT.put(f, ExitCodes.UNAVAILABLE);
    }
    for (Fault f : Set.of(Fault.GARBAGE, Fault.PARTIAL_STATUS_LINE, Fault.HUGE_HEADER, Fault.CONFLICTING_CONTENT_LENGTH,
        Fault.CLOSE_BEFORE_ANSWER, Fault.RESET_AFTER_REQUEST, Fault.NEVER_ANSWERS)) {
      EXIT.put(f, ExitCodes.UNKNOWN);
    }
  }

  static final Set<Fault> BIG = Set.of(Fault.RESET_MID_REQUEST, Fault.STALLS_READING_BODY, Fault.EARLY_413);

  static HostileServer server;
  static Path bigFile;

  @BeforeAll
  static void start() throws IOException {
    server = HostileServer.start(); // stalls 2 s: past the CLI's 1 s write and call timeouts
    bigFile = Files.createTempFile("gripcast-hostile", ".txt");
    Files.writeString(bigFile, "x".repeat(BIG_CONTENT), StandardCharsets.US_ASCII);
  }

  @AfterAll
  static void stop() throws IOException {
    server.close();
    Files.deleteIfExists(bigFile);
  }

  @ParameterizedTest
  @EnumSource(Fault.class)
  void exitsInTimeWithTheCodeOfItsOutcomeAndOneLine(Fault fault) {
    assertEquals(Fault.values().length, EXIT.size(), "every fault needs an exit code");
    String content = BIG.contains(fault) ? "@" + bigFile : "hi";
    long start = System.nanoTime();
    Cli.Result r = cli().run("publish", "--spec", server.url(fault), "--timeout", TIMEOUT.toMillis() + "ms",
        "--max-body-bytes", String.valueOf(16_000_000), "test", content);
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(millis <= TIMEOUT.toMillis() + 1_000, fault + " took " + millis + " ms: " + r);
    assertEquals(EXIT.get(fault), r.code(), fault + " (" + millis + " ms): " + r);
    if (r.code() == ExitCodes.OK) {
      assertEquals("Published\n", r.out(), r.toString());
      assertEquals("", r.err(), r.toString());
      return;
    }
    assertEquals(1, r.errLines().length, "stderr should be one line: " + r);
    assertTrue(r.err().startsWith("gripcast publish: "), r.toString());
    assertFalse(r.err().contains("\tat ") || r.err().contains("Exception\n"), "no stack trace without --verbose: " + r);
    if (r.code() == ExitCodes.UNKNOWN) {
      assertTrue(r.err().contains("may have accepted the items"), r.toString());
      assertEquals(r.err().indexOf("may have accepted"), r.err().lastIndexOf("may have accepted"),
          "said once is enough: " + r);
    }
  }
}
