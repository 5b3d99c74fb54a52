package io.gripcast.ws;

import static io.gripcast.ws.WebSocketEventsTest.bytes;
import static io.gripcast.ws.WebSocketEventsTest.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gripcast.http.KeepAliveMode;
import io.gripcast.item.Content;
import io.gripcast.item.WsType;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class WebSocketContextTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String CID = "b4183074-c0ae-4bcb-8f06-6205e43880d9";

  /** Headers as Pushpin sends them (§5.2), names in mixed case. */
  static Map<String, List<String>> proxyHeaders(String... extra) {
    Map<String, List<String>> h = new LinkedHashMap<>();
    h.put("Content-Type", List.of("application/websocket-events"));
    h.put("Accept", List.of("application/websocket-events"));
    h.put("Connection-Id", List.of(CID));
    h.put("Sec-WebSocket-Extensions", List.of("grip"));
    for (int i = 0; i < extra.length; i += 2) {
      h.put(extra[i], List.of(extra[i + 1]));
    }
    return h;
  }

  static WebSocketContext context(String body, String... extraHeaders) {
    return WebSocketContext.fromRequest("POST", proxyHeaders(extraHeaders), bytes(body));
  }

  static WebSocketContext context(WebSocketOptions options, String body) {
    return WebSocketContext.from(WebSocketRequest.of("POST", proxyHeaders(), bytes(body)), options);
  }

  static String bodyText(WebSocketResponse r) {
    return new String(r.body(), StandardCharsets.ISO_8859_1);
  }

  /** The JSON of each c: control message among the response's TEXT events. */
  static List<JsonNode> controls(WebSocketResponse r) throws Exception {
    List<JsonNode> out = new java.util.ArrayList<>();
    for (WebSocketEvent e : WebSocketEvents.decode(r.body())) {
      if (e instanceof WebSocketEvent.Text t && t.text().startsWith("c:")) {
        out.add(JSON.readTree(t.text().substring(2)));
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ opening

  @Test
  void acceptingPutsOpenFirstAndTakesTheGripExtension() throws Exception {
    WebSocketContext ws = context("OPEN\r\n");
    assertTrue(ws.isOpening());
    assertTrue(ws.isGripMode());
    ws.subscribe("test"); // before accept(): OPEN still goes first
    ws.accept();
    WebSocketResponse r = ws.toResponse();

    assertEquals(200, r.status());
    assertEquals(Map.of("Content-Type", "application/websocket-events", "Sec-WebSocket-Extensions", "grip"), r.headers());
    assertEquals("application/websocket-events", r.headers().get("Content-Type")); // exactly: no charset
    assertEquals("OPEN\r\nTEXT 27\r\nc:{\"type\":\"subscribe\",\"channel\":\"test\"}\r\n", bodyText(r));
    assertEquals(List.of(JSON.readTree("{\"type\":\"subscribe\",\"channel\":\"test\"}")), controls(r));
  }

  @Test
  void anOpeningRequestMustBeAcceptedOrRejected() {
    WebSocketContext ws = context("OPEN\r\n");
    IllegalStateException e = assertThrows(IllegalStateException.class, ws::toResponse);
    assertTrue(e.getMessage().contains("neither accepted nor rejected"), e.getMessage());

    ws.reject(403, "no entry");
    WebSocketResponse r = ws.toResponse();
    assertEquals(403, r.status());
    assertEquals("no entry", new String(r.body(), StandardCharsets.UTF_8));
    assertEquals(Optional.of("text/plain; charset=utf-8"), r.header("content-type"));
    assertThrows(IllegalStateException.class, ws::accept);
    assertThrows(IllegalStateException.class, () -> ws.send("x"));
    assertEquals(List.of(), ws.outgoingEvents());
  }

  @Test
  void aFirstResponseMayDeferWithAKeepAliveIntervalInsteadOfOpen() {
    WebSocketContext ws = context("OPEN\r\n");
    ws.setKeepAliveInterval(30);
    WebSocketResponse r = ws.toResponse();
    assertEquals(200, r.status());
    assertEquals("30", r.headers().get("Keep-Alive-Interval"));
    assertEquals(0, r.body().length);
  }

  @Test
  void acceptAndRejectOnlyApplyToTheOpeningRequest() {
    WebSocketContext ws = context("TEXT 2\r\nhi\r\n");
    assertFalse(ws.isOpening());
    assertThrows(IllegalStateException.class, ws::accept);
    assertThrows(IllegalStateException.class, () -> ws.reject(403, "x"));
    WebSocketContext opening = context("OPEN\r\n");
    opening.accept();
    assertThrows(IllegalStateException.class, () -> opening.reject(403, "x"));
    assertThrows(IllegalArgumentException.class, () -> context("OPEN\r\n").reject(200, "x"));
  }

  // ------------------------------------------------------------------ GRIP mode

  @Test
  void gripModePrefixesTextAndBinaryMessages() {
    WebSocketContext ws = context("TEXT 5\r\nhello\r\n");
    ws.send("hi");
    ws.send(new byte[] {0, (byte) 0xff, 2});
    ws.send(Content.text("c:not a control"));
    WebSocketResponse r = ws.toResponse();
    assertEquals(Map.of("Content-Type", "application/websocket-events"), r.headers()); // not opening: no extension header
    assertArrayEquals(
        concat(bytes("TEXT 4\r\nm:hi\r\nBINARY 5\r\nm:\u0000\u00ff\u0002\r\n"), bytes("TEXT 11\r\nm:c:not a control\r\n")),
        r.body());
  }

  @Test
  void aCustomMessagePrefixIsAnnouncedAndUsed() {
    WebSocketContext ws = context(WebSocketOptions.builder().messagePrefix("x-").build(), "OPEN\r\n");
    ws.accept();
    ws.send("hi");
    WebSocketResponse r = ws.toResponse();
    assertEquals("grip; message-prefix=\"x-\"", r.headers().get("Sec-WebSocket-Extensions"));
    assertEquals("OPEN\r\nTEXT 4\r\nx-hi\r\n", bodyText(r));

    assertThrows(IllegalArgumentException.class, () -> WebSocketOptions.builder().messagePrefix("a\"b"));
    assertThrows(IllegalArgumentException.class, () -> WebSocketOptions.builder().messagePrefix("c:"));
    assertThrows(IllegalArgumentException.class, () -> WebSocketOptions.builder().messagePrefix("\u00e9"));
  }

  @Test
  void anEmptyPrefixRefusesTextThatWouldPassForAControlMessage() {
    WebSocketContext ws = context(WebSocketOptions.builder().messagePrefix("").build(), "OPEN\r\n");
    ws.accept();
    ws.send("hello");
    assertThrows(IllegalArgumentException.class, () -> ws.send("c:{\"type\":\"detach\"}"));
    WebSocketResponse r = ws.toResponse();
    assertEquals("grip; message-prefix=\"\"", r.headers().get("Sec-WebSocket-Extensions"));
    assertEquals("OPEN\r\nTEXT 5\r\nhello\r\n", bodyText(r));
  }

  @Test
  void withoutTheGripExtensionMessagesGoOutAsTheyAreAndControlsAreRefused() {
    Map<String, List<String>> headers = proxyHeaders();
    headers.remove("Sec-WebSocket-Extensions");
    WebSocketContext ws = WebSocketContext.fromRequest("POST", headers, bytes("OPEN\r\n"));
    assertFalse(ws.isGripMode());
    ws.accept();
    ws.send("hi");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> ws.subscribe("room"));
    assertTrue(e.getMessage().contains("the proxy did not offer the grip extension"), e.getMessage());
    assertThrows(IllegalStateException.class, ws::detach);
    WebSocketResponse r = ws.toResponse();
    assertEquals(Map.of("Content-Type", "application/websocket-events"), r.headers());
    assertEquals("OPEN\r\nTEXT 2\r\nhi\r\n", bodyText(r));

    WebSocketContext off = context(WebSocketOptions.builder().grip(false).build(), "OPEN\r\n");
    assertFalse(off.isGripMode());
    assertTrue(assertThrows(IllegalStateException.class, () -> off.subscribe("a")).getMessage().contains("grip is off"));
  }

  @Test
  void gripIsRecognisedAmongOtherOfferedExtensions() {
    WebSocketContext ws = WebSocketContext.fromRequest("POST",
        Map.of("content-type", List.of("application/websocket-events"), "connection-id", List.of(CID),
            "sec-websocket-extensions", List.of("permessage-deflate; client_max_window_bits, GRIP")),
        bytes("OPEN\r\n"));
    assertTrue(ws.isGripMode());
  }

  @Test
  void controlMessagesAreJsonWrittenByJackson() throws Exception {
    WebSocketContext ws = context(WebSocketOptions.builder().channelPrefix("app-").build(), "TEXT 1\r\nx\r\n");
    ws.subscribe("room", List.of("skip-self", "require-sub"));
    ws.subscribe("we\"ird\\ \u2713\n");
    ws.unsubscribe("room");
    ws.detach();
    ws.setFilterMeta("user", "al\"ice");
    ws.removeFilterMeta("user");
    ws.keepAlive("{}", 30);
    ws.keepAlive(Content.bytes(new byte[] {0, 1, 2}), null, 5, KeepAliveMode.INTERVAL);
    ws.keepAlive(Content.text("pp"), WsType.PING, 10, KeepAliveMode.IDLE);
    ws.stopKeepAlive();
    List<JsonNode> c = controls(ws.toResponse());
    List<String> expected = List.of(
        "{\"type\":\"subscribe\",\"channel\":\"app-room\",\"filters\":[\"skip-self\",\"require-sub\"]}",
        "{\"type\":\"subscribe\",\"channel\":\"app-we\\\"ird\\\\ \u2713\\n\"}",
        "{\"type\":\"unsubscribe\",\"channel\":\"app-room\"}",
        "{\"type\":\"detach\"}",
        "{\"type\":\"set-meta\",\"name\":\"user\",\"value\":\"al\\\"ice\"}",
        "{\"type\":\"set-meta\",\"name\":\"user\"}",
        "{\"type\":\"keep-alive\",\"content\":\"{}\",\"timeout\":30}",
        "{\"type\":\"keep-alive\",\"content-bin\":\"AAEC\",\"message-type\":\"binary\",\"timeout\":5,\"mode\":\"interval\"}",
        "{\"type\":\"keep-alive\",\"content\":\"pp\",\"message-type\":\"ping\",\"timeout\":10}",
        "{\"type\":\"keep-alive\"}");
    assertEquals(expected.size(), c.size());
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(JSON.readTree(expected.get(i)), c.get(i), "control message " + i);
    }
    assertEquals("app-we\"ird\\ \u2713\n", c.get(1).get("channel").asText());
  }

  @Test
  void controlMessageArgumentsAreChecked() {
    WebSocketContext ws = context("TEXT 1\r\nx\r\n");
    assertThrows(IllegalArgumentException.class, () -> ws.subscribe(""));
    assertThrows(IllegalArgumentException.class, () -> ws.subscribe("a", List.of(" ")));
    assertThrows(IllegalArgumentException.class, () -> ws.setFilterMeta("", "x"));
    assertThrows(IllegalArgumentException.class, () -> ws.keepAlive("x", 0));
    assertEquals(List.of(), ws.outgoingEvents());
  }

  // ------------------------------------------------------------------ receiving

  @Test
  void receiveReturnsEachMessageThenNullAtTheClientsClose() {
    WebSocketContext ws = context("TEXT 5\r\nhello\r\nPING 2\r\npp\r\nBINARY 2\r\n\u00ff\u0000\r\nPONG\r\nCLOSE 5\r\n\u000f\u00a1bye\r\nPING 1\r\nz\r\n");
    assertTrue(ws.canReceive());
    assertEquals(Content.text("hello"), ws.receive());
    Content second = ws.receive();
    assertInstanceOf(Content.Binary.class, second);
    assertArrayEquals(new byte[] {(byte) 0xff, 0}, second.toBytes());
    assertEquals(OptionalInt.empty(), ws.closeCode());
    assertTrue(ws.canReceive());
    assertNull(ws.receive());
    assertEquals(OptionalInt.of(4001), ws.closeCode());
    assertEquals("bye", ws.closeReason());
    assertFalse(ws.isDisconnected());
    assertFalse(ws.canReceive());
    assertThrows(NoSuchElementException.class, ws::receive);
  }

  @Test
  void aCloseWithoutCodeReports1005() {
    WebSocketContext ws = context("CLOSE\r\n");
    assertNull(ws.receive());
    assertEquals(OptionalInt.of(1005), ws.closeCode());
    assertEquals("", ws.closeReason());
  }

  @Test
  void aDisconnectEndsReceivingToo() {
    WebSocketContext ws = context("TEXT 1\r\na\r\nDISCONNECT\r\n");
    assertEquals(Content.text("a"), ws.receive());
    assertNull(ws.receive());
    assertTrue(ws.isDisconnected());
    assertEquals(OptionalInt.empty(), ws.closeCode());
    assertFalse(ws.canReceive());
  }

  @Test
  void receivingWhenNothingIsLeftIsAnError() {
    WebSocketContext ws = context("PING\r\n");
    assertFalse(ws.canReceive());
    NoSuchElementException e = assertThrows(NoSuchElementException.class, ws::receive);
    assertTrue(e.getMessage().contains("check canReceive()"), e.getMessage());
  }

  @Test
  void anEmptyRequestIsAKeepAliveFromTheProxy() {
    WebSocketContext ws = context("");
    assertFalse(ws.isOpening());
    assertFalse(ws.canReceive());
    WebSocketResponse r = ws.toResponse();
    assertEquals(200, r.status());
    assertEquals(0, r.body().length);
  }

  @Test
  void pingsAreAnsweredWithPongsOfTheSameContentBeforeTheHandlersEvents() {
    WebSocketContext ws = context("PING 2\r\npp\r\nTEXT 1\r\na\r\nPING\r\nCLOSE 2\r\n\u0003\u00e8\r\nPING 1\r\nz\r\n");
    while (ws.canReceive()) {
      Content m = ws.receive();
      if (m == null) {
        ws.close();
        break;
      }
      ws.send(m);
    }
    assertEquals("PONG 2\r\npp\r\nPONG\r\nTEXT 3\r\nm:a\r\nCLOSE 2\r\n\u0003\u00e8\r\n", bodyText(ws.toResponse()));

    WebSocketContext quiet = context(WebSocketOptions.builder().autoPong(false).build(), "PING 2\r\npp\r\n");
    assertEquals(0, quiet.toResponse().body().length);
  }

  // ------------------------------------------------------------------ closing

  @Test
  void closeDefaultsTo1000AndNeverZero() {
    WebSocketContext ws = context("TEXT 1\r\na\r\n");
    ws.close();
    byte[] body = ws.toResponse().body();
    assertArrayEquals(bytes("CLOSE 2\r\n\u0003\u00e8\r\n"), body);
    assertThrows(IllegalStateException.class, () -> ws.send("late"));
    assertThrows(IllegalStateException.class, ws::close);

    WebSocketContext zero = context("TEXT 1\r\na\r\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> zero.close(0, ""));
    assertTrue(e.getMessage().contains("never 0"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> zero.close(1005, ""));
    assertThrows(IllegalArgumentException.class, () -> zero.close(1000, "r".repeat(124)));
    assertEquals(List.of(), zero.outgoingEvents());
  }

  @Test
  void closeWithCodeAndReason() {
    WebSocketContext ws = context("TEXT 1\r\na\r\n");
    ws.send("bye now");
    ws.close(4001, "bye");
    byte[] body = ws.toResponse().body();
    assertArrayEquals(concat(bytes("TEXT 9\r\nm:bye now\r\nCLOSE 5\r\n"), new byte[] {0x0f, (byte) 0xa1}, bytes("bye\r\n")), body);
  }

  @Test
  void disconnectPingAndPong() {
    WebSocketContext ws = context("TEXT 1\r\na\r\n");
    ws.ping();
    ws.ping(bytes("p"));
    ws.pong(bytes("q"));
    ws.pong();
    ws.disconnect();
    assertThrows(IllegalStateException.class, () -> ws.send("x"));
    assertEquals("PING\r\nPING 1\r\np\r\nPONG 1\r\nq\r\nPONG\r\nDISCONNECT\r\n", bodyText(ws.toResponse()));
    assertThrows(IllegalArgumentException.class, () -> context("").ping(new byte[126]));
  }

  // ------------------------------------------------------------------ meta and headers

  @Test
  void metaComesFromMetaHeadersInAnyCase() {
    WebSocketContext ws = context("TEXT 1\r\na\r\n", "Meta-User", "alice", "META-ROOM", "lobby");
    assertEquals(Map.of("user", "alice", "room", "lobby"), ws.meta());
    assertEquals(Optional.of("alice"), ws.meta("USER"));
    assertEquals(CID, ws.connectionId());
  }

  @Test
  void setMetaWritesOnlyChangedValuesAsSetMetaHeaders() {
    WebSocketContext ws = context("TEXT 1\r\na\r\n", "Meta-User", "alice", "Meta-Room", "lobby", "Meta-Old", "x");
    ws.setMeta("User", "alice"); // unchanged: no header
    ws.setMeta("Room", "kitchen");
    ws.setMeta("Score", "12");
    ws.removeMeta("old");
    assertEquals(Map.of("user", "alice", "room", "kitchen", "score", "12"), ws.meta());
    WebSocketResponse r = ws.toResponse();
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("Content-Type", "application/websocket-events");
    expected.put("Set-Meta-Room", "kitchen");
    expected.put("Set-Meta-Score", "12");
    expected.put("Set-Meta-old", "");
    assertEquals(expected, r.headers());
    assertEquals(List.copyOf(expected.keySet()), List.copyOf(r.headers().keySet()));
  }

  @Test
  void metaNamesAndValuesMustFitInHeaders() {
    WebSocketContext ws = context("");
    assertThrows(IllegalArgumentException.class, () -> ws.setMeta("a b", "x"));
    assertThrows(IllegalArgumentException.class, () -> ws.setMeta("a:b", "x"));
    assertThrows(IllegalArgumentException.class, () -> ws.setMeta("", "x"));
    assertThrows(IllegalArgumentException.class, () -> ws.setMeta("user", "a\r\nSet-Cookie: x"));
    assertThrows(IllegalArgumentException.class, () -> ws.setMeta("user", "\u00e9"));
    assertThrows(IllegalArgumentException.class, () -> ws.setMeta("user", " padded"));
    assertEquals(Map.of("Content-Type", "application/websocket-events"), ws.toResponse().headers());
  }

  @Test
  void extraResponseHeadersAreAddedButTheContextsOwnAreGuarded() {
    WebSocketContext ws = context("OPEN\r\n");
    ws.accept();
    ws.responseHeader("Sec-WebSocket-Protocol", "chat");
    assertEquals("chat", ws.toResponse().headers().get("Sec-WebSocket-Protocol"));
    assertThrows(IllegalArgumentException.class, () -> ws.responseHeader("content-type", "text/plain"));
    assertThrows(IllegalArgumentException.class, () -> ws.responseHeader("Set-Meta-User", "x"));
    assertThrows(IllegalArgumentException.class, () -> ws.responseHeader("Sec-WebSocket-Extensions", "grip"));
    assertThrows(IllegalArgumentException.class, () -> ws.responseHeader("Keep-Alive-Interval", "20"));
    assertThrows(IllegalArgumentException.class, () -> ws.responseHeader("X-A", "a\nb"));
    assertThrows(IllegalArgumentException.class, () -> ws.setKeepAliveInterval(0));
  }

  @Test
  void theResponseMustFitTheBodyLimit() {
    WebSocketContext ws = context(WebSocketOptions.builder().limits(EventLimits.of(100, 100)).build(), "");
    ws.send("x".repeat(100));
    IllegalStateException e = assertThrows(IllegalStateException.class, ws::toResponse);
    assertTrue(e.getMessage().contains("over the limit of 100 bytes"), e.getMessage());
  }

  // ------------------------------------------------------------------ request checks

  @Test
  void requestsThatAreNotWebSocketOverHttpAreRefusedWithAClearReason() {
    assertEquals("Not a WebSocket-over-HTTP request: method GET, expected POST",
        assertThrows(NotWebSocketOverHttpException.class,
            () -> WebSocketContext.fromRequest("GET", proxyHeaders(), new byte[0])).getMessage());

    Map<String, List<String>> json = proxyHeaders();
    json.put("Content-Type", List.of("application/json"));
    NotWebSocketOverHttpException wrongType = assertThrows(NotWebSocketOverHttpException.class,
        () -> WebSocketContext.fromRequest("POST", json, bytes("{}")));
    assertEquals("Not a WebSocket-over-HTTP request: Content-Type is \"application/json\", expected application/websocket-events",
        wrongType.getMessage());
    assertEquals("Content-Type is \"application/json\", expected application/websocket-events", wrongType.reason());

    Map<String, List<String>> noType = proxyHeaders();
    noType.remove("Content-Type");
    assertTrue(assertThrows(NotWebSocketOverHttpException.class, () -> WebSocketContext.fromRequest("POST", noType, bytes("")))
        .getMessage().contains("no Content-Type header"));

    Map<String, List<String>> noId = proxyHeaders();
    noId.remove("Connection-Id");
    assertTrue(assertThrows(NotWebSocketOverHttpException.class, () -> WebSocketContext.fromRequest("POST", noId, bytes("OPEN\r\n")))
        .getMessage().contains("no Connection-Id header"));

    NotWebSocketOverHttpException bad = assertThrows(NotWebSocketOverHttpException.class, () -> context("TEXT 9\r\nhi\r\n"));
    assertTrue(bad.getMessage().startsWith("Not a WebSocket-over-HTTP request: invalid application/websocket-events body at byte 8: "),
        bad.getMessage());
    assertInstanceOf(WebSocketEventException.class, bad.getCause());
  }

  @Test
  void headerNamesAndTheContentTypeAreMatchedWithoutRegardToCaseOrParameters() {
    WebSocketContext ws = WebSocketContext.fromRequest("post",
        Map.of("CONTENT-TYPE", List.of("Application/WebSocket-Events; charset=utf-8"), "connection-id", List.of(" " + CID + " ")),
        bytes("OPEN\r\n"));
    assertEquals(CID, ws.connectionId());
    assertTrue(ws.isOpening());
  }

  @Test
  void queryParametersOfTheWebSocketUrlAreReachable() {
    WebSocketRequest req = WebSocketRequest.builder()
        .headers(proxyHeaders())
        .rawQuery("channel=room%201&channel=b&flag")
        .body(bytes("OPEN\r\n"))
        .build();
    WebSocketContext ws = WebSocketContext.from(req);
    assertEquals(Optional.of("room 1"), ws.queryParameter("channel"));
    assertEquals(Map.of("channel", List.of("room 1", "b"), "flag", List.of("")), ws.queryParameters());
    assertEquals(Optional.empty(), ws.queryParameter("nope"));
    assertEquals(req, ws.request());
  }
}
