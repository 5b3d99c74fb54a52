package io.gripcast.examples.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.gripcast.Publisher;
import io.gripcast.auth.GripSigVerifier;
import io.gripcast.item.Item;
import io.gripcast.item.WsMessage;
import io.gripcast.lambda.LambdaWebSockets;
import io.gripcast.testing.PushpinExtension;
import io.gripcast.testing.PushpinInstance;
import io.gripcast.ws.WebSocketEvent;
import io.gripcast.ws.WebSocketEvents;
import io.gripcast.ws.WebSocketRequest;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole system on real parts: an OkHttp WebSocket client, a real Pushpin with an
 * {@code over_http} route, the local runner emulating API Gateway, the echo Lambda handler, and a
 * gripcast {@link Publisher} publishing to the connection's channel through Pushpin's control port.
 */
class EchoEndToEndTest {

  static final Duration WAIT = Duration.ofSeconds(10);
  static final OkHttpClient HTTP = new OkHttpClient.Builder().callTimeout(WAIT).build();
  /** WebSockets have no read timeout: the proxy keeps them open between messages. */
  static final OkHttpClient WS = HTTP.newBuilder().readTimeout(Duration.ZERO).callTimeout(Duration.ZERO).build();

  /** The echo, recording what each invocation received from the proxy. */
  static final Recorder ECHO = new Recorder(new EchoHandler(Optional.empty()));
  static final LocalServer ECHO_SERVER = LocalServer.builder().handler(ECHO).port(0).start();
  /** The echo checking Grip-Sig with the key Pushpin signs with (its shipped default) and its issuer. */
  static final LocalServer SIGNED_SERVER = LocalServer.builder().port(0).handler(new EchoHandler(Optional.of(
      GripSigVerifier.builder().verifyKey("changeme").expectedIssuer("pushpin").build()))).start();
  /** The echo checking Grip-Sig with a key the proxy does not have. */
  static final LocalServer WRONG_KEY_SERVER = LocalServer.builder().port(0).handler(new EchoHandler(Optional.of(
      GripSigVerifier.of("a-key-the-proxy-does-not-sign-with")))).start();

  @RegisterExtension
  static final PushpinExtension PUSHPIN = PushpinExtension.builder()
      .configure(b -> b
          .route("*,path_beg=/signed/ " + hostPort(SIGNED_SERVER) + ",over_http")
          .route("*,path_beg=/wrong-key/ " + hostPort(WRONG_KEY_SERVER) + ",over_http")
          .origin(hostPort(ECHO_SERVER))
          .overHttp(true))
      .build();

  static String hostPort(LocalServer server) {
    return server.uri().getAuthority();
  }

  @AfterAll
  static void stopServers() {
    ECHO_SERVER.close();
    SIGNED_SERVER.close();
    WRONG_KEY_SERVER.close();
  }

  static String unique() {
    return "e2e-" + UUID.randomUUID();
  }

  // ------------------------------------------------------------------ echo

  @Test
  void textAndBinaryMessagesComeBackThroughPushpin(PushpinInstance pushpin) throws Exception {
    try (Client c = Client.connect(pushpin.webSocketUri("/ws?channel=" + unique()))) {
      c.send("hello");
      assertEquals("hello", c.next());

      byte[] notUtf8 = {0, 1, 2, (byte) 0xff, (byte) 0x80, 'm', ':', '\r', '\n'};
      c.send(ByteString.of(notUtf8));
      assertEquals(ByteString.of(notUtf8), c.next());

      c.send("h\u00e9llo \u2603 \uD83D\uDE00");
      assertEquals("h\u00e9llo \u2603 \uD83D\uDE00", c.next());

      // larger than Pushpin's 16 KB fragments toward the client, which reassembles them; under the
      // 32 KB that Pushpin 1.36 relays from a WebSocket-over-HTTP backend (see the README)
      byte[] big = new byte[30_000];
      for (int i = 0; i < big.length; i++) {
        big[i] = (byte) (i * 31);
      }
      c.send(ByteString.of(big));
      assertEquals(ByteString.of(big), c.next());
    }
  }

