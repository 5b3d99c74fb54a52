package io.gripcast.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.gripcast.BufferedPublisher;
import io.gripcast.Publisher;
import io.gripcast.item.HttpResponse;
import io.gripcast.item.Item;
import io.gripcast.item.WsMessage;
import io.gripcast.testing.PushpinInstance;
import io.gripcast.testing.StreamSubscriber;
import io.gripcast.testing.WebSocketSubscriber;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A real Spring Boot web application (random port) behind a real Pushpin signing with its own
 * key: MVC's WebSocketContext parameter and WebSocketResponse return, a GripEntities event stream,
 * a GripInstruct long-poll, the Grip-Sig filter, and the buffered publisher flushed on graceful
 * shutdown.
 */
class SpringAppThroughPushpinTest {
  private static final String KEY = "spring-test-sig-key-0123456789abcdef";
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private PushpinInstance pushpin;
  private ConfigurableApplicationContext app;
  private int appPort;

  @BeforeEach
  void start() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      appPort = s.getLocalPort();
    }
    pushpin = PushpinInstance.builder()
        .logLevel(2)
        .set("proxy.sig_key", KEY)
        .route("* 127.0.0.1:" + appPort + ",over_http").startOrSkip();
    app = new SpringApplicationBuilder(TestApp.class).run(
        "--server.port=" + appPort,
        "--server.address=127.0.0.1",
        "--server.shutdown=graceful",
        "--gripcast.endpoints=" + pushpin.gripUrl(),
        "--gripcast.grip-sig.verify-keys=" + KEY,
        "--gripcast.buffer.enabled=true",
        // a batch waits 15 s for more items: the announcements are still unsent when the test closes
        // the app (close waits for that linger to end, well within the 30 s close timeout)
        "--gripcast.buffer.linger=15s",
        "--gripcast.buffer.max-batch-items=1000",
        "--management.endpoints.web.exposure.include=health");
  }

  @AfterEach
  void stop() {
    try {
      if (app != null) {
        app.close();
      }
    } finally {
      pushpin.close();
    }
  }

  @Test
  void aWebSocketThroughPushpinReachesTheControllerSignedAndGetsPublishedMessages() throws Exception {
    String room = "room-" + System.nanoTime();
    try (WebSocketSubscriber ws = WebSocketSubscriber.open(pushpin.webSocketUri("/ws?room=" + room))) {
      assertThat(ws.nextMessage(WAIT)).isNotNull().extracting(WebSocketSubscriber.Message::text).isEqualTo("signed=true");
      ws.sendText("hi");
      assertThat(ws.nextMessage(WAIT)).isNotNull().extracting(WebSocketSubscriber.Message::text).isEqualTo("echo: hi");
      assertThat(pushpin.awaitSubscribed(room, WAIT)).isTrue();
      Publisher publisher = app.getBean(Publisher.class);
      assertThat(publisher.publish(room, Item.of(WsMessage.text("published"))).success()).isTrue();
      assertThat(ws.nextMessage(WAIT)).isNotNull().extracting(WebSocketSubscriber.Message::text).isEqualTo("published");
    }
  }

  @Test
  void aLongPollReturnedAsGripInstructIsAnsweredByAPublish() throws Exception {
    String channel = "poll-" + System.nanoTime();
    CompletableFuture<java.net.http.HttpResponse<String>> poll = HTTP.sendAsync(
        HttpRequest.newBuilder(pushpin.clientUri("/poll/" + channel)).timeout(Duration.ofSeconds(30)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(pushpin.awaitSubscribed(channel, WAIT)).isTrue();
    assertThat(app.getBean(Publisher.class).publish(channel, Item.of(HttpResponse.text("done"))).success()).isTrue();
    assertThat(poll.get(WAIT.toSeconds(), TimeUnit.SECONDS).body()).isEqualTo("done");
  }

  @Test
  void requestsBypassingPushpinAreRefused() throws Exception {
    java.net.http.HttpResponse<String> r = HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + appPort + "/events/x")).timeout(WAIT).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("no Grip-Sig header");
  }

  @Test
  void gracefulShutdownFlushesTheBufferToRealSubscribers() throws Exception {
    String room = "news-" + System.nanoTime();
    try (StreamSubscriber sse = StreamSubscriber.open(pushpin.clientUri("/events/" + room), WAIT)) {
      assertThat(sse.status()).isEqualTo(200);
      assertThat(sse.header("Content-Type")).startsWith("text/event-stream");
      assertThat(pushpin.awaitSubscribed(room, WAIT)).isTrue();
      for (int i = 1; i <= 3; i++) {
        java.net.http.HttpResponse<String> r = HTTP.send(
            HttpRequest.newBuilder(pushpin.clientUri("/announce?room=" + room + "&text=item-" + i))
                .timeout(WAIT).POST(HttpRequest.BodyPublishers.noBody()).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.body()).isEqualTo("queued");
      }
      BufferedPublisher buffer = app.getBean(BufferedPublisher.class);
      assertThat(buffer.queued() + buffer.inFlight()).as("still buffered before shutdown").isPositive();
      assertThat(sse.body()).doesNotContain("item-1");

      app.close(); // graceful: requests finish, then the buffer is flushed, then the publisher closes
      app = null;

      assertThat(sse.awaitContains("data: item-3\n\n", WAIT)).as(sse.body()).isTrue();
      assertThat(sse.body()).contains("data: item-1\n\n", "data: item-2\n\n");
    }
  }
}
