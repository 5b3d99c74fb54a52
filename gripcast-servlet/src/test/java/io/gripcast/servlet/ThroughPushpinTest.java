package io.gripcast.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gripcast.PublishResult;
import io.gripcast.Publisher;
import io.gripcast.item.Content;
import io.gripcast.item.HttpResponse;
import io.gripcast.item.HttpStream;
import io.gripcast.item.Item;
import io.gripcast.item.WsMessage;
import io.gripcast.testing.PushpinInstance;
import io.gripcast.testing.StreamSubscriber;
import io.gripcast.testing.WebSocketSubscriber;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The servlet support behind a real Pushpin that signs with {@code sig_key}: requests arrive
 * proxied and signed, held streams and long-polls get what is published, and WebSocket-over-HTTP
 * works end to end. A route signing with another key shows the refusal through the proxy.
 */
class ThroughPushpinTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static TestTomcat tomcat;
  private static PushpinInstance pushpin;
  private static Publisher publisher;

  @BeforeAll
  static void start() {
    tomcat = new TestTomcat()
        .filter("/*", GripSigFilter.builder().verifyKey(Tokens.KEY).build())
        .servlet("/whoami", new WhoAmIServlet())
        .servlet("/events", new EventsServlet())
        .servlet("/poll", new PollServlet())
        .servlet("/ws", new EchoWebSocketServlet())
        .start();
    String origin = "127.0.0.1:" + tomcat.port();
    // pushpin.conf's sig_key: on 1.36 a route's own sig_key/sig_iss options did not change the signature
    pushpin = PushpinInstance.builder()
        .logLevel(2)
        .set("proxy.sig_key", Tokens.KEY)
        .route("* 127.0.0.1:" + tomcat.port() + ",over_http").startOrSkip();
    publisher = Publisher.builder().endpoint(pushpin.gripUrl()).build();
  }

  @AfterAll
  static void stop() throws Exception {
    try (TestTomcat t = tomcat; PushpinInstance p = pushpin; Publisher pub = publisher) {
      // closed in reverse order
    }
  }

  @Test
  void aRequestThroughPushpinIsProxiedAndSigned() throws Exception {
    java.net.http.HttpResponse<String> r = HTTP.send(
        HttpRequest.newBuilder(pushpin.clientUri("/whoami")).timeout(WAIT).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("proxied=true signed=true status=VALID attrs=true/true", r.body());
  }

  @Test
  void aProxySigningWithItsShippedDefaultKeyIsRefused() throws Exception {
    try (PushpinInstance defaultKey = PushpinInstance.builder()
        .route("* 127.0.0.1:" + tomcat.port()).startOrSkip()) {
      java.net.http.HttpResponse<String> r = HTTP.send(
          HttpRequest.newBuilder(defaultKey.clientUri("/whoami")).timeout(WAIT).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertEquals(403, r.statusCode(), r.body());
      assertTrue(r.body().contains("BAD_SIGNATURE"), r.body());
    }
  }

  @Test
  void anEventStreamReceivesWhatIsPublished() throws Exception {
    String channel = "sse-" + System.nanoTime();
    try (StreamSubscriber sse = StreamSubscriber.open(pushpin.clientUri("/events?channel=" + channel), WAIT)) {
      assertEquals(200, sse.status());
      assertTrue(sse.header("Content-Type").startsWith("text/event-stream"), sse.header("Content-Type"));
      assertTrue(pushpin.awaitSubscribed(channel, WAIT), "Pushpin never subscribed the stream to " + channel);
      PublishResult result = publisher.publish(channel, Item.of(HttpStream.text("data: hello\n\n")));
      assertTrue(result.success(), result.toString());
      assertTrue(sse.awaitContains("data: hello\n\n", WAIT), sse.body());
    }
  }

  @Test
  void aLongPollIsAnsweredByWhatIsPublished() throws Exception {
    String channel = "poll-" + System.nanoTime();
    CompletableFuture<java.net.http.HttpResponse<String>> poll = HTTP.sendAsync(
        HttpRequest.newBuilder(pushpin.clientUri("/poll?channel=" + channel)).timeout(Duration.ofSeconds(30)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertTrue(pushpin.awaitSubscribed(channel, WAIT), "Pushpin never held the long-poll on " + channel);
    assertTrue(publisher.publish(channel, Item.of(HttpResponse.text("published answer"))).success());
    java.net.http.HttpResponse<String> r = poll.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertEquals(200, r.statusCode());
    assertEquals("published answer", r.body());
  }

  @Test
  void aWebSocketEchoesAndReceivesPublishedMessages() throws Exception {
    String channel = "ws-" + System.nanoTime();
    try (WebSocketSubscriber ws = WebSocketSubscriber.open(pushpin.webSocketUri("/ws?channel=" + channel))) {
      ws.sendText("ping me back");
      WebSocketSubscriber.Message echo = ws.nextMessage(WAIT);
      assertNotNull(echo, "no echo within " + WAIT);
      assertEquals("echo: ping me back", echo.text());
      assertTrue(pushpin.awaitSubscribed(channel, WAIT), "the connection was never subscribed to " + channel);
      assertTrue(publisher.publish(channel, Item.of(WsMessage.text("from the publisher"))).success());
      WebSocketSubscriber.Message published = ws.nextMessage(WAIT);
      assertNotNull(published, "the published message did not arrive within " + WAIT);
      assertEquals("from the publisher", published.text());
    }
  }

  /** A server-sent-events stream of the channel in the query. */
  static final class EventsServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
      GripResponses.eventStream(resp, req.getParameter("channel"));
    }
  }

  /** A long-poll of the channel in the query; "timeout" when nothing comes. */
  static final class PollServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      GripResponses.longPoll(resp, 20, req.getParameter("channel"));
      resp.setContentType("text/plain");
      resp.getWriter().write("timeout");
    }
  }

  /** Accepts, subscribes to the query's channel, echoes each message. */
  static final class EchoWebSocketServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      ServletWebSockets.handle(req, resp, ws -> {
        if (ws.isOpening()) {
          ws.accept();
          ws.subscribe(ws.queryParameter("channel").orElseThrow());
        }
        while (ws.canReceive()) {
          Content message = ws.receive();
          if (message == null) {
            ws.close();
            break;
          }
          ws.send("echo: " + new String(message.toBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
      });
    }
  }
}
