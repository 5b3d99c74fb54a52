package io.gripcast.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every bad GRIP URL fails with a {@link GripConfigException} that names the bad part, says how to
 * fix it, and contains no secret. Each URL below carries secrets marked {@code S3CRET} (raw or
 * base64 {@code UzNDUkVU}) in its key, password or other values.
 */
class GripUrlErrorTest {

  /** url, expected part, a phrase the message must contain. */
  static Stream<Arguments> badUrls() {
    return Stream.of(
        Arguments.of("", "url", "empty"),
        Arguments.of("   ", "url", "empty"),
        Arguments.of("localhost:5561", "scheme", "http://host:port"),
        Arguments.of("ftp://u:S3CRET@h/x?key=S3CRET", "scheme", "'ftp'"),
        Arguments.of("//h/x?key=S3CRET", "scheme", "no scheme"),
        Arguments.of("http:S3CRET", "url", "'//'"),
        Arguments.of("http://", "url", "Expected authority"),
        Arguments.of("http://h/x?key=S3CRET with space", "query parameter 'key'", "Illegal character in query at index"),
        Arguments.of("http://h/x?a=1&key=S3CRET\"", "query parameter 'key'", "GRIP_VERIFY_KEY"),
        Arguments.of("http://h/S3CRET path", "path", "Illegal character in path"),
        Arguments.of("http://u:S3CRET\"@h", "userinfo", "Illegal character in"),
        Arguments.of("http:///path?key=S3CRET", "host", "no host"),
        Arguments.of("http://u:S3CRET@my_host:5561?key=S3CRET", "host", "'_'"),
        Arguments.of("http://h:abc?key=S3CRET", "host", "port must be a number"),
        Arguments.of("http://h:99999?key=S3CRET", "port", "1 to 65535"),
        Arguments.of("http://h:0", "port", "1 to 65535"),
        Arguments.of("http://h/?key=S3C#RET", "fragment", "%23"),
        Arguments.of("http://h?key=S3CRET%ZZ", "query parameter 'key'", "two hex digits"),
        Arguments.of("http://h?key=S3CRET%4", "query parameter 'key'", "%25"),
        Arguments.of("http://h?key=S3CRET%C3%28", "query parameter 'key'", "UTF-8"),
        Arguments.of("http://h?x%ZZ=S3CRET", "query", "two hex digits"),
        Arguments.of("http://h?=S3CRET", "query", "no name"),
        Arguments.of("http://h?iss=r&key=base64:UzNDUkVU*", "query parameter 'key'", "not valid base64"),
        Arguments.of("http://h?iss=r&key=base64:UzNDU%20kVU", "query parameter 'key'", "'+'"),
        Arguments.of("http://h?iss=r&key=base64:", "query parameter 'key'", "nothing after"),
        Arguments.of("http://h?key=S3CRET&key=S3CRET2", "query parameter 'key'", "twice"),
        Arguments.of("http://h?x=S3CRET&x=S3CRET", "query parameter 'x'", "twice"),
        Arguments.of("http://h?key=S3CRET&iss=", "query parameter 'iss'", "empty"),
        Arguments.of("http://h?key=", "query parameter 'key'", "empty"),
        Arguments.of("http://h?iss=r", "query parameter 'iss'", "without key"),
        Arguments.of("http://h?key=S3C%20RET", "query parameter 'key'", "visible ASCII"),
        Arguments.of("http://h?key=S3C%C3%A9RET", "query parameter 'key'", "add iss"),
        Arguments.of("http://h?key=base64:UzNDUkVUCg==", "query parameter 'key'", "bearer token"),
        Arguments.of("http://h?verify-key=base64:UzNDUkVU!", "query parameter 'verify-key'", "not valid base64"),
        Arguments.of("http://h?verify-key=", "query parameter 'verify-key'", "empty"),
        Arguments.of("http://h?verify-iss=", "query parameter 'verify-iss'", "empty"),
        Arguments.of("http://us%3Aer:S3CRET@h", "userinfo", "':'"),
        Arguments.of("http://user:S3CRET%0A@h", "userinfo", "control characters"),
        Arguments.of("http://user:S3CRET%G0@h", "userinfo", "two hex digits"),
        Arguments.of("http://@h", "userinfo", "'@'"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badUrls")
  void badUrlNamesThePartAndLeaksNoSecret(String url, String part, String phrase) {
    GripConfigException e = assertThrows(GripConfigException.class, () -> GripUrl.parse(url));
    assertEquals(part, e.part(), e.getMessage());
    assertTrue(e.getMessage().contains(phrase), "message should contain <" + phrase + ">: " + e.getMessage());
    assertNoSecret(e);
  }

  @Test
  void missingGripUrlVariableIsExplained() {
    GripConfigException e = assertThrows(GripConfigException.class,
        () -> GripUrl.fromEnvironment(Map.of("GRIP_VERIFY_KEY", "S3CRET")));
    assertEquals("GRIP_URL", e.part());
    assertTrue(e.getMessage().contains("GRIP_URL is not set") && e.getMessage().contains("localhost:5561"),
        e.getMessage());
    assertNoSecret(e);
    assertThrows(GripConfigException.class, () -> GripUrl.fromEnvironment(Map.of("GRIP_URL", "")));
  }

  @Test
  void verifyKeyBothInUrlAndEnvironmentIsAConflict() {
    GripConfigException e = assertThrows(GripConfigException.class, () -> GripUrl.fromEnvironment(Map.of(
        "GRIP_URL", "http://h?verify-key=S3CRET", "GRIP_VERIFY_KEY", "S3CRET2")));
    assertEquals("query parameter 'verify-key'", e.part());
    assertTrue(e.getMessage().contains("GRIP_VERIFY_KEY") && e.getMessage().contains("twice"), e.getMessage());
    assertNoSecret(e);
  }

  @Test
  void badBase64InVerifyKeyVariableIsReportedAsVerifyKey() {
    GripConfigException e = assertThrows(GripConfigException.class, () -> GripUrl.fromEnvironment(Map.of(
        "GRIP_URL", "http://h", "GRIP_VERIFY_KEY", "base64:UzNDUkVU$")));
    assertEquals("query parameter 'verify-key'", e.part());
    assertNoSecret(e);
  }

  @Test
  void extraParametersMustBeGripParameters() {
    GripConfigException e = assertThrows(GripConfigException.class,
        () -> GripUrl.parse("http://h", Map.of("token", "S3CRET")));
    assertEquals("extra parameter 'token'", e.part());
    assertNoSecret(e);
  }

  @Test
  void gripConfigExceptionIsAGripException() {
    // one root for everything gripcast throws of its own, so `catch (GripException e)` catches a bad GRIP_URL too
    io.gripcast.GripException e = assertThrows(io.gripcast.GripException.class, () -> GripUrl.parse("ftp://h"));
    assertTrue(e instanceof GripConfigException);
  }

  /** The message, toString and full stack trace text (causes included) contain no secret. */
  static void assertNoSecret(Throwable e) {
    StringWriter trace = new StringWriter();
    e.printStackTrace(new PrintWriter(trace));
    for (String text : new String[] {e.getMessage(), e.toString(), trace.toString()}) {
      for (String secret : new String[] {"S3CRET", "S3C", "UzNDUkVU", "UzNDU"}) {
        assertFalse(text.contains(secret), "secret <" + secret + "> leaked: " + text);
      }
    }
    assertNull(e.getCause(), "a cause could quote the input");
  }

  @Test
  void redactMasksTheSameSecretsForTextThatDoesNotParse() {
    assertEquals("https://***@api.example.com/realm?iss=r&key=***&Token=***&x=1",
        GripUrl.redact("https://u:S3CRET@api.example.com/realm?iss=r&key=S3CRET&Token=S3CRET&x=1#frag"));
    assertEquals("http://[bad?verify-key=***&password=***", GripUrl.redact("http://[bad?verify-key=S3CRET&password=S3CRET"));
    assertEquals("no url at all", GripUrl.redact("no url at all"));
  }

  @Test
  void parsedEndpointsMaskCredentialLikeExtraParametersInEveryDisplay() {
    Endpoint e = GripUrl.parse("http://h:5561/?iss=r&key=S3CRET&access_token=S3CRET&region=eu");
    assertEquals("http://h:5561?iss=r&key=***&access_token=***&region=eu", e.redacted());
    assertNoSecret(new GripConfigException("x", e.toString()));
    try (io.gripcast.Publisher p = io.gripcast.Publisher.builder().endpoint(e).build()) {
      assertFalse(p.endpoints().get(0).contains("S3CRET"), p.endpoints().get(0));
      assertTrue(p.endpoints().get(0).contains("access_token=***"), p.endpoints().get(0));
    }
  }
}
