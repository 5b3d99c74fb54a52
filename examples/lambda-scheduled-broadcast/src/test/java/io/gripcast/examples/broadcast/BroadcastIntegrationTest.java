package io.gripcast.examples.broadcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gripcast.Publisher;
import io.gripcast.testing.PushpinExtension;
import io.gripcast.testing.PushpinInstance;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.BufferedSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The handler against a real Pushpin with real subscribers: an OkHttp WebSocket (held by Pushpin,
 * WebSocket-over-HTTP to the test origin) and an OkHttp HTTP stream, each on its own channel.
 */
class BroadcastIntegrationTest {

  static final Duration WAIT = Duration.ofSeconds(10);
  static final OkHttpClient CLIENT = new OkHttpClient.Builder().readTimeout(Duration.ZERO).build();

  @RegisterExtension
  static final PushpinExtension PUSHPIN = PushpinExtension.builder().build();

  static Publisher publisher;

  @BeforeAll
  static void publisher(PushpinInstance pushpin) {
    publisher = Publisher.builder().endpoint(pushpin.gripUrl()).build();
  }

  @AfterAll
  static void close() {
    if (publisher != null) {
      publisher.close();
    }
  }

  static Map<String, Object> scheduledEvent(String id, String time) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("version", "0");
    e.put("id", id);
    e.put("detail-type", "Scheduled Event");
    e.put("source", "aws.events");
    e.put("time", time);
    e.put("detail", Map.of());
    return e;
  }

  @Test
  void everySubscriberOfEveryChannelGetsTheBroadcastAndARetriedEventIsNotRepeated(PushpinInstance pushpin)
      throws Exception {
    String wsChannel = "ws-" + UUID.randomUUID();
    String streamChannel = "stream-" + UUID.randomUUID();
    try (Ws ws = new Ws(pushpin.webSocketUri("/ws?channel=" + wsChannel));
         Stream stream = new Stream(pushpin.clientUri("/stream?channel=" + streamChannel))) {
      assertTrue(pushpin.awaitSubscribed(wsChannel, WAIT), pushpin::handlerLog);
      assertTrue(pushpin.awaitSubscribed(streamChannel, WAIT), pushpin::handlerLog);
      BroadcastHandler handler = new BroadcastHandler(() -> publisher,
          new BroadcastConfig(List.of(wsChannel, streamChannel), "the news at noon"));

      String first = UUID.randomUUID().toString();
      Map<String, Object> summary = handler.handleRequest(scheduledEvent(first, "2030-01-01T12:00:00Z"), null);
      @SuppressWarnings("unchecked")
      Map<String, Object> endpoint = ((List<Map<String, Object>>) summary.get("endpoints")).get(0);
      assertEquals(2, endpoint.get("itemsPublished"));

      String noon = "{\"type\":\"broadcast\",\"text\":\"the news at noon\",\"time\":\"2030-01-01T12:00:00Z\"}";
      assertEquals(noon, ws.next());
      stream.awaitContains("stream open\nevent: broadcast\ndata: " + noon + "\n\n");

      // Lambda retries a failed invocation with the same event: its items carry the same ids, so the
      // proxy drops them. The next event's message is then the very next thing each subscriber gets.
      handler.handleRequest(scheduledEvent(first, "2030-01-01T12:00:00Z"), null);
      handler.handleRequest(scheduledEvent(UUID.randomUUID().toString(), "2030-01-01T13:00:00Z"), null);
      String one = "{\"type\":\"broadcast\",\"text\":\"the news at noon\",\"time\":\"2030-01-01T13:00:00Z\"}";
      assertEquals(one, ws.next());
      stream.awaitContains("stream open\nevent: broadcast\ndata: " + noon + "\n\nevent: broadcast\ndata: " + one + "\n\n");
    }
  }

  @Test
  void afterTheSnapStartPrimingAndARestoreTheBroadcastReachesSubscribers(PushpinInstance pushpin) throws Exception {
    String channel = "primed-" + UUID.randomUUID();
    SharedPublisher shared = new SharedPublisher(() -> Publisher.builder().endpoint(pushpin.gripUrl()).build());
    BroadcastConfig config = new BroadcastConfig(List.of(channel), "after restore");
    SnapStartPriming priming = new SnapStartPriming(shared, config);
    try (Ws ws = new Ws(pushpin.webSocketUri("/ws?channel=" + channel))) {
      assertTrue(pushpin.awaitSubscribed(channel, WAIT), pushpin::handlerLog);
      priming.beforeCheckpoint(null); // as the runtime does before the snapshot, then after a restore
      priming.afterRestore(null);
      new BroadcastHandler(shared, config).handleRequest(scheduledEvent(UUID.randomUUID().toString(),
          "2030-01-01T12:00:00Z"), null);
      // the priming's own item never reached Pushpin: the first message is the broadcast
      assertEquals("{\"type\":\"broadcast\",\"text\":\"after restore\",\"time\":\"2030-01-01T12:00:00Z\"}",
          ws.next());
    } finally {
      shared.get().close();
    }
  }

  /** An OkHttp WebSocket through Pushpin, collecting text messages. */
  static final class Ws implements AutoCloseable {
    private final LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
    private final CompletableFuture<Void> open = new CompletableFuture<>();
    private final WebSocket socket;

    Ws(URI uri) throws Exception {
      socket = CLIENT.newWebSocket(new Request.Builder().url(uri.toString()).build(), new WebSocketListener() {
        @Override
        public void onOpen(WebSocket webSocket, Response response) {
          open.complete(null);
        }

        @Override
        public void onMessage(WebSocket webSocket, String text) {
          messages.add(text);
        }

        @Override
        public void onFailure(WebSocket webSocket, Throwable t, Response response) {
          open.completeExceptionally(t);
        }
      });
      open.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    String next() throws InterruptedException {
      String m = messages.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertNotNull(m, "no WebSocket message within " + WAIT);
      return m;
    }

    @Override
    public void close() {
      socket.cancel();
    }
  }

  /** An OkHttp HTTP stream held by Pushpin, collecting everything it receives. */
  static final class Stream implements AutoCloseable {
    private final Response response;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();

    Stream(URI uri) throws IOException {
      response = CLIENT.newCall(new Request.Builder().url(uri.toString()).build()).execute();
      assertEquals(200, response.code());
    }

    /** Reads until the body so far equals {@code expected}, or fails when more arrived or time ran out. */
    void awaitContains(String expected) throws Exception {
      BufferedSource source = response.body().source();
      CompletableFuture<String> done = CompletableFuture.supplyAsync(() -> {
        try {
          while (received.size() < expected.getBytes(StandardCharsets.UTF_8).length && source.request(1)) {
            received.writeBytes(source.getBuffer().readByteArray());
          }
          return received.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      });
      try {
        assertEquals(expected, done.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
      } finally {
        done.cancel(true);
      }
    }

    @Override
    public void close() {
      response.close();
    }
  }
}
