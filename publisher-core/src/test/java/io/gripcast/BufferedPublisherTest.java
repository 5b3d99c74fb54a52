package io.gripcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gripcast.item.Item;
import io.gripcast.item.WsMessage;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

/**
 * The buffer over a publisher. The cases whose outcome passes through the HTTP calls (order,
 * failures, draining on close) run over both transports; those about the queue alone run once.
 */
class BufferedPublisherTest {
  private static final ObjectMapper M = new ObjectMapper();

  private static MockResponse ok() {
    return new MockResponse.Builder().body("Published\n").build();
  }

  @OverBothTransports
  void batchesKeepSubmissionOrderAndEveryFutureCompletes(HttpTransport transport) throws Exception {
    try (MockWebServer server = new MockWebServer()) {
      server.start();
      for (int i = 0; i < 50; i++) {
        server.enqueue(ok());
      }
      List<CompletableFuture<PublishResult>> futures = new ArrayList<>();
      try (Publisher p = Publisher.builder().endpoint("http://127.0.0.1:" + server.getPort()).transport(transport).build();
          BufferedPublisher b = BufferedPublisher.builder(p).maxBatchItems(10).linger(Duration.ofMillis(20)).build()) {
        for (int i = 0; i < 95; i++) {
          futures.add(b.submit("c", Item.of(WsMessage.text("m" + i))));
        }
        assertTrue(b.flush(Duration.ofSeconds(10)));
        for (CompletableFuture<PublishResult> f : futures) {
          assertTrue(f.isDone() && f.get().success());
        }
      }
      int next = 0;
      int requests = server.getRequestCount();
      assertTrue(requests >= 10 && requests < 95, requests + " requests: items must be batched, at most 10 per POST");
      for (int r = 0; r < requests; r++) {
        RecordedRequest req = server.takeRequest(1, TimeUnit.SECONDS);
        JsonNode items = M.readTree(req.getBody().utf8()).get("items");
        assertTrue(items.size() <= 10);
        for (JsonNode it : items) {
          assertEquals("m" + next++, it.at("/formats/ws-message/content").asText());
        }
      }
      assertEquals(95, next);
    }
  }

  @Test
  void inFlightCountsTheBatchBeingSentAndQueuedWhatWaitsBehindIt() throws Exception {
    try (MockWebServer server = new MockWebServer()) {
      server.start();
      server.enqueue(new MockResponse.Builder().headersDelay(500, TimeUnit.MILLISECONDS).body("Published\n").build());
      server.enqueue(ok());
      try (Publisher p = Publisher.builder().endpoint("http://127.0.0.1:" + server.getPort()).build();
          BufferedPublisher b = BufferedPublisher.builder(p).maxBatchItems(3).linger(Duration.ofMillis(100)).build()) {
        assertEquals(0, b.inFlight());
        for (int i = 0; i < 3; i++) {
          b.submit("c", Item.of(WsMessage.text("first" + i)));
        }
        assertTrue(server.takeRequest(5, TimeUnit.SECONDS) != null, "the first batch went out");
        for (int i = 0; i < 2; i++) {
          b.submit("c", Item.of(WsMessage.text("next" + i)));
        }
        assertEquals(3, b.inFlight(), "the first batch waits for its answer");
        assertEquals(2, b.queued());
        assertTrue(b.flush(Duration.ofSeconds(10)));
        assertEquals(0, b.inFlight());
        assertEquals(0, b.queued());
      }
    }
  }

