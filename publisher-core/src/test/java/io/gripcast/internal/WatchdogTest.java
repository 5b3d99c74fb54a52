package io.gripcast.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gripcast.EndpointResult;
import io.gripcast.Outcome;
import io.gripcast.PublishListener;
import io.gripcast.RetryPolicy;
import io.gripcast.item.Item;
import io.gripcast.item.WsMessage;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The watchdog ends attempts that their transport never ends: a transport whose thread died, hangs
 * or never ran. Here a transport that accepts the request and then does nothing at all.
 */
@org.junit.jupiter.api.Timeout(60)
class WatchdogTest {
  private final ExecutorService callbacks = Threads.boundedDaemonPool("test-callback", 4);
  private final Threads.LazyScheduler scheduler = new Threads.LazyScheduler("test-retry");
  private final Watchdog watchdog = new Watchdog("test-watchdog");

  @AfterEach
  void stop() {
    watchdog.close();
    scheduler.shutdown();
    callbacks.shutdown();
  }

  /** Never completes an exchange; says whether the request counts as written, and records cancels. */
  private static final class SilentTransport implements Transport {
    final boolean written;
    final AtomicInteger started = new AtomicInteger();
    final AtomicInteger cancelled = new AtomicInteger();
    final List<Thread> completedOn = new java.util.concurrent.CopyOnWriteArrayList<>();

    SilentTransport(boolean written) {
      this.written = written;
    }

    @Override
    public Exchange newExchange(PublishUrl url, String authorization, Batches.Batch batch, long callTimeoutNanos) {
      return new Exchange() {
        @Override
        public CompletableFuture<Response> start() {
          started.incrementAndGet();
          return new CompletableFuture<>();
        }

        @Override
        public void cancel() {
          cancelled.incrementAndGet();
        }

        @Override
        public boolean requestWritten() {
          return written;
        }

        @Override
        public String phase() {
          return written ? "waiting for the answer" : "connecting to nowhere:1";
        }
      };
    }

    @Override
    public void shutdown() {}
  }

  private EndpointResult publishThrough(SilentTransport t, RetryPolicy policy, Duration callTimeout) throws Exception {
    EndpointClient c = new EndpointClient(new Target(PublishUrl.parse("http://127.0.0.1:1/publish/"), "http://127.0.0.1:1/publish/", null),
        t, policy, scheduler::get, new PublishListener() {}, () -> false, watchdog, callTimeout, callbacks);
    List<Batches.Batch> batches = Batches.split(List.of(Item.of(WsMessage.text("x")).on("c")), 1_000_000);
    return c.publish(batches, new PublishCall()).result().get(10, TimeUnit.SECONDS);
  }

  @Test
  void anAttemptThatNeverEndsIsEndedAtTheCallTimeoutPlusTheGrace() throws Exception {
    SilentTransport t = new SilentTransport(false);
    long start = System.nanoTime();
    EndpointResult r = publishThrough(t, RetryPolicy.none(), Duration.ofMillis(300));
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertEquals(Outcome.UNAVAILABLE, r.outcome(), r.toString());
    assertInstanceOf(SocketTimeoutException.class, r.failure());
    assertTrue(r.message().contains("call timeout of 300 ms") && r.message().contains("connecting to nowhere:1"), r.message());
    assertTrue(ms >= 300 && ms < 300 + Watchdog.GRACE_MILLIS + 2 * Watchdog.TICK_MILLIS + 300, "ended after " + ms + " ms");
    assertEquals(1, t.cancelled.get(), "the stuck exchange was told to let go");
  }

  @Test
  void aSilentAnswerAfterTheWholeRequestIsUnknownAndRetried() throws Exception {
    SilentTransport t = new SilentTransport(true);
    RetryPolicy two = RetryPolicy.none().withMaxAttempts(2).withBackoff(Duration.ofMillis(10), 1.0, Duration.ofMillis(10))
        .withTotalBudget(Duration.ofSeconds(5));
    EndpointResult r = publishThrough(t, two, Duration.ofMillis(200));
    assertEquals(Outcome.UNKNOWN, r.outcome(), r.toString());
    assertEquals(2, r.attempts(), "retried with the same ids: the proxy may have taken the first");
    assertEquals(2, t.started.get());
    assertTrue(r.message().contains("may have accepted"), r.message());
  }

  @Test
  void theWatchdogThreadEndsWhenNothingIsWatchedAndComesBackWhenNeeded() throws Exception {
    publishThrough(new SilentTransport(false), RetryPolicy.none(), Duration.ofMillis(100));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (threadNamed("test-watchdog") && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(!threadNamed("test-watchdog"), "idle watchdog thread ended");
    EndpointResult again = publishThrough(new SilentTransport(false), RetryPolicy.none(), Duration.ofMillis(100));
    assertEquals(Outcome.UNAVAILABLE, again.outcome(), "a new watchdog thread ended the next stuck attempt");
  }

  private static boolean threadNamed(String name) {
    return Thread.getAllStackTraces().keySet().stream().anyMatch(th -> th.getName().equals(name) && th.isAlive());
  }
}
