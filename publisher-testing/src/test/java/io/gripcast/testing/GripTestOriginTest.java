package io.gripcast.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The test origin on its own, called directly (no Pushpin): exact GRIP headers and bodies. */
class GripTestOriginTest {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static GripTestOrigin origin;

  @BeforeAll
  static void start() {
    origin = GripTestOrigin.builder().defaultChannel("dflt").responseTimeout(7).start();
  }

  @AfterAll
  static void stop() {
    origin.close();
  }

  private static HttpResponse<String> get(String pathAndQuery) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(origin.url() + pathAndQuery)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<byte[]> wsEvents(String pathAndQuery, byte[] body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(origin.url() + pathAndQuery))
            .timeout(Duration.ofSeconds(5))
            .header("Content-Type", "application/websocket-events")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void streamHoldsTheChannelFromTheQuery() throws Exception {
    HttpResponse<String> r = get("/stream?channel=news%2Fsports");
    assertEquals(200, r.statusCode());
    assertEquals("stream", r.headers().firstValue("Grip-Hold").orElseThrow());
    assertEquals("news/sports", r.headers().firstValue("Grip-Channel").orElseThrow());
    assertEquals("stream open\n", r.body());
  }

  @Test
  void streamWithoutChannelUsesTheDefault() throws Exception {
    assertEquals("dflt", get("/stream").headers().firstValue("Grip-Channel").orElseThrow());
  }

  @Test
  void responseHoldCarriesTimeoutAndBody() throws Exception {
    HttpResponse<String> r = get("/response?channel=lp");
    assertEquals("response", r.headers().firstValue("Grip-Hold").orElseThrow());
    assertEquals("lp", r.headers().firstValue("Grip-Channel").orElseThrow());
    assertEquals("7", r.headers().firstValue("Grip-Timeout").orElseThrow());
    assertEquals("text/plain", r.headers().firstValue("Content-Type").orElseThrow());
    assertEquals("timeout\n", r.body());

    HttpResponse<String> json = get("/response?channel=lp&timeout=30&type=application/json&body="
        + "%7B%22count%22%3A1%2C%22items%22%3A%5B%5D%7D");
    assertEquals("30", json.headers().firstValue("Grip-Timeout").orElseThrow());
    assertEquals("application/json", json.headers().firstValue("Content-Type").orElseThrow());
    assertEquals("{\"count\":1,\"items\":[]}", json.body());
  }

  @Test
  void responseBodyFromTheBuilder() throws Exception {
    try (GripTestOrigin o = GripTestOrigin.builder().responseBody("application/json", "{\"count\":1,\"items\":[]}").start()) {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(o.url() + "/response")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals("application/json", r.headers().firstValue("Content-Type").orElseThrow());
      assertEquals("{\"count\":1,\"items\":[]}", r.body());
      assertEquals("20", r.headers().firstValue("Grip-Timeout").orElseThrow());
    }
  }

  @Test
  void healthAndUnknownPaths() throws Exception {
    HttpResponse<String> health = get("/health");
    assertEquals(200, health.statusCode());
    assertEquals("ok\n", health.body());
    assertTrue(health.headers().firstValue("Grip-Hold").isEmpty());
    assertEquals(404, get("/nope").statusCode());
  }

  @Test
  void webSocketOpenSubscribesTextEchoesCloseAnswers() throws Exception {
    ByteArrayOutputStream req = new ByteArrayOutputStream();
    WsEvents.write(req, "OPEN", null);
    WsEvents.write(req, "TEXT", "héllo".getBytes(StandardCharsets.UTF_8));
    WsEvents.write(req, "PING", "p".getBytes(StandardCharsets.UTF_8));
    WsEvents.write(req, "CLOSE", new byte[] {0x03, (byte) 0xE8});
    HttpResponse<byte[]> r = wsEvents("/ws?channel=room", req.toByteArray());
    assertEquals(200, r.statusCode());
    assertEquals("application/websocket-events", r.headers().firstValue("Content-Type").orElseThrow());
    assertEquals("grip", r.headers().firstValue("Sec-WebSocket-Extensions").orElseThrow());
    List<WsEvents.Event> out = WsEvents.parse(r.body());
    assertEquals(List.of("OPEN", "TEXT", "TEXT", "PONG", "CLOSE"), out.stream().map(WsEvents.Event::type).toList());
    assertNull(out.get(0).payload());
    assertEquals("c:{\"type\":\"subscribe\",\"channel\":\"room\"}", out.get(1).text());
    assertEquals("m:héllo", out.get(2).text());
    assertEquals("p", out.get(3).text());
    assertArrayEquals(new byte[] {0x03, (byte) 0xE8}, out.get(4).payload());
  }

  @Test
  void malformedWebSocketEventsAreA400() throws Exception {
    HttpResponse<byte[]> r = wsEvents("/ws", "TEXT 10\r\nshort\r\n".getBytes(StandardCharsets.US_ASCII));
    assertEquals(400, r.statusCode());
    assertTrue(new String(r.body(), StandardCharsets.UTF_8).contains("declares 16 bytes"));
  }

  @Test
  void countsAndRecordsRequests() throws Exception {
    try (GripTestOrigin o = GripTestOrigin.start()) {
      assertEquals(0, o.requestCount("/stream"));
      for (int i = 0; i < 3; i++) {
        HTTP.send(HttpRequest.newBuilder(URI.create(o.url() + "/stream?channel=c" + i)).header("X-Test", "v" + i).build(),
            HttpResponse.BodyHandlers.discarding());
      }
      HTTP.send(HttpRequest.newBuilder(URI.create(o.url() + "/health")).build(), HttpResponse.BodyHandlers.discarding());
      assertEquals(3, o.requestCount("/stream"));
      assertEquals(1, o.requestCount("/health"));
      List<GripTestOrigin.RecordedRequest> all = o.requests();
      assertEquals(4, all.size());
      assertEquals("GET", all.get(2).method());
      assertEquals("/stream", all.get(2).path());
      assertEquals("c2", all.get(2).channel());
      assertEquals("v2", all.get(2).header("x-test"));
    }
  }

  @Test
  void disablesNagleForTheJdkServer() {
    // without TCP_NODELAY every response through Pushpin waited ~47 ms (delayed ACK) instead of ~6 ms
    assertEquals("true", System.getProperty("sun.net.httpserver.nodelay"));
  }

  @Test
  void builderRejectsBadValues() {
    assertThrows(IllegalArgumentException.class, () -> GripTestOrigin.builder().defaultChannel(""));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GripTestOrigin.builder().responseTimeout(0));
    assertTrue(e.getMessage().contains("at least 1 second"), e.getMessage());
  }

  @Test
  void wsEventsParserNamesTheProblem() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> WsEvents.parse("OPEN".getBytes(StandardCharsets.US_ASCII)));
    assertTrue(e.getMessage().contains("no CRLF"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> WsEvents.parse("TEXT zz\r\n".getBytes(StandardCharsets.US_ASCII)));
    assertTrue(e.getMessage().contains("bad content length"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> WsEvents.parse("TEXT 2\r\nabXY".getBytes(StandardCharsets.US_ASCII)));
    assertTrue(e.getMessage().contains("not followed by CRLF"), e.getMessage());
  }
}
