package io.gripcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gripcast.item.Item;
import io.gripcast.item.WsMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Fault handling against MockWebServer: statuses, disconnects, timeouts, cancellation, close. */
class PublisherRetryTest {
  private MockWebServer server;
  private final List<PublishListener.Retry> retries = new CopyOnWriteArrayList<>();
  private final List<PublishListener.Attempt> attempts = new CopyOnWriteArrayList<>();
  private final PublishListener recorder = new PublishListener() {
    @Override
    public void onAttempt(Attempt a) {
      attempts.add(a);
    }

    @Override
    public void onRetry(Retry r) {
      retries.add(r);
    }
  };

  /** Fast, deterministic backoff so tests do not wait. */
  private static final RetryPolicy QUICK =
      new RetryPolicy(4, Duration.ofMillis(20), 2.0, Duration.ofMillis(100), 0.0, Duration.ofSeconds(10));

  @BeforeEach
  void start() throws Exception {
    server = new MockWebServer();
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Publisher.Builder publisher() {
    return Publisher.builder().endpoint("http://127.0.0.1:" + server.getPort()).retryPolicy(QUICK).listener(recorder);
  }

  private static MockResponse status(int code, String body) {
    return new MockResponse.Builder().code(code).body(body).build();
  }

  @Test
  void twoServiceUnavailablesThenSuccessTakesThreeAttempts() {
    server.enqueue(status(503, "busy\n"));
    server.enqueue(status(503, "busy\n"));
    server.enqueue(status(200, "Published\n"));
    try (Publisher p = publisher().build()) {
      PublishResult r = p.publish("c", Item.of(WsMessage.text("x")));
      assertTrue(r.success());
      assertEquals(3, r.endpoints().get(0).attempts());
      assertEquals(Outcome.PUBLISHED, r.endpoints().get(0).outcome());
    }
    assertEquals(3, server.getRequestCount());
    assertEquals(2, retries.size());
    assertEquals("HTTP 503", retries.get(0).reason());
  }

  @Test
  void badRequestFailsAfterOneAttemptWithPushpinsMessage() {
    server.enqueue(status(400, "Invalid format: 'ws-message' contains 'type' with unknown value\n"));
    try (Publisher p = publisher().build()) {
      PublishException e = assertThrows(PublishException.class, () -> p.publish("c", Item.of(WsMessage.text("x"))));
      EndpointResult r = e.result().endpoints().get(0);
      assertEquals(Outcome.REJECTED, r.outcome());
      assertEquals(400, r.status());
      assertEquals(1, r.attempts());
      assertEquals("Invalid format: 'ws-message' contains 'type' with unknown value", r.message());
      assertTrue(e.getMessage().contains("Invalid format: 'ws-message'"), e.getMessage());
      assertFalse(e.retryable());
    }
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void everyOtherClientErrorIsNotRetried() {
    for (int code : new int[] {401, 403, 404, 405, 411, 413, 422}) {
      server.enqueue(status(code, "no\n"));
    }
    try (Publisher p = publisher().build()) {
      for (int code : new int[] {401, 403, 404, 405, 411, 413, 422}) {
        PublishException e = assertThrows(PublishException.class, () -> p.publish("c", Item.of(WsMessage.text("x"))));
        EndpointResult r = e.result().endpoints().get(0);
        assertEquals(1, r.attempts(), "HTTP " + code);
        assertEquals(code == 401 || code == 403 ? Outcome.AUTH_REFUSED : Outcome.REJECTED, r.outcome(), "HTTP " + code);
      }
    }
    assertEquals(7, server.getRequestCount());
    assertTrue(retries.isEmpty());
  }

  @Test
  void tooManyRequestsWaitsAsLongAsRetryAfterSays() {
    server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "1").body("slow down\n").build());
    server.enqueue(status(200, "Published\n"));
    long t0 = System.nanoTime();
    try (Publisher p = publisher().build()) {
      assertTrue(p.publish("c", Item.of(WsMessage.text("x"))).success());
    }
    long waitedMillis = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(1, retries.size());
    assertEquals(Duration.ofSeconds(1), retries.get(0).delay());
    assertTrue(waitedMillis >= 1_000, "retried after " + waitedMillis + " ms, before Retry-After");
  }

