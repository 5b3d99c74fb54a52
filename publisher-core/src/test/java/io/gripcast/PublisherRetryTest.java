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
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Fault handling against MockWebServer: statuses, disconnects, timeouts, cancellation, close. Every
 * case runs over both transports ({@link OverBothTransports}): the outcome, the attempts, what is
 * retried and the message a user reads must not depend on which one carried the request.
 */
class PublisherRetryTest {
  private MockWebServer server;
  private final TestPublishing.Recorder recorder = new TestPublishing.Recorder();
  private final List<PublishListener.Attempt> attempts = recorder.attempts;
  private final List<PublishListener.Retry> retries = recorder.retries;

  /** Fast, deterministic backoff so tests do not wait. */
  private static final RetryPolicy QUICK =
      RetryPolicy.builder().maxAttempts(4).backoff(Duration.ofMillis(20), 2.0, Duration.ofMillis(100)).jitter(0.0).totalBudget(Duration.ofSeconds(10)).build();

  @BeforeEach
  void start() throws Exception {
    server = new MockWebServer();
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Publisher.Builder publisher(HttpTransport transport) {
    return Publisher.builder().endpoint("http://127.0.0.1:" + server.getPort()).transport(transport).retryPolicy(QUICK)
        .listener(recorder);
  }

  private static MockResponse status(int code, String body) {
    return new MockResponse.Builder().code(code).body(body).build();
  }

  private RecordedRequest take() throws InterruptedException {
    RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
    assertTrue(r != null, "no request arrived");
    return r;
  }

  @OverBothTransports
  void twoServiceUnavailablesThenSuccessTakesThreeAttemptsWithTheSameIds(HttpTransport transport) throws Exception {
    server.enqueue(status(503, "busy\n"));
    server.enqueue(status(503, "busy\n"));
    server.enqueue(status(200, "Published\n"));
    try (Publisher p = publisher(transport).build()) {
      PublishResult r = p.publish("c", Item.of(WsMessage.text("x")));
      assertTrue(r.success());
      assertEquals(3, r.endpoints().get(0).attempts());
      assertEquals(Outcome.PUBLISHED, r.endpoints().get(0).outcome());
      assertEquals(200, r.endpoints().get(0).status());
    }
    assertEquals(3, server.getRequestCount());
    assertEquals(2, retries.size());
    assertEquals("HTTP 503", retries.get(0).reason());
    assertEquals(3, attempts.size());
    RecordedRequest first = take();
    assertTrue(first.getBody().utf8().contains("\"id\":"), "a generated id makes the retries harmless");
    assertEquals(first.getBody(), take().getBody(), "a retry must resend the same ids");
    assertEquals(first.getBody(), take().getBody(), "a retry must resend the same ids");
  }

  @OverBothTransports
  void badRequestFailsAfterOneAttemptWithPushpinsMessage(HttpTransport transport) {
    server.enqueue(status(400, "Invalid format: 'ws-message' contains 'type' with unknown value\n"));
    try (Publisher p = publisher(transport).build()) {
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

  @OverBothTransports
  void everyOtherClientErrorIsNotRetried(HttpTransport transport) {
    int[] codes = {401, 403, 404, 405, 411, 413, 422};
    for (int code : codes) {
      server.enqueue(status(code, "no\n"));
    }
    try (Publisher p = publisher(transport).build()) {
      for (int code : codes) {
        EndpointResult r = TestPublishing.failedPublish(p);
        assertEquals(1, r.attempts(), "HTTP " + code);
        assertEquals(code, r.status(), "HTTP " + code);
        assertEquals(code == 401 || code == 403 ? Outcome.AUTH_REFUSED : Outcome.REJECTED, r.outcome(), "HTTP " + code);
      }
    }
    assertEquals(codes.length, server.getRequestCount());
    assertTrue(retries.isEmpty());
  }

  @OverBothTransports
  void onlyTheOverloadStatusesAreRetriedAndOtherServerErrorsAreUnavailableAtOnce(HttpTransport transport) {
    try (Publisher p = publisher(transport).build()) {
      for (int code : new int[] {429, 502, 503, 504}) {
        server.enqueue(status(code, "busy\n"));
        server.enqueue(status(200, "Published\n"));
        EndpointResult r = p.publish("c", Item.of(WsMessage.text("x"))).endpoints().get(0);
        assertEquals(Outcome.PUBLISHED, r.outcome(), "HTTP " + code);
        assertEquals(2, r.attempts(), "HTTP " + code + " is retried");
      }
      for (int code : new int[] {500, 501}) {
        server.enqueue(status(code, "broken\n"));
        EndpointResult r = TestPublishing.failedPublish(p);
        assertEquals(Outcome.UNAVAILABLE, r.outcome(), "HTTP " + code);
        assertEquals(1, r.attempts(), "HTTP " + code + " is not retried");
        assertEquals("broken", r.message());
      }
    }
    assertEquals(10, server.getRequestCount());
  }

  @OverBothTransports
  void aRedirectIsReportedNotFollowed(HttpTransport transport) {
    server.enqueue(new MockResponse.Builder().code(307).setHeader("Location", "http://127.0.0.1:1/publish/").build());
    try (Publisher p = publisher(transport).build()) {
      EndpointResult r = TestPublishing.failedPublish(p);
      assertEquals(Outcome.REJECTED, r.outcome());
      assertEquals(307, r.status());
      assertEquals(1, r.attempts());
      assertTrue(r.message().startsWith("redirected (HTTP 307)"), r.message());
    }
    assertEquals(1, server.getRequestCount(), "a redirected POST is not sent again");
  }

  @OverBothTransports
  void tooManyRequestsWaitsAsLongAsRetryAfterSays(HttpTransport transport) {
    // Retry-After counts whole seconds: this case waits 1 s per transport, the least that shows the wait
    server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "1").body("slow down\n").build());
    server.enqueue(status(200, "Published\n"));
    long t0 = System.nanoTime();
    try (Publisher p = publisher(transport).build()) {
      assertTrue(p.publish("c", Item.of(WsMessage.text("x"))).success());
    }
    long waitedMillis = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(1, retries.size());
    assertEquals(Duration.ofSeconds(1), retries.get(0).delay());
    assertTrue(waitedMillis >= 1_000, "retried after " + waitedMillis + " ms, before Retry-After");
  }

  @OverBothTransports
  void retryAfterBeyondTheBudgetFailsAsUnavailable(HttpTransport transport) {
    server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "3600").body("later\n").build());
    try (Publisher p = publisher(transport).build()) {
      PublishException e = assertThrows(PublishException.class, () -> p.publish("c", Item.of(WsMessage.text("x"))));
      assertEquals(Outcome.UNAVAILABLE, e.result().endpoints().get(0).outcome());
      assertEquals(429, e.result().endpoints().get(0).status());
      assertEquals("later", e.result().endpoints().get(0).message());
      assertTrue(e.retryable());
    }
    assertEquals(1, server.getRequestCount());
  }

  @OverBothTransports
  void disconnectAfterTheRequestWasReadIsRetriedWithTheSameIds(HttpTransport transport) throws Exception {
    server.enqueue(new MockResponse.Builder().onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build());
    server.enqueue(status(200, "Published\n"));
    try (Publisher p = publisher(transport).build()) {
      PublishResult r = p.publishAll(List.of(Item.of(WsMessage.text("a")).on("c"), Item.of(WsMessage.text("b")).on("c")));
      assertEquals(2, r.endpoints().get(0).attempts());
      assertEquals(2, r.endpoints().get(0).itemsPublished());
    }
    assertEquals(1, retries.size());
    assertTrue(retries.get(0).reason().startsWith("no readable answer: "), retries.get(0).reason());
    RecordedRequest first = take();
    RecordedRequest second = take();
    assertEquals(first.getBody(), second.getBody(), "a retry must resend the same ids");
    assertTrue(first.getBody().utf8().contains("\"id\":"));
  }

  @OverBothTransports
  void disconnectAfterTheRequestEveryTimeIsReportedUnknown(HttpTransport transport) {
    for (int i = 0; i < 2; i++) {
      server.enqueue(new MockResponse.Builder().onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build());
    }
    try (Publisher p = publisher(transport).retryPolicy(QUICK.withMaxAttempts(2)).build()) {
      PublishException e = assertThrows(PublishException.class, () -> p.publish("c", Item.of(WsMessage.text("x"))));
      EndpointResult r = e.result().endpoints().get(0);
      assertEquals(Outcome.UNKNOWN, r.outcome(), "the proxy may have taken the request");
      assertEquals(2, r.attempts());
      assertEquals(0, r.status());
      // the cause's wording is each transport's own ("unexpected end of stream ..." from both today)
      assertTrue(r.message().startsWith("the request went out, but no answer could be read ("), r.message());
      assertInstanceOf(IOException.class, r.failure());
      assertTrue(e.retryable());
    }
    assertEquals(2, server.getRequestCount());
  }

  @OverBothTransports
  void garbageInsteadOfAnAnswerIsRetriedThenReportedUnknown(HttpTransport transport) {
    for (int i = 0; i < 2; i++) {
      server.enqueue(new MockResponse.Builder().status("SPDY/0 nonsense").body("x").build());
    }
    try (Publisher p = publisher(transport).retryPolicy(QUICK.withMaxAttempts(2)).build()) {
      EndpointResult r = TestPublishing.failedPublish(p);
      assertEquals(Outcome.UNKNOWN, r.outcome());
      assertEquals(2, r.attempts(), "garbage after the whole request is retried: the proxy may have taken it");
      // OkHttp says "Unexpected status line", the selector transport "unexpected status line"
      assertTrue(r.message().toLowerCase(Locale.ROOT).contains("protocol error: unexpected status line: spdy/0 nonsense"),
          r.message());
    }
    assertEquals(2, server.getRequestCount());
  }

  @OverBothTransports
  void readTimeoutAfterTheWholeRequestIsRetriedThenReportedUnknown(HttpTransport transport) {
    for (int i = 0; i < 2; i++) {
      server.enqueue(new MockResponse.Builder().headersDelay(2, TimeUnit.SECONDS).body("late\n").build());
    }
    try (Publisher p = publisher(transport).retryPolicy(QUICK.withMaxAttempts(2)).readTimeout(Duration.ofMillis(200)).build()) {
      EndpointResult r = TestPublishing.failedPublish(p);
      assertEquals(Outcome.UNKNOWN, r.outcome(), "the proxy may have taken the request");
      assertEquals(2, r.attempts());
      // the timeout's own words differ (OkHttp: "timeout"; the selector transport: "read timed out
      // after 200 ms (host:port)"); what a user acts on is the same
      assertTrue(r.message().startsWith("the request went out, but no answer could be read (timed out"), r.message());
      assertInstanceOf(IOException.class, r.failure());
    }
    assertEquals(1, retries.size());
  }

  @OverBothTransports
  void callTimeoutEndsASilentProxyAsUnknown(HttpTransport transport) {
    for (int i = 0; i < 2; i++) {
      server.enqueue(new MockResponse.Builder().onResponseStart(SocketEffect.Stall.INSTANCE).build());
    }
    long t0 = System.nanoTime();
    try (Publisher p = publisher(transport).retryPolicy(QUICK.withMaxAttempts(2)).callTimeout(Duration.ofMillis(200)).build()) {
      EndpointResult r = TestPublishing.failedPublish(p);
      assertEquals(Outcome.UNKNOWN, r.outcome());
      assertEquals(2, r.attempts(), "a call timeout is retried like any other timeout");
      // OkHttp ends the call with an InterruptedIOException("timeout"), the selector transport with
      // a SocketTimeoutException naming the call timeout: both read as "timed out"
      assertTrue(r.message().startsWith("the request went out, but no answer could be read (timed out"), r.message());
    }
    long tookMillis = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(tookMillis < 2_000, "two 200 ms attempts took " + tookMillis + " ms: the read timeout (10 s) is not the limit");
    assertEquals(2, server.getRequestCount());
  }

  @OverBothTransports
  void aBodyCutShortKeepsTheStatusAndWhatArrivedOfTheMessage(HttpTransport transport) {
    // The proxy answers, promises 100 bytes and closes after 17: the status stands (the proxy did
    // answer), and the message keeps what arrived, whichever transport read it.
    server.enqueue(new MockResponse.Builder().code(400).body("Invalid format: x")
        .setHeader("Content-Length", 100).onResponseEnd(SocketEffect.ShutdownConnection.INSTANCE).build());
    try (Publisher p = publisher(transport).build()) {
      EndpointResult r = TestPublishing.failedPublish(p);
      assertEquals(Outcome.REJECTED, r.outcome());
      assertEquals(400, r.status());
      assertEquals(1, r.attempts());
      assertEquals("Invalid format: x", r.message());
    }
  }

  @OverBothTransports
  void aTimeoutInTheMiddleOfTheBodyKeepsTheStatusAndWhatArrived(HttpTransport transport) throws Exception {
    // the whole head and 17 bytes of a 100-byte body, then silence past the read timeout
    try (ServerSocket raw = answerOnceThenHold(
        "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\nInvalid format: x");
        Publisher p = Publisher.builder().endpoint("http://127.0.0.1:" + raw.getLocalPort()).transport(transport)
            .retryPolicy(QUICK).readTimeout(Duration.ofMillis(200)).build()) {
      EndpointResult r = TestPublishing.failedPublish(p);
      assertEquals(Outcome.REJECTED, r.outcome(), "the status arrived: the proxy did answer");
      assertEquals(400, r.status());
      assertEquals(1, r.attempts());
      assertEquals("Invalid format: x", r.message());
    }
  }

  /**
   * A server for one connection: reads the request, writes {@code answer}, then keeps the
   * connection open and silent for a few seconds (MockWebServer throttles the head and the body
   * alike, so it cannot stop in the middle of a body).
   */
  private static ServerSocket answerOnceThenHold(String answer) throws IOException {
    ServerSocket raw = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    Thread t = new Thread(() -> {
      try (java.net.Socket s = raw.accept()) {
        readRequest(s.getInputStream());
        s.getOutputStream().write(answer.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        Thread.sleep(5_000);
      } catch (IOException | InterruptedException e) {
        // the test has ended
      }
    });
    t.setDaemon(true);
    t.start();
    return raw;
  }

  /** Reads up to the end of a publish request's items envelope. */
  private static void readRequest(java.io.InputStream in) throws IOException {
    byte[] buf = new byte[8192];
    String seen = "";
    while (!seen.contains("}]}")) {
      int n = in.read(buf);
      if (n < 0) {
        return;
      }
      seen = seen + new String(buf, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
  }

  @OverBothTransports
  void connectionRefusedIsRetriedWithinTheBudgetAndSaysUnavailable(HttpTransport transport) throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    try (Publisher p = Publisher.builder().endpoint("http://127.0.0.1:" + closedPort).transport(transport).retryPolicy(QUICK)
        .listener(recorder).build()) {
      EndpointResult r = TestPublishing.failedPublish(p);
      assertEquals(Outcome.UNAVAILABLE, r.outcome());
      assertEquals(4, r.attempts());
      assertEquals(0, r.itemsPublished());
      assertTrue(r.message().contains("connection refused"), r.message());
      assertTrue(r.message().contains("Failed to connect to /127.0.0.1:" + closedPort), r.message());
    }
    assertEquals(3, retries.size());
  }

  @OverBothTransports
  void cancellingTheFutureClosesTheConnection(HttpTransport transport) throws Exception {
    try (ServerSocket raw = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      CompletableFuture<Integer> afterRequest = new CompletableFuture<>();
      CountDownLatch requestRead = new CountDownLatch(1);
      Thread t = new Thread(() -> {
        try (java.net.Socket s = raw.accept()) {
          readRequest(s.getInputStream());
          requestRead.countDown();
          afterRequest.complete(s.getInputStream().read()); // -1 once the publisher closed the connection
        } catch (IOException e) {
          afterRequest.completeExceptionally(e);
        }
      });
      t.setDaemon(true);
      t.start();
      try (Publisher p = Publisher.builder().endpoint("http://127.0.0.1:" + raw.getLocalPort()).transport(transport)
          .retryPolicy(QUICK).listener(recorder).build()) {
        CompletableFuture<PublishResult> f = p.publishAsync("c", Item.of(WsMessage.text("x")));
        assertTrue(requestRead.await(5, TimeUnit.SECONDS), "the request did not arrive");
        assertTrue(f.cancel(true));
        assertEquals(-1, afterRequest.get(5, TimeUnit.SECONDS), "the connection was not closed");
        assertThrows(CancellationException.class, f::join);
        Thread.sleep(100); // a retry, were one planned, would have started by now
      }
      assertEquals(1, attempts.size(), "a cancelled publish is not retried");
      assertTrue(retries.isEmpty());
    }
  }

  @OverBothTransports
  void cancellingDuringBackoffStopsThePendingRetry(HttpTransport transport) throws Exception {
    server.enqueue(status(503, "busy\n"));
    server.enqueue(status(200, "Published\n"));
    RetryPolicy slow = QUICK.withBackoff(Duration.ofMillis(300), 1.0, Duration.ofMillis(300));
    CountDownLatch retryPlanned = new CountDownLatch(1);
    try (Publisher p = publisher(transport).retryPolicy(slow).listener(new PublishListener() {
      @Override
      public void onRetry(Retry r) {
        retryPlanned.countDown();
      }
    }).build()) {
      CompletableFuture<PublishResult> f = p.publishAsync("c", Item.of(WsMessage.text("x")));
      assertTrue(retryPlanned.await(5, TimeUnit.SECONDS));
      f.cancel(true);
      Thread.sleep(450); // past the backoff: the retry would have been sent by now
    }
    assertEquals(1, server.getRequestCount());
  }

  @OverBothTransports
  void closeStopsRetriesAndReportsTheFailure(HttpTransport transport) throws Exception {
    server.enqueue(status(503, "busy\n"));
    server.enqueue(status(200, "Published\n"));
    RetryPolicy slow = QUICK.withBackoff(Duration.ofMillis(300), 1.0, Duration.ofMillis(300));
    CountDownLatch retryPlanned = new CountDownLatch(1);
    Publisher p = publisher(transport).retryPolicy(slow).closeTimeout(Duration.ofMillis(50)).listener(new PublishListener() {
      @Override
      public void onRetry(Retry r) {
        retryPlanned.countDown();
      }
    }).build();
    CompletableFuture<PublishResult> f = p.publishAsync("c", Item.of(WsMessage.text("x")));
    assertTrue(retryPlanned.await(5, TimeUnit.SECONDS));
    p.close();
    Thread.sleep(450); // past the backoff: the retry would have been sent by now
    assertEquals(1, server.getRequestCount(), "no retry after close");
    assertTrue(f.isDone());
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(1, TimeUnit.SECONDS),
        "the failure must reach the caller");
    PublishException pe = assertInstanceOf(PublishException.class, e.getCause());
    assertEquals(Outcome.CANCELLED, pe.result().endpoints().get(0).outcome());
    assertEquals(503, pe.result().endpoints().get(0).status());
    assertEquals(1, pe.result().endpoints().get(0).attempts());
    assertThrows(IllegalStateException.class, () -> p.publish("c", Item.of(WsMessage.text("x"))));
  }

  @OverBothTransports
  void closeCancelsARequestStillInFlightAfterTheCloseTimeout(HttpTransport transport) throws Exception {
    server.enqueue(new MockResponse.Builder().onResponseStart(SocketEffect.Stall.INSTANCE).build());
    Publisher p = publisher(transport).closeTimeout(Duration.ofMillis(100)).build();
    CompletableFuture<PublishResult> f = p.publishAsync("c", Item.of(WsMessage.text("x")));
    take(); // the request is on the wire, its answer will never come
    TestPublishing.closeCancels(p, f);
    assertEquals(1, server.getRequestCount());
  }

  @OverBothTransports
  void closeLeavesNoNonDaemonThreadBehind(HttpTransport transport) throws Exception {
    Set<Thread> before = nonDaemonThreads();
    server.enqueue(status(503, "busy\n"));
    server.enqueue(status(200, "Published\n"));
    try (Publisher p = publisher(transport).build()) {
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

  @OverBothTransports
  void aBrokenListenerDoesNotBreakPublishing(HttpTransport transport) {
    server.enqueue(status(200, "Published\n"));
    try (Publisher p = publisher(transport).listener(new PublishListener() {
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

  @OverBothTransports
  void allPolicyFailsWhenOneEndpointFailsAndAnyPolicySucceeds(HttpTransport transport) throws Exception {
    try (MockWebServer second = new MockWebServer()) {
      second.start();
      for (SuccessPolicy policy : SuccessPolicy.values()) {
        server.enqueue(status(200, "Published\n"));
        second.enqueue(status(400, "Invalid format.\n"));
        try (Publisher p = publisher(transport).endpoint("http://127.0.0.1:" + second.getPort()).successPolicy(policy).build()) {
          CompletableFuture<PublishResult> f = p.publishAsync("c", Item.of(WsMessage.text("x")));
          if (policy == SuccessPolicy.ALL) {
            ExecutionException e = assertThrows(ExecutionException.class, f::get);
            PublishResult r = ((PublishException) e.getCause()).result();
            assertEquals(List.of(Outcome.PUBLISHED, Outcome.REJECTED),
                r.endpoints().stream().map(EndpointResult::outcome).collect(Collectors.toList()));
            assertEquals(Outcome.REJECTED, r.worstOutcome());
            assertEquals("Invalid format.", r.endpoints().get(1).message());
          } else {
            PublishResult r = f.get();
            assertTrue(r.success());
            assertEquals(1, r.failures().size());
          }
        }
      }
    }
  }

  @OverBothTransports
  void eachEndpointRetriesOnItsOwnWithTheSameIds(HttpTransport transport) throws Exception {
    try (MockWebServer second = new MockWebServer()) {
      second.start();
      server.enqueue(status(503, "busy\n"));
      server.enqueue(status(200, "Published\n"));
      second.enqueue(status(200, "Published\n"));
      try (Publisher p = publisher(transport).endpoint("http://127.0.0.1:" + second.getPort()).build()) {
        PublishResult r = p.publish("c", Item.of(WsMessage.text("x")));
        assertTrue(r.success());
        assertEquals(List.of(2, 1), r.endpoints().stream().map(EndpointResult::attempts).collect(Collectors.toList()));
      }
      assertEquals(2, server.getRequestCount());
      assertEquals(1, second.getRequestCount(), "the endpoint that answered is not sent the item again");
      RecordedRequest toSecond = second.takeRequest(5, TimeUnit.SECONDS);
      assertEquals(take().getBody(), toSecond.getBody(), "every endpoint gets the same ids, so a cluster deduplicates alike");
      assertEquals(toSecond.getBody(), take().getBody());
    }
  }

  @OverBothTransports
  void theProxysMessageIsCutAt512Bytes(HttpTransport transport) {
    String longBody = "Invalid format: " + "x".repeat(600) + "\n";
    server.enqueue(status(400, longBody));
    try (Publisher p = publisher(transport).build()) {
      PublishException e = assertThrows(PublishException.class, () -> p.publish("c", Item.of(WsMessage.text("x"))));
      assertEquals(longBody.substring(0, 512) + "...", e.result().endpoints().get(0).message());
    }
  }
}
