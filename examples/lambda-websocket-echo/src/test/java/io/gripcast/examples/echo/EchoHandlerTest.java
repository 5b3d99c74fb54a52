package io.gripcast.examples.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gripcast.auth.GripSigVerifier;
import io.gripcast.config.GripConfigException;
import io.gripcast.ws.WebSocketEvent;
import io.gripcast.ws.WebSocketEvents;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The echo handler on hand-built API Gateway REST (payload 1.0) events, as API Gateway sends them. */
class EchoHandlerTest {

  static final String CONNECTION_ID = "b4183074-c0ae-4bcb-8f06-6205e43880d9";
  static final String SECRET = "a-test-only-secret-of-32-bytes!!";

  final EchoHandler echo = new EchoHandler(Optional.empty());

  // ------------------------------------------------------------------ events and results

  /** A REST API proxy event for a WebSocket-over-HTTP request from Pushpin, body base64 (binary media type). */
  static Map<String, Object> wsEvent(Map<String, String> query, Map<String, String> extraHeaders, WebSocketEvent... events) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/websocket-events");
    headers.put("Accept", "application/websocket-events");
    headers.put("Connection-Id", CONNECTION_ID);
    headers.put("Sec-WebSocket-Extensions", "grip");
    headers.putAll(extraHeaders);
    return event("POST", query, headers, WebSocketEvents.encode(List.of(events)));
  }

  static Map<String, Object> wsEvent(WebSocketEvent... events) {
    return wsEvent(Map.of(), Map.of(), events);
  }

  static Map<String, Object> event(String method, Map<String, String> query, Map<String, String> headers, byte[] body) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("resource", "/{proxy+}");
    e.put("path", "/ws");
    e.put("httpMethod", method);
    e.put("headers", headers);
    Map<String, List<String>> multi = new LinkedHashMap<>();
    headers.forEach((k, v) -> multi.put(k, List.of(v)));
    e.put("multiValueHeaders", multi);
    e.put("queryStringParameters", query.isEmpty() ? null : query);
    Map<String, List<String>> multiQuery = new LinkedHashMap<>();
    query.forEach((k, v) -> multiQuery.put(k, List.of(v)));
    e.put("multiValueQueryStringParameters", query.isEmpty() ? null : multiQuery);
    e.put("body", body.length == 0 ? null : Base64.getEncoder().encodeToString(body));
    e.put("isBase64Encoded", body.length > 0);
    return e;
  }

  @SuppressWarnings("unchecked")
  static Map<String, String> headers(Map<String, Object> result) {
    return (Map<String, String>) result.get("headers");
  }

  static List<WebSocketEvent> events(Map<String, Object> result) {
    assertEquals(200, result.get("statusCode"), () -> "status of " + result);
    assertEquals("application/websocket-events", headers(result).get("Content-Type"));
    assertEquals(Boolean.TRUE, result.get("isBase64Encoded"));
    return WebSocketEvents.decode(Base64.getDecoder().decode((String) result.get("body")));
  }

  /** The text of a refusal (reject(..) answers are base64 like every context response). */
  static String refusal(Map<String, Object> result, int status) {
    assertEquals(status, result.get("statusCode"), () -> "status of " + result);
    assertEquals("text/plain; charset=utf-8", headers(result).get("Content-Type"));
    return new String(Base64.getDecoder().decode((String) result.get("body")), StandardCharsets.UTF_8);
  }

  static WebSocketEvent subscribe(String channel) {
    return WebSocketEvent.text("c:{\"type\":\"subscribe\",\"channel\":\"" + channel + "\"}");
  }

  // ------------------------------------------------------------------ opening

  @Test
  void openingIsAcceptedInGripModeAndSubscribedToTheDefaultChannel() {
    Map<String, Object> result = echo.handleRequest(wsEvent(WebSocketEvent.open()), null);
    assertEquals("grip", headers(result).get("Sec-WebSocket-Extensions"));
    assertEquals(List.of(WebSocketEvent.open(), subscribe("echo")), events(result));
  }

  @Test
  void openingIsSubscribedToTheUrlsChannel() {
    Map<String, Object> result = echo.handleRequest(wsEvent(Map.of("channel", "room 1"), Map.of(), WebSocketEvent.open()), null);
    assertEquals(List.of(WebSocketEvent.open(), subscribe("room 1")), events(result));
  }

  @Test
  void openingWithMessagesEchoesThemAfterTheSubscription() {
    Map<String, Object> result = echo.handleRequest(
        wsEvent(WebSocketEvent.open(), WebSocketEvent.text("first")), null);
    assertEquals(List.of(WebSocketEvent.open(), subscribe("echo"), WebSocketEvent.text("m:first")), events(result));
  }

  @Test
  void anEmptyChannelIsRefusedWithAClearMessage() {
    Map<String, Object> result = echo.handleRequest(wsEvent(Map.of("channel", ""), Map.of(), WebSocketEvent.open()), null);
    assertEquals("the channel query parameter is empty: give a channel name (?channel=room1) or leave it out for"
        + " the default channel 'echo'", refusal(result, 400));
  }

  @Test
  void withoutTheGripExtensionTheConnectionIsRefusedRatherThanLeakingControlMessages() {
    Map<String, Object> event = wsEvent(WebSocketEvent.open());
    @SuppressWarnings("unchecked")
    Map<String, String> headers = new LinkedHashMap<>((Map<String, String>) event.get("headers"));
    headers.remove("Sec-WebSocket-Extensions");
    event.put("headers", headers);
    event.remove("multiValueHeaders");
    String message = refusal(echo.handleRequest(event, null), 400);
    assertTrue(message.contains("needs a GRIP proxy"), message);
  }

  // ------------------------------------------------------------------ messages

  @Test
  void everyMessageOfABatchIsEchoedInOrderWithItsTypeAndThePrefix() {
    byte[] notUtf8 = {0, (byte) 0xff, (byte) 0xfe, (byte) 0x80, '\r', '\n'};
    Map<String, Object> result = echo.handleRequest(wsEvent(
        WebSocketEvent.text("hello"), WebSocketEvent.binary(notUtf8), WebSocketEvent.text("h\u00e9llo \u2603")), null);
    byte[] prefixed = new byte[notUtf8.length + 2];
    prefixed[0] = 'm';
    prefixed[1] = ':';
    System.arraycopy(notUtf8, 0, prefixed, 2, notUtf8.length);
    assertEquals(List.of(WebSocketEvent.text("m:hello"), WebSocketEvent.binary(prefixed),
        WebSocketEvent.text("m:h\u00e9llo \u2603")), events(result));
    assertFalse(headers(result).containsKey("Sec-WebSocket-Extensions"), "the extension is announced only when accepting");
  }

  @Test
  void aRequestWithoutEventsGetsAnEmptyAnswer() {
    assertEquals(List.of(), events(echo.handleRequest(wsEvent(), null)));
  }

  @Test
  void pingsAreAnsweredWithPongs() {
    byte[] pp = "pp".getBytes(StandardCharsets.US_ASCII);
    assertEquals(List.of(new WebSocketEvent.Pong(pp), WebSocketEvent.text("m:x")),
        events(echo.handleRequest(wsEvent(new WebSocketEvent.Ping(pp), WebSocketEvent.text("x")), null)));
  }

  @Test
  void theClientsCloseIsAnsweredWith1000AndNothingAfterItIsEchoed() {
    Map<String, Object> result = echo.handleRequest(wsEvent(
        WebSocketEvent.text("last"), new WebSocketEvent.Close(4100, "done"), WebSocketEvent.text("ignored")), null);
    assertEquals(List.of(WebSocketEvent.text("m:last"), new WebSocketEvent.Close(1000, "")), events(result));
  }

  @Test
  void aCloseWithoutCodeIsAlsoAnsweredWith1000NeverZero() {
    Map<String, Object> event = wsEvent();
    event.put("body", Base64.getEncoder().encodeToString("CLOSE\r\n".getBytes(StandardCharsets.US_ASCII)));
    event.put("isBase64Encoded", true);
    List<WebSocketEvent> events = events(echo.handleRequest(event, null));
    assertEquals(1, events.size());
    assertEquals(1000, ((WebSocketEvent.Close) events.get(0)).code());
  }

  // ------------------------------------------------------------------ the close convention

  @Test
  void closeCommandClosesWithItsCodeAndReasonAndStops() {
    Map<String, Object> result = echo.handleRequest(wsEvent(
        WebSocketEvent.text("before"), WebSocketEvent.text("close:4002:bye, \u00e9 and : colons"),
        WebSocketEvent.text("after")), null);
    assertEquals(List.of(WebSocketEvent.text("m:before"), new WebSocketEvent.Close(4002, "bye, \u00e9 and : colons")),
        events(result));
  }

  @Test
  void closeCommandWithoutReason() {
    assertEquals(List.of(new WebSocketEvent.Close(4999, "")),
        events(echo.handleRequest(wsEvent(WebSocketEvent.text("close:4999")), null)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"close:", "close:1000:normal", "close:3999", "close:5000", "close:40021", "close:4o02",
      "close: 4002", "close:+402", "Close:4002", "please close:4002"})
  void textThatIsNotAValidCloseCommandIsEchoed(String text) {
    assertEquals(List.of(WebSocketEvent.text("m:" + text)), events(echo.handleRequest(wsEvent(WebSocketEvent.text(text)), null)));
  }

  @Test
  void aCloseCommandWithAReasonOverTheProtocolLimitIsEchoed() {
    String text = "close:4002:" + "x".repeat(124);
    assertEquals(List.of(WebSocketEvent.text("m:" + text)), events(echo.handleRequest(wsEvent(WebSocketEvent.text(text)), null)));
    String fits = "close:4002:" + "x".repeat(123);
    assertEquals(List.of(new WebSocketEvent.Close(4002, "x".repeat(123))),
        events(echo.handleRequest(wsEvent(WebSocketEvent.text(fits)), null)));
  }

  @Test
  void aBinaryCloseCommandIsJustEchoed() {
    byte[] bytes = "close:4002".getBytes(StandardCharsets.US_ASCII);
    List<WebSocketEvent> events = events(echo.handleRequest(wsEvent(WebSocketEvent.binary(bytes)), null));
    assertEquals(List.of(WebSocketEvent.binary("m:close:4002".getBytes(StandardCharsets.US_ASCII))), events);
  }

  // ------------------------------------------------------------------ not WebSocket-over-HTTP

  @Test
  void aGetIsABadRequest() {
    Map<String, Object> result = echo.handleRequest(event("GET", Map.of(), Map.of("Accept", "*/*"), new byte[0]), null);
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("statusCode", 400);
    expected.put("headers", Map.of("Content-Type", "text/plain; charset=utf-8"));
    expected.put("body", "Not a WebSocket-over-HTTP request: method GET, expected POST");
    expected.put("isBase64Encoded", false);
    assertEquals(expected, result);
  }

  @Test
  void aJsonPostIsABadRequest() {
    Map<String, Object> result = echo.handleRequest(event("POST", Map.of(),
        Map.of("Content-Type", "application/json", "Connection-Id", "x"), "{}".getBytes(StandardCharsets.UTF_8)), null);
    assertEquals(400, result.get("statusCode"));
    assertEquals("Not a WebSocket-over-HTTP request: Content-Type is \"application/json\", expected"
        + " application/websocket-events", result.get("body"));
  }

  @Test
  void aMalformedBodyIsABadRequestNamingTheOffset() {
    Map<String, Object> event = wsEvent();
    event.put("body", Base64.getEncoder().encodeToString("TEXT 5\r\nhel".getBytes(StandardCharsets.US_ASCII)));
    event.put("isBase64Encoded", true);
    Map<String, Object> result = echo.handleRequest(event, null);
    assertEquals(400, result.get("statusCode"));
    String body = (String) result.get("body");
    assertTrue(body.startsWith("Not a WebSocket-over-HTTP request: "), body);
    assertTrue(body.contains("byte"), body);
  }

  // ------------------------------------------------------------------ Grip-Sig

  /** An HS256 JWT as Pushpin makes it: header {"typ":"JWT","alg":"HS256"}, claims iss and exp. */
  static String token(String secret, String iss, Instant exp) throws Exception {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header = b64.encodeToString("{\"typ\":\"JWT\",\"alg\":\"HS256\"}".getBytes(StandardCharsets.UTF_8));
    String claims = b64.encodeToString(("{\"exp\":" + exp.getEpochSecond() + ",\"iss\":\"" + iss + "\"}")
        .getBytes(StandardCharsets.UTF_8));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    byte[] sig = mac.doFinal((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
    return header + "." + claims + "." + b64.encodeToString(sig);
  }

  final EchoHandler checking = new EchoHandler(Optional.of(
      GripSigVerifier.builder().verifyKey(SECRET).expectedIssuer("pushpin").build()));

  @Test
  void aValidGripSigIsAccepted() throws Exception {
    String sig = token(SECRET, "pushpin", Instant.now().plusSeconds(3600));
    Map<String, Object> result = checking.handleRequest(wsEvent(Map.of(), Map.of("Grip-Sig", sig), WebSocketEvent.open()), null);
    assertEquals(List.of(WebSocketEvent.open(), subscribe("echo")), events(result));
    assertEquals(List.of(WebSocketEvent.text("m:hi")), events(checking.handleRequest(
        wsEvent(Map.of(), Map.of("Grip-Sig", sig), WebSocketEvent.text("hi")), null)));
  }

  @Test
  void anOpeningWithoutGripSigIsRefusedWith403() {
    assertEquals("Grip-Sig refused (MISSING): no Grip-Sig token",
        refusal(checking.handleRequest(wsEvent(WebSocketEvent.open()), null), 403));
  }

  @Test
  void anOpeningSignedWithAnotherKeyIsRefused() throws Exception {
    String sig = token("changeme", "pushpin", Instant.now().plusSeconds(3600));
    String message = refusal(checking.handleRequest(wsEvent(Map.of(), Map.of("Grip-Sig", sig), WebSocketEvent.open()), null), 403);
    assertTrue(message.startsWith("Grip-Sig refused (BAD_SIGNATURE)"), message);
    assertFalse(message.contains(SECRET), "the key never appears");
  }

  @Test
  void anExpiredOrWronglyIssuedGripSigIsRefused() throws Exception {
    String expired = token(SECRET, "pushpin", Instant.now().minusSeconds(5));
    assertTrue(refusal(checking.handleRequest(wsEvent(Map.of(), Map.of("Grip-Sig", expired), WebSocketEvent.open()), null), 403)
        .startsWith("Grip-Sig refused (EXPIRED)"));
    String otherIssuer = token(SECRET, "someone-else", Instant.now().plusSeconds(3600));
    assertTrue(refusal(checking.handleRequest(wsEvent(Map.of(), Map.of("Grip-Sig", otherIssuer), WebSocketEvent.open()), null), 403)
        .startsWith("Grip-Sig refused (WRONG_ISSUER)"));
  }

  @Test
  void aBadGripSigOnAnEstablishedConnectionDropsItAndEchoesNothing() throws Exception {
    String sig = token("changeme", "pushpin", Instant.now().plusSeconds(3600));
    Map<String, Object> result = checking.handleRequest(
        wsEvent(Map.of(), Map.of("Grip-Sig", sig), WebSocketEvent.text("forged?")), null);
    assertEquals(List.of(WebSocketEvent.disconnect()), events(result));
  }

  // ------------------------------------------------------------------ configuration

  @Test
  void gripSigCheckIsOffWithoutAKeyInTheEnvironment() {
    assertEquals(Optional.empty(), EchoHandler.verifierFromEnvironment(Map.of()));
    assertEquals(Optional.empty(), EchoHandler.verifierFromEnvironment(Map.of("GRIP_URL", "http://localhost:5561")));
    assertEquals("off", echo.signatureCheck());
  }

  @Test
  void gripVerifyKeyAloneTurnsTheCheckOn() throws Exception {
    GripSigVerifier v = EchoHandler.verifierFromEnvironment(Map.of("GRIP_VERIFY_KEY", SECRET)).orElseThrow();
    assertEquals("HS256", v.algorithm());
    assertEquals(Optional.empty(), v.expectedIssuer());
    assertTrue(v.verify(token(SECRET, "anyone", Instant.now().plusSeconds(60))).isValid());
  }

  @Test
  void gripUrlVerifySettingsTurnTheCheckOnWithTheIssuer() throws Exception {
    GripSigVerifier v = EchoHandler.verifierFromEnvironment(
        Map.of("GRIP_URL", "http://localhost:5561?verify-iss=pushpin&verify-key=" + SECRET)).orElseThrow();
    assertEquals(Optional.of("pushpin"), v.expectedIssuer());
    assertTrue(v.verify(token(SECRET, "pushpin", Instant.now().plusSeconds(60))).isValid());
    assertFalse(v.verify(token(SECRET, "other", Instant.now().plusSeconds(60))).isValid());

    GripSigVerifier merged = EchoHandler.verifierFromEnvironment(
        Map.of("GRIP_URL", "http://localhost:5561?verify-iss=pushpin", "GRIP_VERIFY_KEY", SECRET)).orElseThrow();
    assertTrue(merged.verify(token(SECRET, "pushpin", Instant.now().plusSeconds(60))).isValid());
    assertFalse(new EchoHandler(Optional.of(merged)).signatureCheck().contains(SECRET));
  }

  @Test
  void aBadGripUrlFailsClearlyWithoutShowingSecrets() {
    GripConfigException e = assertThrows(GripConfigException.class, () -> EchoHandler.verifierFromEnvironment(
        Map.of("GRIP_URL", "localhost:5561?verify-key=" + SECRET)));
    assertFalse(e.getMessage().contains(SECRET), e.getMessage());
    assertTrue(e.getMessage().contains("http://"), e.getMessage());
  }

  @Test
  void theHandlerIsStatelessAcrossRequests() {
    // the same instance serves any number of connections: nothing of one request leaks into the next
    List<List<WebSocketEvent>> answers = new ArrayList<>();
    for (String s : List.of("a", "b")) {
      answers.add(events(echo.handleRequest(wsEvent(WebSocketEvent.text(s)), null)));
    }
    assertEquals(List.of(List.of(WebSocketEvent.text("m:a")), List.of(WebSocketEvent.text("m:b"))), answers);
  }
}