  @Test
  void retryAfterBeyondTheBudgetFailsAsUnavailable() {
    server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "3600").body("later\n").build());
    try (Publisher p = publisher().build()) {
      PublishException e = assertThrows(PublishException.class, () -> p.publish("c", Item.of(WsMessage.text("x"))));
      assertEquals(Outcome.UNAVAILABLE, e.result().endpoints().get(0).outcome());
      assertEquals(429, e.result().endpoints().get(0).status());
      assertTrue(e.retryable());
    }
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void disconnectAfterTheRequestWasReadIsRetriedWithTheSameIds() throws Exception {
    server.enqueue(new MockResponse.Builder().onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build());
    server.enqueue(status(200, "Published\n"));
    try (Publisher p = publisher().build()) {
      PublishResult r = p.publishAll(List.of(Item.of(WsMessage.text("a")).on("c"), Item.of(WsMessage.text("b")).on("c")));
      assertEquals(2, r.endpoints().get(0).attempts());
    }
    RecordedRequest first = server.takeRequest(5, TimeUnit.SECONDS);
    RecordedRequest second = server.takeRequest(5, TimeUnit.SECONDS);
    assertEquals(first.getBody(), second.getBody(), "a retry must resend the same ids");
    assertTrue(first.getBody().utf8().contains("\"id\":"));
  }

  @Test
  void readTimeoutAfterTheWholeRequestIsRetriedThenReportedUnknown() {
    for (int i = 0; i < 2; i++) {
      server.enqueue(new MockResponse.Builder().headersDelay(2, TimeUnit.SECONDS).body("late\n").build());
    }
    try (Publisher p = publisher().retryPolicy(QUICK.withMaxAttempts(2)).readTimeout(Duration.ofMillis(200)).build()) {
      PublishException e = assertThrows(PublishException.class, () -> p.publish("c", Item.of(WsMessage.text("x"))));
      EndpointResult r = e.result().endpoints().get(0);
      assertEquals(Outcome.UNKNOWN, r.outcome(), "the proxy may have taken the request");
      assertEquals(2, r.attempts());
      assertTrue(r.message().startsWith("the request went out, but no answer could be read (timed out"), r.message());
      assertInstanceOf(IOException.class, r.failure());
    }
  }

  @Test
  void connectionRefusedIsRetriedWithinTheBudgetAndSaysUnavailable() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    try (Publisher p = Publisher.builder().endpoint("http://127.0.0.1:" + closedPort).retryPolicy(QUICK)
        .listener(recorder).build()) {
      PublishException e = assertThrows(PublishException.class, () -> p.publish("c", Item.of(WsMessage.text("x"))));
      EndpointResult r = e.result().endpoints().get(0);
      assertEquals(Outcome.UNAVAILABLE, r.outcome());
      assertEquals(4, r.attempts());
      assertEquals(0, r.itemsPublished());
      assertTrue(r.message().contains("connection refused"), r.message());
    }
    assertEquals(3, retries.size());
  }

  @Test
  void cancellingTheFutureCancelsTheHttpCall() throws Exception {
    server.enqueue(new MockResponse.Builder().onResponseStart(SocketEffect.Stall.INSTANCE).build());
    CountDownLatch cancelled = new CountDownLatch(1);
    OkHttpClient mine = new OkHttpClient.Builder().eventListener(new EventListener() {
      @Override
      public void canceled(Call call) {
        cancelled.countDown();
      }
    }).build();
    try (Publisher p = publisher().okHttpClient(mine).transport(HttpTransport.OKHTTP).build()) {
      CompletableFuture<PublishResult> f = p.publishAsync("c", Item.of(WsMessage.text("x")));
      server.takeRequest(5, TimeUnit.SECONDS); // the request is on the wire
      assertTrue(f.cancel(true));
      assertTrue(cancelled.await(5, TimeUnit.SECONDS), "the OkHttp call was not cancelled");
      assertThrows(CancellationException.class, f::join);
    } finally {
      mine.dispatcher().executorService().shutdown();
    }
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void cancellingTheFutureClosesTheConnectionOfAPlainHttpEndpoint() throws Exception {
    try (ServerSocket raw = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      CompletableFuture<Integer> afterRequest = new CompletableFuture<>();
      CountDownLatch requestRead = new CountDownLatch(1);
      Thread t = new Thread(() -> {
        try (java.net.Socket s = raw.accept()) {
          java.io.InputStream in = s.getInputStream();
          byte[] buf = new byte[8192];
          String seen = "";
          while (!seen.contains("}]}")) { // the end of the items envelope
            int n = in.read(buf);
            if (n < 0) {
              break;
            }
            seen = seen + new String(buf, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1);
          }
          requestRead.countDown();
          afterRequest.complete(in.read()); // -1 once the publisher closed the connection
        } catch (IOException e) {
          afterRequest.completeExceptionally(e);
        }
      });
      t.setDaemon(true);
      t.start();
      try (Publisher p = Publisher.builder().endpoint("http://127.0.0.1:" + raw.getLocalPort()).retryPolicy(QUICK).build()) {
        CompletableFuture<PublishResult> f = p.publishAsync("c", Item.of(WsMessage.text("x")));
        assertTrue(requestRead.await(5, TimeUnit.SECONDS), "the request did not arrive");
        assertTrue(f.cancel(true));
        assertEquals(-1, afterRequest.get(5, TimeUnit.SECONDS), "the connection was not closed");
        assertThrows(CancellationException.class, f::join);
      }
    }
  }

  @Test
  void cancellingDuringBackoffStopsThePendingRetry() throws Exception {
    server.enqueue(status(503, "busy\n"));
    server.enqueue(status(200, "Published\n"));
    RetryPolicy slow = QUICK.withBackoff(Duration.ofMillis(400), 1.0, Duration.ofMillis(400));
    CountDownLatch retryPlanned = new CountDownLatch(1);
    try (Publisher p = publisher().retryPolicy(slow).listener(new PublishListener() {
      @Override
      public void onRetry(Retry r) {
        retryPlanned.countDown();
      }
    }).build()) {
      CompletableFuture<PublishResult> f = p.publishAsync("c", Item.of(WsMessage.text("x")));
      assertTrue(retryPlanned.await(5, TimeUnit.SECONDS));
      f.cancel(true);
      Thread.sleep(800); // two backoff periods: the retry would have been sent by now
    }
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void closeStopsRetriesAndReportsTheFailure() throws Exception {
    server.enqueue(status(503, "busy\n"));
    server.enqueue(status(200, "Published\n"));
    RetryPolicy slow = QUICK.withBackoff(Duration.ofMillis(500), 1.0, Duration.ofMillis(500));
    CountDownLatch retryPlanned = new CountDownLatch(1);
    Publisher p = publisher().retryPolicy(slow).closeTimeout(Duration.ofMillis(50)).listener(new PublishListener() {
      @Override
      public void onRetry(Retry r) {
        retryPlanned.countDown();
      }
    }).build();
    CompletableFuture<PublishResult> f = p.publishAsync("c", Item.of(WsMessage.text("x")));
    assertTrue(retryPlanned.await(5, TimeUnit.SECONDS));
    p.close();
    Thread.sleep(800);
    assertEquals(1, server.getRequestCount(), "no retry after close");
    assertTrue(f.isDone());
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(1, TimeUnit.SECONDS),
        "the failure must reach the caller");
    PublishException pe = assertInstanceOf(PublishException.class, e.getCause());
    assertEquals(Outcome.CANCELLED, pe.result().endpoints().get(0).outcome());
    assertEquals(503, pe.result().endpoints().get(0).status());
    assertThrows(IllegalStateException.class, () -> p.publish("c", Item.of(WsMessage.text("x"))));
  }

  @Test
  void closeLeavesNoNonDaemonThreadBehind() throws Exception {
    Set<Thread> before = nonDaemonThreads();
    server.enqueue(status(503, "busy\n"));
    server.enqueue(status(200, "Published\n"));
    try (Publisher p = publisher().build()) {
      p.publish("c", Item.of(WsMessage.text("x")));
    }
    Set<Thread> after = nonDaemonThreads();
    after.removeAll(before);
    assertTrue(after.isEmpty(), "non-daemon threads left: " + after);
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("gripcast-")) {
        assertTrue(t.isDaemon(), t.getName());
      }
    }
  }

  private static Set<Thread> nonDaemonThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> !t.isDaemon() && t.isAlive() && !t.getName().startsWith("MockWebServer"))
        .collect(Collectors.toSet());
  }

  @Test
  void aBrokenListenerDoesNotBreakPublishing() {
    server.enqueue(status(200, "Published\n"));
    try (Publisher p = publisher().listener(new PublishListener() {
      @Override
      public void onAttempt(Attempt a) {
        throw new IllegalStateException("listener bug");
      }

      @Override
      public void onResult(PublishResult r) {
        throw new IllegalStateException("listener bug");
      }
    }).build()) {
      assertTrue(p.publish("c", Item.of(WsMessage.text("x"))).success());
    }
  }

  @Test
  void allPolicyFailsWhenOneEndpointFailsAndAnyPolicySucceeds() throws Exception {
    try (MockWebServer second = new MockWebServer()) {
      second.start();
      for (SuccessPolicy policy : SuccessPolicy.values()) {
        server.enqueue(status(200, "Published\n"));
        second.enqueue(status(400, "Invalid format.\n"));
        try (Publisher p = publisher().endpoint("http://127.0.0.1:" + second.getPort()).successPolicy(policy).build()) {
          CompletableFuture<PublishResult> f = p.publishAsync("c", Item.of(WsMessage.text("x")));
          if (policy == SuccessPolicy.ALL) {
            ExecutionException e = assertThrows(ExecutionException.class, f::get);
            PublishResult r = ((PublishException) e.getCause()).result();
            assertEquals(List.of(Outcome.PUBLISHED, Outcome.REJECTED),
                r.endpoints().stream().map(EndpointResult::outcome).collect(Collectors.toList()));
            assertEquals(Outcome.REJECTED, r.worstOutcome());
          } else {
            PublishResult r = f.get();
            assertTrue(r.success());
            assertEquals(1, r.failures().size());
          }
        }
      }
    }
  }

  @Test
  void bothTransportsCutTheProxysMessageTheSameWay() {
    String longBody = "Invalid format: " + "x".repeat(600) + "\n";
    OkHttpClient mine = new OkHttpClient();
    try {
      for (boolean ownClient : new boolean[] {false, true}) {
        server.enqueue(status(400, "Invalid format: 'ws-message' contains 'type' with unknown value\n"));
        server.enqueue(status(400, longBody));
        Publisher.Builder b = publisher();
        if (ownClient) {
          b.okHttpClient(mine).transport(HttpTransport.OKHTTP);
        }
        try (Publisher p = b.build()) {
          PublishException short1 = assertThrows(PublishException.class, () -> p.publish("c", Item.of(WsMessage.text("x"))));
          assertEquals("Invalid format: 'ws-message' contains 'type' with unknown value",
              short1.result().endpoints().get(0).message(), "own client: " + ownClient);
          PublishException long1 = assertThrows(PublishException.class, () -> p.publish("c", Item.of(WsMessage.text("x"))));
          String m = long1.result().endpoints().get(0).message();
          assertEquals(longBody.substring(0, 512) + "...", m, "own client: " + ownClient);
        }
      }
    } finally {
      mine.dispatcher().executorService().shutdown();
    }
  }
}
