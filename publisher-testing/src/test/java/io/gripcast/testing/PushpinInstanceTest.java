package io.gripcast.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One real Pushpin, real subscribers: stream, long-poll, WebSocket-over-HTTP, pause/resume. */
class PushpinInstanceTest {

  @RegisterExtension
  static PushpinExtension pushpin = PushpinExtension.builder().build();

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static String channel() {
    return "t-" + UUID.randomUUID();
  }

  /** Publishes with java.net.http: a String body has a known length, so it is never chunked. */
  private static HttpResponse<String> publish(PushpinInstance p, String json) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(p.publishUrl())
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json))
        .build();
    return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void resolvesParametersFromTheExtension(PushpinInstance instance, GripTestOrigin origin) {
    assertSame(pushpin.instance(), instance);
    assertSame(pushpin.origin(), origin);
    assertTrue(instance.isRunning());
    assertEquals("http://127.0.0.1:" + instance.controlPort(), instance.gripUrl());
    assertEquals(URI.create(instance.gripUrl() + "/publish/"), instance.publishUrl());
    assertEquals(URI.create("http://127.0.0.1:" + instance.clientPort()), instance.clientUrl());
    assertNotEquals(instance.clientPort(), instance.controlPort());
    assertTrue(Files.isRegularFile(instance.logDir().resolve("pushpin-handler.log")));
  }

  @Test
  void streamSubscriberGetsAPublishedItem(PushpinInstance p, GripTestOrigin origin) throws Exception {
    String ch = channel();
    try (StreamSubscriber sub = StreamSubscriber.open(p.clientUri("/stream?channel=" + ch))) {
      assertEquals(200, sub.status());
      assertTrue(sub.awaitContains("stream open\n", WAIT), sub::body);
      assertTrue(p.awaitSubscribed(ch, WAIT), p::handlerLog);
      HttpResponse<String> r = publish(p,
          "{\"items\":[{\"channel\":\"" + ch + "\",\"formats\":{\"http-stream\":{\"content\":\"hello\\n\"}}}]}");
      assertEquals(200, r.statusCode());
      assertEquals("Published\n", r.body());
      assertTrue(sub.awaitContains("stream open\nhello\n", WAIT), sub::body);
      assertEquals("chunked", sub.header("Transfer-Encoding"));
    }
    assertTrue(p.handlerLog().contains("publish channel=" + ch + " receivers=1"), p::handlerLog);
    assertTrue(origin.requests().stream().anyMatch(r -> ch.equals(r.channel()) && r.path().equals("/stream")));
  }

  @Test
  void longPollIsCompletedByAnHttpResponseItem(PushpinInstance p) throws Exception {
    String ch = channel();
    CompletableFuture<HttpResponse<String>> poll = HTTP.sendAsync(
        HttpRequest.newBuilder(p.clientUri("/response?channel=" + ch)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertTrue(p.awaitSubscribed(ch, WAIT), p::handlerLog);
    HttpResponse<String> pub = publish(p, "{\"items\":[{\"channel\":\"" + ch + "\",\"formats\":{\"http-response\":"
        + "{\"code\":201,\"reason\":\"Created\",\"headers\":{\"X-Test\":\"yes\"},\"body\":\"{\\\"msg\\\":\\\"hi\\\"}\\n\"}}}]}");
    assertEquals(200, pub.statusCode());
    HttpResponse<String> r = poll.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertEquals(201, r.statusCode());
    assertEquals("yes", r.headers().firstValue("X-Test").orElseThrow());
    assertEquals("{\"msg\":\"hi\"}\n", r.body());
  }

  @Test
  void webSocketOverHttpEchoesAndReceivesPublishedMessages(PushpinInstance p, GripTestOrigin origin) throws Exception {
    String ch = channel();
    int postsBefore = origin.requestCount("/ws");
    try (WebSocketSubscriber ws = WebSocketSubscriber.open(p.webSocketUri("/ws?channel=" + ch))) {
      ws.sendText("ping-from-client");
      WebSocketSubscriber.Message echo = ws.nextMessage(WAIT);
      assertEquals("ping-from-client", echo == null ? null : echo.text(), ws::toString);

      assertTrue(p.awaitSubscribed(ch, WAIT), p::handlerLog);
      HttpResponse<String> pub = publish(p,
          "{\"items\":[{\"channel\":\"" + ch + "\",\"formats\":{\"ws-message\":{\"content\":\"pushed\"}}}]}");
      assertEquals(200, pub.statusCode());
      WebSocketSubscriber.Message pushed = ws.nextMessage(WAIT);
      assertEquals("pushed", pushed == null ? null : pushed.text(), ws::toString);

      publish(p, "{\"items\":[{\"channel\":\"" + ch + "\",\"formats\":{\"ws-message\":{\"content-bin\":\"AAECAw==\"}}}]}");
      WebSocketSubscriber.Message bin = ws.nextMessage(WAIT);
      assertTrue(bin != null && bin.binary(), ws::toString);
      assertArrayEquals(new byte[] {0, 1, 2, 3}, bin.data());

      ws.sendClose(4001, "bye");
      assertTrue(ws.awaitClose(WAIT), ws::toString);
      assertEquals(4001, ws.closeCode().orElse(-1));
    }
    // OPEN, the TEXT and the CLOSE each reached the origin as a POST of websocket-events
    List<String> bodies = origin.requests().stream()
        .filter(r -> r.path().equals("/ws") && ch.equals(r.channel()))
        .map(GripTestOrigin.RecordedRequest::bodyText).toList();
    assertEquals("OPEN\r\n", bodies.get(0));
    assertTrue(bodies.contains("TEXT 10\r\nping-from-client\r\n"), bodies::toString);
    assertTrue(bodies.stream().anyMatch(b -> b.startsWith("CLOSE")), bodies::toString);
    assertTrue(origin.requestCount("/ws") - postsBefore >= 3);
  }

  @Test
  void publishedCloseEndsTheWebSocket(PushpinInstance p) throws Exception {
    String ch = channel();
    try (WebSocketSubscriber ws = WebSocketSubscriber.open(p.webSocketUri("/ws?channel=" + ch))) {
      assertTrue(p.awaitSubscribed(ch, WAIT), p::handlerLog);
      publish(p, "{\"items\":[{\"channel\":\"" + ch + "\",\"formats\":{\"ws-message\":"
          + "{\"action\":\"close\",\"code\":4002,\"reason\":\"done\"}}}]}");
      assertTrue(ws.awaitClose(WAIT), ws::toString);
      assertEquals(4002, ws.closeCode().orElse(-1));
      assertEquals("done", ws.closeReason());
    }
  }

  @Test
  void pauseFreezesTheHandlerUntilResume(PushpinInstance p) throws Exception {
    long pid = p.handlerPid();
    assertTrue(ProcessHandle.of(pid).orElseThrow().info().command().orElse("").endsWith("/pushpin-handler"));
    String ch = channel();
    String json = "{\"items\":[{\"channel\":\"" + ch + "\",\"formats\":{\"http-stream\":{\"content\":\"after resume\\n\"}}}]}";
    try (StreamSubscriber sub = StreamSubscriber.open(p.clientUri("/stream?channel=" + ch))) {
      assertTrue(p.awaitSubscribed(ch, WAIT), p::handlerLog);
      p.pause();
      CompletableFuture<HttpResponse<String>> pending;
      try {
        assertTrue(p.isPaused());
        assertEquals('T', ProcFs.state(pid), "handler should be stopped (SIGSTOP)");
        pending = HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(p.publishUrl())
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        // the kernel accepts the connection, but nobody answers while the handler is frozen
        assertFalse(sub.awaitContains("after resume", Duration.ofMillis(300)));
        assertFalse(pending.isDone());
      } finally {
        p.resume();
      }
      assertFalse(p.isPaused());
      assertNotEquals('T', ProcFs.state(pid));
      assertEquals(200, pending.get(WAIT.toSeconds(), TimeUnit.SECONDS).statusCode());
      assertTrue(sub.awaitContains("after resume\n", WAIT), sub::body);
    }
  }

  @Test
  void publishHelperPostsRawJson(PushpinInstance p) {
    PushpinInstance.PublishResponse ok = p.publish("{\"items\":[{\"channel\":\"" + channel()
        + "\",\"formats\":{\"http-stream\":{\"content\":\"x\"}}}]}");
    assertEquals(200, ok.status());
    assertEquals("Published\n", ok.body());
    PushpinInstance.PublishResponse bad = p.publish("{\"items\":");
    assertEquals(400, bad.status(), bad.body());
  }

  @Nested
  class NestedClasses {
    @Test
    void shareTheOuterInstance(PushpinInstance p) {
      assertSame(pushpin.instance(), p);
      assertTrue(p.isRunning());
    }
  }
}
