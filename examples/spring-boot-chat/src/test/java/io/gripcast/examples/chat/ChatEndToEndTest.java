package io.gripcast.examples.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.gripcast.testing.StreamSubscriber;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * End to end through a real Pushpin: WebSocket clients (OkHttp) chat in a room, an SSE client
 * watches it, an announcement reaches them all, and requests that bypass Pushpin or carry a bad
 * Grip-Sig are refused. Also captures the Prometheus output that docs/metrics.md quotes.
 */
class ChatEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static ChatStack stack;
  private static OkHttpClient http;

  @BeforeAll
  static void start() {
    stack = new ChatStack();
    http = new OkHttpClient.Builder()
        .connectTimeout(Duration.ofSeconds(5))
        .readTimeout(Duration.ofSeconds(30))
        .callTimeout(Duration.ofSeconds(30))
        .build();
  }

  @AfterAll
  static void stop() {
    if (http != null) {
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
    if (stack != null) {
      stack.close();
    }
  }

  /** A WebSocket client collecting what it receives. */
  private static final class Client extends WebSocketListener implements AutoCloseable {
    final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    final BlockingQueue<Boolean> opened = new LinkedBlockingQueue<>();
    final WebSocket socket;

    Client(String room) {
      String url = stack.viaPushpin("/chat/ws?room=" + room).toString().replaceFirst("^http", "ws");
      socket = http.newWebSocket(new Request.Builder().url(url).build(), this);
    }

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
      opened.add(true);
    }

    @Override
    public void onMessage(WebSocket webSocket, String text) {
      received.add(text);
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable t, Response response) {
      received.add("FAILURE " + t);
    }

    void awaitOpen() throws InterruptedException {
      assertThat(opened.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).as("WebSocket open through Pushpin").isTrue();
    }

    /** Waits for a message containing {@code text}; messages before it are skipped. */
    String await(String text) throws InterruptedException {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (System.nanoTime() < deadline) {
        String m = received.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (m != null && m.contains(text)) {
          return m;
        }
      }
      throw new AssertionError("no message containing " + text + " within " + WAIT);
    }

    @Override
    public void close() {
      socket.close(1000, "done");
    }
  }

  /** A real SSE client (publisher-testing's) on the room's read-only view, through Pushpin. */
  private static StreamSubscriber sseView(String room) throws IOException {
    StreamSubscriber view = StreamSubscriber.open(stack.viaPushpin("/chat/rooms/" + room + "/events"), WAIT);
    assertThat(view.status()).isEqualTo(200);
    assertThat(view.header("Content-Type")).startsWith("text/event-stream");
    return view;
  }

  private static String room() {
    return "r" + Long.toString(System.nanoTime(), 36);
  }

  @Test
  void twoClientsInARoomSeeEachOtherAndTheSseViewSeesThemToo() throws Exception {
    String room = room();
    try (Client ann = new Client(room); Client bob = new Client(room); StreamSubscriber view = sseView(room)) {
      ann.awaitOpen();
      bob.awaitOpen();
      assertThat(stack.pushpin.awaitSubscribed("chat-" + room, WAIT)).isTrue();

      ann.socket.send("hello from ann");
      assertThat(bob.await("hello from ann")).isEqualTo("{\"type\":\"message\",\"text\":\"hello from ann\"}");
      ann.await("hello from ann"); // the sender sees its message come back from the room
      bob.socket.send("hi ann, bob here");
      ann.await("hi ann, bob here");

      assertThat(view.awaitContains("data: {\"type\":\"message\",\"text\":\"hello from ann\"}", WAIT)).as(view.body()).isTrue();
      assertThat(view.awaitContains("hi ann, bob here", WAIT)).isTrue();
    }
  }

  @Test
  void anAnnouncementReachesEveryone() throws Exception {
    String room = room();
    try (Client ann = new Client(room); Client bob = new Client(room); StreamSubscriber view = sseView(room)) {
      ann.awaitOpen();
      bob.awaitOpen();
      assertThat(stack.pushpin.awaitSubscribed("chat-" + room, WAIT)).isTrue();
      try (Response r = http.newCall(new Request.Builder()
          .url(stack.direct("/api/announcements?room=" + room).toString())
          .post(RequestBody.create("maintenance at noon", MediaType.get("text/plain")))
          .build()).execute()) {
        assertThat(r.code()).isEqualTo(202);
      }
      ann.await("maintenance at noon");
      assertThat(bob.await("maintenance at noon")).contains("\"type\":\"announcement\"");
      assertThat(view.awaitContains("event: announcement\ndata: {\"type\":\"announcement\",\"text\":\"maintenance at noon\"}", WAIT))
          .as(view.body()).isTrue();
    }
  }

  @Test
  void aRequestBypassingPushpinIsRefused() throws Exception {
    try (Response r = http.newCall(new Request.Builder().url(stack.direct("/chat/rooms/lobby/events").toString()).build())
        .execute()) {
      assertThat(r.code()).isEqualTo(403);
      assertThat(r.body().string()).contains("no Grip-Sig header");
    }
  }

  @Test
  void aBadGripSigIsRefused() throws Exception {
    // a well-formed token signed with Pushpin's shipped default key, not this deployment's
    String forged = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3OTYyMzk4OTIsImlzcyI6InB1c2hwaW4ifQ"
        + ".deB-UAevjxWm6UxXdPRD-K8OjxxX-04peuNbTV_-T5w";
    try (Response r = http.newCall(new Request.Builder().url(stack.direct("/chat/rooms/lobby/events").toString())
        .header("Grip-Sig", forged).build()).execute()) {
      assertThat(r.code()).isEqualTo(403);
      assertThat(r.body().string()).contains("Grip-Sig refused");
    }
    try (Response r = http.newCall(new Request.Builder()
        .url(stack.direct("/chat/ws?room=lobby").toString())
        .header("Grip-Sig", "not.a.token")
        .post(RequestBody.create("OPEN\r\n", MediaType.get("application/websocket-events")))
        .header("Connection-Id", "forged").build()).execute()) {
      assertThat(r.code()).isEqualTo(403);
    }
  }

  @Test
  void prometheusShowsGripcastMeters() throws Exception {
    String room = room();
    try (Response r = http.newCall(new Request.Builder()
        .url(stack.direct("/api/announcements?room=" + room).toString())
        .post(RequestBody.create("metrics please", MediaType.get("text/plain"))).build()).execute()) {
      assertThat(r.code()).isEqualTo(202);
    }
    String text;
    try (Response r = http.newCall(new Request.Builder().url(stack.direct("/actuator/prometheus").toString()).build())
        .execute()) {
      assertThat(r.code()).isEqualTo(200);
      text = r.body().string();
    }
    assertThat(text).contains("gripcast_publish_seconds_count{", "gripcast_items_total{", "gripcast_attempts_total{",
        "gripcast_buffer_queued", "gripcast_buffer_capacity", "outcome=\"published\"");
    // the sample docs/metrics.md quotes
    StringBuilder sample = new StringBuilder();
    for (String line : text.split("\n")) {
      if (line.contains("gripcast_")) {
        sample.append(line).append('\n');
      }
    }
    Path target = Path.of(System.getProperty("chat.target", "target"));
    Files.createDirectories(target);
    Files.writeString(target.resolve("prometheus-sample.txt"), sample);

    try (Response r = http.newCall(new Request.Builder().url(stack.direct("/actuator/health").toString()).build())
        .execute()) {
      String health = r.body().string();
      assertThat(health).contains("\"gripcast\"", "\"endpoint-1\"", "\"status\":200");
    }
  }
}
