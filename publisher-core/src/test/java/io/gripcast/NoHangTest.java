package io.gripcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gripcast.item.Item;
import io.gripcast.item.WsMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The publisher's bounds: on waiting, on threads, and on how long the proxy may make it wait. */
@org.junit.jupiter.api.Timeout(60)
class NoHangTest {
  private MockWebServer server;

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
    return Publisher.builder().endpoint("http://127.0.0.1:" + server.getPort());
  }

  private static MockResponse ok() {
    return new MockResponse.Builder().body("Published\n").build();
  }

  @Test
  void aSynchronousPublishNeverWaitsPastItsBoundEvenWhenNothingCompletesIt() {
    server.enqueue(ok());
    Executor blackHole = task -> {}; // accepts every completion and runs none: the worst executor there is
    try (Publisher p = publisher().callbackExecutor(blackHole).retryPolicy(RetryPolicy.none())
        .callTimeout(Duration.ofMillis(300)).closeTimeout(Duration.ZERO).build()) {
      long bound = p.boundMillis(1);
      long start = System.nanoTime();
      PublishException e = assertThrows(PublishException.class, () -> p.publish("c", Item.of(WsMessage.text("x"))));
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertTrue(ms >= bound - 50 && ms < bound + 1_000, "returned after " + ms + " ms, bound " + bound + " ms");
      EndpointResult r = e.result().endpoints().get(0);
      assertEquals(Outcome.UNKNOWN, r.outcome(), r.toString());
      assertTrue(r.message().contains("no outcome within the publish's bound"), r.message());
    }
  }

  @Test
  void anAsynchronousPublishEndsWithinItsBoundEvenWhenNothingCompletesIt() throws Exception {
    server.enqueue(ok());
    Executor blackHole = task -> {};
    try (Publisher p = publisher().callbackExecutor(blackHole).retryPolicy(RetryPolicy.none())
        .callTimeout(Duration.ofMillis(300)).closeTimeout(Duration.ZERO).build()) {
      long bound = p.boundMillis(1);
      long start = System.nanoTime();
      CompletableFuture<PublishResult> f = p.publishAsync("c", Item.of(WsMessage.text("x")));
      java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
          () -> f.get(bound + 5_000, TimeUnit.MILLISECONDS), "the future stayed open past its bound");
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertTrue(ms >= bound - 50 && ms < bound + 1_000, "ended after " + ms + " ms, bound " + bound + " ms");
      PublishException pe = assertInstanceOf(PublishException.class, e.getCause());
      EndpointResult r = pe.result().endpoints().get(0);
      assertEquals(Outcome.UNKNOWN, r.outcome(), r.toString());
      assertTrue(r.message().contains("no outcome within the publish's bound"), r.message());
    }
  }

  @Test
  void completionsRunOnTheCallersExecutorWhenGivenOne() throws Exception {
    server.enqueue(ok());
    ExecutorService mine = Executors.newSingleThreadExecutor(r -> new Thread(r, "my-callbacks"));
    try (Publisher p = publisher().callbackExecutor(mine).build()) {
      String on = p.publishAsync("c", Item.of(WsMessage.text("x"))).thenApply(r -> Thread.currentThread().getName())
          .get(10, TimeUnit.SECONDS);
      assertEquals("my-callbacks", on);
      assertFalse(threadsNamed("gripcast-callback").stream().anyMatch(Thread::isAlive), "no pool of our own");
      p.close();
      assertFalse(mine.isShutdown(), "the caller's executor stays the caller's");
    } finally {
      mine.shutdown();
    }
  }

  @Test
  void blockingStagesNeverTakeMoreThanTheCallbackBoundAndAllFinishOnceReleased() throws Exception {
    int publishes = Publisher.MAX_CALLBACK_THREADS + 36;
    for (int i = 0; i < publishes; i++) {
      server.enqueue(ok());
    }
    CountDownLatch release = new CountDownLatch(1);
    List<CompletableFuture<Void>> stages = new ArrayList<>();
    int most = 0;
    try (Publisher p = publisher().build()) {
      for (int i = 0; i < publishes; i++) {
        stages.add(p.publishAsync("c", Item.of(WsMessage.text("m" + i))).thenRun(() -> {
          try {
            release.await(20, TimeUnit.SECONDS); // a caller's stage that blocks
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }));
      }
      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1_500);
      while (System.nanoTime() < until) {
        most = Math.max(most, (int) threadsNamed("gripcast-callback").stream().filter(Thread::isAlive).count());
        Thread.sleep(20);
      }
      assertTrue(most <= Publisher.MAX_CALLBACK_THREADS, most + " callback threads");
      assertTrue(most >= Publisher.MAX_CALLBACK_THREADS / 2, "blocked stages got more drainers: " + most);
      assertTrue(stages.stream().filter(CompletableFuture::isDone).count() == 0, "every stage is still blocked");
      release.countDown();
      CompletableFuture.allOf(stages.toArray(new CompletableFuture<?>[0])).get(20, TimeUnit.SECONDS);
    } finally {
      release.countDown();
    }
    assertEquals(publishes, server.getRequestCount());
  }

  @Test
  void retryAfterOnA503IsHonouredWithinTheBudget() throws Exception {
    server.enqueue(new MockResponse.Builder().code(503).setHeader("Retry-After", "1").body("busy\n").build());
    server.enqueue(ok());
    List<PublishListener.Retry> retries = new CopyOnWriteArrayList<>();
    RetryPolicy quick = RetryPolicy.defaults().withBackoff(Duration.ofMillis(10), 2.0, Duration.ofMillis(50)).withJitter(0);
    try (Publisher p = publisher().retryPolicy(quick).listener(new PublishListener() {
      @Override
      public void onRetry(Retry r) {
        retries.add(r);
      }
    }).build()) {
      long start = System.nanoTime();
      PublishResult r = p.publish("c", Item.of(WsMessage.text("x")));
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertTrue(r.success());
      assertEquals(Duration.ofSeconds(1), retries.get(0).delay(), "the proxy's word, not the 10 ms backoff");
      assertTrue(ms >= 950, "waited " + ms + " ms");
    }
  }

  @Test
  void aRetryAfterBeyondTheBudgetEndsThePublishInsteadOfWaiting() {
    server.enqueue(new MockResponse.Builder().code(503).setHeader("Retry-After", "120").body("busy\n").build());
    RetryPolicy budget = RetryPolicy.defaults().withTotalBudget(Duration.ofSeconds(5));
    try (Publisher p = publisher().retryPolicy(budget).build()) {
      long start = System.nanoTime();
      PublishException e = assertThrows(PublishException.class, () -> p.publish("c", Item.of(WsMessage.text("x"))));
      assertTrue((System.nanoTime() - start) / 1_000_000 < 2_000);
      EndpointResult r = e.result().endpoints().get(0);
      assertEquals(Outcome.UNAVAILABLE, r.outcome());
      assertEquals(503, r.status());
      assertEquals(1, r.attempts());
    }
  }

  private static List<Thread> threadsNamed(String prefix) {
    List<Thread> out = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith(prefix)) {
        out.add(t);
      }
    }
    return out;
  }
}
