package io.gripcast.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The selector's hand-off of completions: batched, in order, and never stuck behind a blocked task. */
class HandoffTest {
  private final ExecutorService pool = Threads.boundedDaemonPool("handoff-test", Handoff.MAX_DRAINERS);
  private final AtomicInteger executes = new AtomicInteger();
  private final Executor counting = r -> {
    executes.incrementAndGet();
    pool.execute(r);
  };

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  /** Plays the selector: dispatches until {@code done} counts down, within a bounded time. */
  private static void produceUntil(Handoff h, CountDownLatch done) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!done.await(1, TimeUnit.MILLISECONDS)) {
      h.dispatch(System.nanoTime());
      assertTrue(System.nanoTime() < end, "the tasks did not finish: " + done.getCount() + " left");
    }
  }

  @Test
  void aRoundOfTasksTakesOneThreadWakeUpAndKeepsItsOrder() throws Exception {
    Handoff h = new Handoff(counting);
    int n = 100;
    List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
    List<String> threads = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch done = new CountDownLatch(n);
    for (int i = 0; i < n; i++) {
      int k = i;
      h.offer(() -> {
        ran.add(k);
        threads.add(Thread.currentThread().getName());
        done.countDown();
      });
    }
    h.dispatch(System.nanoTime());
    assertTrue(done.await(10, TimeUnit.SECONDS));
    assertEquals(1, executes.get(), "one drainer for the whole round");
    for (int i = 0; i < n; i++) {
      assertEquals(i, ran.get(i));
    }
    assertTrue(threads.stream().allMatch(t -> t.startsWith("handoff-test")), threads.toString());
  }

  @Test
  void aTaskBlockedOnOneQueuedBehindItDoesNotStallThem() throws Exception {
    Handoff h = new Handoff(counting);
    CountDownLatch second = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(2);
    h.offer(() -> { // as a caller's stage that joins a publish completing in the same round
      try {
        if (second.await(60, TimeUnit.SECONDS)) { // longer than produceUntil waits: only a rescue lets it finish in time
          done.countDown();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    h.offer(() -> {
      second.countDown();
      done.countDown();
    });
    produceUntil(h, done);
    assertTrue(executes.get() >= 2, "a second drainer took over");
  }

  @Test
  void aThrowingTaskDoesNotStopTheOnesBehindIt() throws Exception {
    Handoff h = new Handoff(counting);
    CountDownLatch done = new CountDownLatch(1);
    h.offer(() -> {
      throw new IllegalStateException("broken stage");
    });
    h.offer(done::countDown);
    produceUntil(h, done);
  }

  @Test
  void tasksOfManyRoundsAllRun() throws Exception {
    Handoff h = new Handoff(counting);
    int rounds = 200;
    CountDownLatch done = new CountDownLatch(rounds * 3);
    for (int r = 0; r < rounds; r++) {
      for (int i = 0; i < 3; i++) {
        h.offer(done::countDown);
      }
      h.dispatch(System.nanoTime());
    }
    produceUntil(h, done);
  }

  @Test
  void aRefusingExecutorMeansTheProducerRunsThemItself() {
    Handoff h = new Handoff(r -> {
      throw new RejectedExecutionException("shut down");
    });
    List<String> ran = new ArrayList<>();
    h.offer(() -> ran.add(Thread.currentThread().getName()));
    h.offer(() -> ran.add(Thread.currentThread().getName()));
    h.dispatch(System.nanoTime());
    assertEquals(List.of(Thread.currentThread().getName(), Thread.currentThread().getName()), ran);
  }

  @Test
  void nothingQueuedMeansNoDeadline() {
    Handoff h = new Handoff(counting);
    assertEquals(Long.MAX_VALUE, h.dispatch(System.nanoTime()));
    assertEquals(0, executes.get());
  }
}