  @Test
  void aByteBoundKeepsTheQueueUnderItRefusesWhatCannotFitAndEmptiesAsItDrains() throws Exception {
    try (MockWebServer server = new MockWebServer()) {
      server.start();
      // the first batch waits 1 s for its answer, so what is submitted meanwhile stays queued
      server.enqueue(new MockResponse.Builder().headersDelay(1, TimeUnit.SECONDS).body("Published\n").build());
      for (int i = 0; i < 20; i++) {
        server.enqueue(ok());
      }
      String kb = "x".repeat(1_000);
      try (Publisher p = Publisher.builder().endpoint("http://127.0.0.1:" + server.getPort()).build();
          BufferedPublisher b = BufferedPublisher.builder(p).capacity(10_000).maxQueuedBytes(60_000).maxBatchItems(1)
              .overflow(BufferedPublisher.Overflow.REJECT).linger(Duration.ZERO).build()) {
        CompletableFuture<PublishResult> tooBig = b.submit("c", Item.of(WsMessage.text("y".repeat(20_000))));
        ExecutionException big = assertThrows(ExecutionException.class, tooBig::get, "refused at once");
        assertTrue(big.getCause().getMessage().contains("more than the buffer's maxQueuedBytes of 60000"), big.getCause().getMessage());
        b.submit("c", Item.of(WsMessage.text("first")));
        assertTrue(server.takeRequest(5, TimeUnit.SECONDS) != null, "the first batch went out and waits");
        int accepted = 0;
        int refused = 0;
        for (int i = 0; i < 50; i++) {
          CompletableFuture<PublishResult> f = b.submit("c", Item.of(WsMessage.text(kb)));
          if (f.isCompletedExceptionally()) {
            ExecutionException e = assertThrows(ExecutionException.class, f::get);
            assertInstanceOf(BufferFullException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("60000 estimated bytes"), e.getCause().getMessage());
            refused++;
          } else {
            accepted++;
          }
          assertTrue(b.queuedBytes() <= 60_000, "queued " + b.queuedBytes() + " bytes");
        }
        // estimates are upper bounds (up to 6 bytes a char, for JSON escapes): a 1,000-char item counts
        // about 6 kB, so a 60 kB bound holds under ten of them, however many the count bound allows
        assertTrue(accepted >= 5 && accepted < 11, "accepted " + accepted);
        assertEquals(50, accepted + refused);
        assertEquals(accepted, b.queued(), "the count bound (10,000) never came into it");
        assertTrue(b.queuedBytes() >= accepted * 1_000L, "bytes estimated for what waits: " + b.queuedBytes());
        assertTrue(b.flush(Duration.ofSeconds(20)));
        assertEquals(0, b.queuedBytes(), "drained: nothing counts as queued");
        assertTrue(b.submit("c", Item.of(WsMessage.text(kb))).get(10, TimeUnit.SECONDS).success(), "room again");
      }
    }
  }

  @Test
  void batchesAreCutByEstimatedBytes() throws Exception {
    try (MockWebServer server = new MockWebServer()) {
      server.start();
      for (int i = 0; i < 20; i++) {
        server.enqueue(ok());
      }
      try (Publisher p = Publisher.builder().endpoint("http://127.0.0.1:" + server.getPort()).build();
          BufferedPublisher b = BufferedPublisher.builder(p).maxBatchBytes(4_000).linger(Duration.ofMillis(50)).build()) {
        for (int i = 0; i < 10; i++) {
          b.submit("c", Item.of(WsMessage.text("x".repeat(300))));
        }
        assertTrue(b.flush(Duration.ofSeconds(10)));
      }
      for (int r = 0, n = server.getRequestCount(); r < n; r++) {
        RecordedRequest req = server.takeRequest(1, TimeUnit.SECONDS);
        assertTrue(req.getBodySize() <= 4_000, "body of " + req.getBodySize());
      }
      assertTrue(server.getRequestCount() >= 2);
    }
  }