  @Test
  void aBurstOfMessagesIsEchoedCompletelyAndInOrder(PushpinInstance pushpin) throws Exception {
    try (Client c = Client.connect(pushpin.webSocketUri("/ws?channel=" + unique()))) {
      List<String> sent = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        sent.add("message " + i);
        c.send("message " + i); // without waiting: the proxy may put several in one request
      }
      List<Object> received = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        received.add(c.next());
      }
      assertEquals(sent, received);
    }
  }

  // ------------------------------------------------------------------ publishing

  @Test
  void publishedWsMessagesReachTheConnectionOnItsChannel(PushpinInstance pushpin) throws Exception {
    String channel = unique();
    try (Client c = Client.connect(pushpin.webSocketUri("/ws?channel=" + channel));
         Publisher publisher = Publisher.builder().endpoint(pushpin.gripUrl()).build()) {
      assertTrue(pushpin.awaitSubscribed(channel, WAIT), pushpin::handlerLog);

      publisher.publish(channel, Item.of(WsMessage.text("published text")));
      assertEquals("published text", c.next());

      byte[] bytes = {(byte) 0xde, (byte) 0xad, 0, (byte) 0xbe, (byte) 0xef};
      publisher.publish(channel, Item.of(WsMessage.binary(bytes)));
      assertEquals(ByteString.of(bytes), c.next());

      c.send("the echo still answers");
      assertEquals("the echo still answers", c.next());
    }
  }

  @Test
  void withoutAChannelParameterTheConnectionIsOnTheEchoChannel(PushpinInstance pushpin) throws Exception {
    // the only test on the default channel: awaitSubscribed sees a channel's first subscriber only
    try (Client c = Client.connect(pushpin.webSocketUri("/ws"));
         Publisher publisher = Publisher.builder().endpoint(pushpin.gripUrl()).build()) {
      assertTrue(pushpin.awaitSubscribed(EchoHandler.DEFAULT_CHANNEL, WAIT), pushpin::handlerLog);
      publisher.publish(EchoHandler.DEFAULT_CHANNEL, Item.of(WsMessage.text("to everyone on echo")));
      assertEquals("to everyone on echo", c.next());
    }
  }

  // ------------------------------------------------------------------ closing

  @Test
  void aPublishedCloseReachesTheClientWithItsCodeAndReason(PushpinInstance pushpin) throws Exception {
    String channel = unique();
    try (Client c = Client.connect(pushpin.webSocketUri("/ws?channel=" + channel));
         Publisher publisher = Publisher.builder().endpoint(pushpin.gripUrl()).build()) {
      assertTrue(pushpin.awaitSubscribed(channel, WAIT), pushpin::handlerLog);
      publisher.publish(channel, Item.of(WsMessage.close(4002, "closed by the publisher")));
      assertEquals(new Client.Close(4002, "closed by the publisher"), c.awaitClose());
    }
  }

  @Test
  void aCloseFromTheHandlerReachesTheClientWithItsCodeAndReason(PushpinInstance pushpin) throws Exception {
    try (Client c = Client.connect(pushpin.webSocketUri("/ws?channel=" + unique()))) {
      c.send("before");
      assertEquals("before", c.next());
      c.send("close:4003:closed by the handler");
      assertEquals(new Client.Close(4003, "closed by the handler"), c.awaitClose());
    }
  }

  @Test
  void theClientsCloseReachesTheHandlerWhichAnswersWith1000(PushpinInstance pushpin) throws Exception {
    try (Client c = Client.connect(pushpin.webSocketUri("/ws?channel=" + unique()))) {
      c.send("hi");
      assertEquals("hi", c.next());
      String connectionId = ECHO.connectionIdOf(e -> e.equals(WebSocketEvent.text("hi")));
      c.socket.close(4100, "client leaving");
      assertEquals(new Client.Close(1000, ""), c.awaitClose(), "the handler's close() is 1000, never 0");
      ECHO.await(connectionId, new WebSocketEvent.Close(4100, "client leaving"));
    }
  }

  // ------------------------------------------------------------------ not WebSocket-over-HTTP

  @Test
  void aPlainRequestGetsThe400DirectlyAndThroughPushpin(PushpinInstance pushpin) throws Exception {
    for (URI uri : List.of(ECHO_SERVER.uri().resolve("/ws"), pushpin.clientUri("/ws?channel=x"))) {
      try (Response r = HTTP.newCall(new Request.Builder().url(uri.toString()).build()).execute()) {
        assertEquals(400, r.code(), uri::toString);
        assertEquals("Not a WebSocket-over-HTTP request: method GET, expected POST", r.body().string());
      }
      Request json = new Request.Builder().url(uri.toString())
          .post(RequestBody.create("{}".getBytes(StandardCharsets.UTF_8), MediaType.get("application/json"))).build();
      try (Response r = HTTP.newCall(json).execute()) {
        assertEquals(400, r.code(), uri::toString);
        assertEquals("Not a WebSocket-over-HTTP request: Content-Type is \"application/json\", expected"
            + " application/websocket-events", r.body().string());
      }
    }
  }

  // ------------------------------------------------------------------ Grip-Sig

  @Test
  void requestsSignedByPushpinPassTheGripSigCheck(PushpinInstance pushpin) throws Exception {
    try (Client c = Client.connect(pushpin.webSocketUri("/signed/ws?channel=" + unique()))) {
      c.send("signed");
      assertEquals("signed", c.next());
    }
  }

  @Test
  void aBackendWithAnotherKeyRefusesTheHandshakeWith403(PushpinInstance pushpin) throws Exception {
    Client.Refusal refusal = Client.connectExpectingRefusal(pushpin.webSocketUri("/wrong-key/ws?channel=" + unique()));
    assertEquals(403, refusal.status());
    assertTrue(refusal.body().startsWith("Grip-Sig refused (BAD_SIGNATURE)"), refusal.body());
  }

  // ------------------------------------------------------------------ helpers

  /** Wraps a handler and keeps the events of every WebSocket-over-HTTP invocation. */
  static final class Recorder implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    record Invocation(String connectionId, List<WebSocketEvent> events) {}

    private final RequestHandler<Map<String, Object>, Map<String, Object>> inner;
    private final List<Invocation> invocations = new ArrayList<>();

    Recorder(RequestHandler<Map<String, Object>, Map<String, Object>> inner) {
      this.inner = inner;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
      try {
        WebSocketRequest request = LambdaWebSockets.request(event);
        Optional<String> id = request.header("Connection-Id");
        if (id.isPresent()) {
          List<WebSocketEvent> events = WebSocketEvents.decode(request.body());
          synchronized (invocations) {
            invocations.add(new Invocation(id.get(), events));
            invocations.notifyAll();
          }
        }
      } catch (RuntimeException notWebSocketOverHttp) {
        // the handler answers it
      }
      return inner.handleRequest(event, context);
    }

    /** The connection id of the invocation that carried an event matching {@code match}. */
    String connectionIdOf(Predicate<WebSocketEvent> match) {
      synchronized (invocations) {
        for (Invocation i : invocations) {
          if (i.events().stream().anyMatch(match)) {
            return i.connectionId();
          }
        }
      }
      throw new AssertionError("no invocation carried the event");
    }

    /** Waits (bounded) until an invocation for {@code connectionId} carried {@code event}. */
    void await(String connectionId, WebSocketEvent event) throws InterruptedException {
      long deadline = System.nanoTime() + WAIT.toNanos();
      synchronized (invocations) {
        while (true) {
          for (Invocation i : invocations) {
            if (i.connectionId().equals(connectionId) && i.events().contains(event)) {
              return;
            }
          }
          long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
          if (left <= 0) {
            fail("the handler never received " + event + " for connection " + connectionId);
          }
          invocations.wait(left);
        }
      }
    }
  }

  /** An OkHttp WebSocket client: the messages it receives, the server's close, or its refusal. */
  static final class Client implements AutoCloseable {
    record Close(int code, String reason) {}

    record Refusal(int status, String body) {}

    final WebSocket socket;
    private final LinkedBlockingQueue<Object> messages = new LinkedBlockingQueue<>(); // String or ByteString
    private final CompletableFuture<Response> opened = new CompletableFuture<>();
    private final CompletableFuture<Close> closing = new CompletableFuture<>();
    private final CompletableFuture<Refusal> refused = new CompletableFuture<>();

    private Client(URI uri) {
      socket = WS.newWebSocket(new Request.Builder().url(uri.toString()).build(), new WebSocketListener() {
        @Override
        public void onOpen(WebSocket ws, Response response) {
          opened.complete(response);
        }

        @Override
        public void onMessage(WebSocket ws, String text) {
          messages.add(text);
        }

        @Override
        public void onMessage(WebSocket ws, ByteString bytes) {
          messages.add(bytes);
        }

        @Override
        public void onClosing(WebSocket ws, int code, String reason) {
          closing.complete(new Close(code, reason));
          ws.close(1000, null);
        }

        @Override
        public void onFailure(WebSocket ws, Throwable t, Response response) {
          if (response != null && !opened.isDone()) {
            String body;
            try {
              body = response.body().string();
            } catch (IOException | IllegalStateException e) {
              body = "(unreadable: " + e + ")";
            }
            refused.complete(new Refusal(response.code(), body));
          }
          opened.completeExceptionally(t);
          closing.completeExceptionally(t);
        }
      });
    }

    static Client connect(URI uri) throws InterruptedException, TimeoutException {
      Client c = new Client(uri);
      try {
        c.opened.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        c.close();
        throw new AssertionError("WebSocket " + uri + " did not open: " + c.refused.getNow(null), e.getCause());
      }
      return c;
    }

    static Refusal connectExpectingRefusal(URI uri) throws Exception {
      Client c = new Client(uri);
      try {
        return c.refused.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } finally {
        c.close();
      }
    }

    void send(String text) {
      assertTrue(socket.send(text), "send refused: the socket is closing");
    }

    void send(ByteString bytes) {
      assertTrue(socket.send(bytes), "send refused: the socket is closing");
    }

    /** The next message, waiting at most {@link #WAIT}. */
    Object next() throws InterruptedException {
      Object m = messages.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertNotNull(m, "no message within " + WAIT);
      return m;
    }

    /** The server's close frame, waiting at most {@link #WAIT}. */
    Close awaitClose() throws Exception {
      return closing.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
      socket.cancel();
    }
  }
}