  @OverBothTransports
  void failuresReachEveryItemsFutureAndTheListener(HttpTransport transport) throws Exception {
    try (MockWebServer server = new MockWebServer()) {
      server.start();
      server.enqueue(new MockResponse.Builder().code(400).body("Invalid format.\n").build());
      AtomicInteger failed = new AtomicInteger();
      try (Publisher p = Publisher.builder().endpoint("http://127.0.0.1:" + server.getPort()).transport(transport).build();
          BufferedPublisher b = BufferedPublisher.builder(p).linger(Duration.ofMillis(100))
              .failureListener((pub, why) -> failed.incrementAndGet()).build()) {
        CompletableFuture<PublishResult> f1 = b.submit("c", Item.of(WsMessage.text("1")));
        CompletableFuture<PublishResult> f2 = b.submit("c", Item.of(WsMessage.text("2")));
        assertTrue(b.flush(Duration.ofSeconds(10)));
        for (CompletableFuture<PublishResult> f : List.of(f1, f2)) {
          ExecutionException e = assertThrows(ExecutionException.class, f::get);
          assertTrue(e.getCause() instanceof PublishException);
        }
      }
      assertEquals(2, failed.get());
    }
  }

  @OverBothTransports
  void closeDrainsWhatIsQueued(HttpTransport transport) throws Exception {
    try (MockWebServer server = new MockWebServer()) {
      server.start();
      for (int i = 0; i < 10; i++) {
        server.enqueue(new MockResponse.Builder().body("Published\n").headersDelay(50, TimeUnit.MILLISECONDS).build());
      }
      List<CompletableFuture<PublishResult>> futures = new ArrayList<>();
      try (Publisher p = Publisher.builder().endpoint("http://127.0.0.1:" + server.getPort()).transport(transport).build()) {
        BufferedPublisher b = BufferedPublisher.builder(p).maxBatchItems(2).build();
        for (int i = 0; i < 8; i++) {
          futures.add(b.submit("c", Item.of(WsMessage.text("m" + i))));
        }
        b.close();
        assertFalse(b.isAccepting());
        ExecutionException late = assertThrows(ExecutionException.class,
            () -> b.submit("c", Item.of(WsMessage.text("late"))).get(1, TimeUnit.SECONDS), "submit never throws");
        assertInstanceOf(IllegalStateException.class, late.getCause());
      }
      for (CompletableFuture<PublishResult> f : futures) {
        assertTrue(f.isDone() && !f.isCompletedExceptionally());
      }
    }
  }

  @Test
  void aDeadEndpointKeepsTheQueueAtItsBound() throws Exception {
    int deadPort;
    try (ServerSocket s = new ServerSocket(0)) {
      deadPort = s.getLocalPort();
    }
    RetryPolicy slowDeath = RetryPolicy.builder().maxAttempts(3).backoff(Duration.ofMillis(200), 1.0, Duration.ofMillis(200)).jitter(0.0).totalBudget(Duration.ofSeconds(5)).build();
    int rejected = 0;
    int accepted = 0;
    int maxSeen = 0;
    try (Publisher p = Publisher.builder().endpoint("http://127.0.0.1:" + deadPort).retryPolicy(slowDeath).build()) {
      BufferedPublisher b = BufferedPublisher.builder(p).capacity(100).maxBatchItems(10)
          .overflow(BufferedPublisher.Overflow.REJECT).closeTimeout(Duration.ofMillis(200)).build();
      // a producer far faster than the drain: 20,000 submits while each batch takes ~400 ms to fail
      for (int i = 0; i < 20_000; i++) {
        CompletableFuture<PublishResult> f = b.submit("c", Item.of(WsMessage.text("m" + i)));
        if (f.isCompletedExceptionally()) { // a full queue fails the future on return, it does not throw
          assertInstanceOf(BufferFullException.class, assertThrows(ExecutionException.class, f::get).getCause());
          rejected++;
        } else {
          accepted++;
        }
        maxSeen = Math.max(maxSeen, b.queued());
      }
      assertEquals(100, b.capacity());
      assertTrue(maxSeen <= 100, "queue grew to " + maxSeen);
      assertEquals(100, maxSeen, "the producer should have filled the queue");
      assertTrue(rejected > 0);
      b.close();
      assertEquals(0, b.queued());
    }
    assertEquals(20_000, accepted + rejected);
  }
}
