package io.gripcast.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link Threads#boundedDaemonPool}: idle threads first, then new ones up to the bound, then a queue. */
class ThreadsTest {

  @Test
  void tasksOneAfterAnotherReuseOneThread() throws Exception {
    ExecutorService pool = Threads.boundedDaemonPool("reuse", 8);
    try {
      Set<String> threads = ConcurrentHashMap.newKeySet();
      for (int i = 0; i < 200; i++) {
        CountDownLatch done = new CountDownLatch(1);
        pool.execute(() -> {
          threads.add(Thread.currentThread().getName());
          done.countDown();
        });
        assertTrue(done.await(5, TimeUnit.SECONDS));
        // the worker is back waiting for work before the next task, as between a bulk run's callbacks
        waitUntilIdle((ThreadPoolExecutor) pool);
      }
      assertEquals(1, threads.size(), "threads used: " + threads);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void busyThreadsGrowThePoolToItsBoundThenTasksWait() throws Exception {
    ThreadPoolExecutor pool = (ThreadPoolExecutor) Threads.boundedDaemonPool("grow", 4);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(4);
    CountDownLatch all = new CountDownLatch(10);
    Set<String> threads = ConcurrentHashMap.newKeySet();
    try {
      for (int i = 0; i < 10; i++) {
        pool.execute(() -> {
          threads.add(Thread.currentThread().getName());
          started.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          all.countDown();
        });
      }
      assertTrue(started.await(5, TimeUnit.SECONDS), "four tasks at once on four threads");
      assertEquals(4, pool.getPoolSize());
      assertEquals(6, pool.getQueue().size(), "the rest wait, none refused");
      release.countDown();
      assertTrue(all.await(5, TimeUnit.SECONDS), "the waiting ones ran");
      assertEquals(4, threads.size());
    } finally {
      pool.shutdownNow();
    }
    assertThrows(RejectedExecutionException.class, () -> pool.execute(() -> { }));
  }

  /** Until a worker waits on the queue for work (not merely done with its task: it may not be back yet). */
  private static void waitUntilIdle(ThreadPoolExecutor pool) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < deadline) {
      if (pool.getQueue() instanceof LinkedTransferQueue
          ? ((LinkedTransferQueue<Runnable>) pool.getQueue()).hasWaitingConsumer()
          : pool.getActiveCount() == 0) {
        return;
      }
      Thread.sleep(1);
    }
  }
}
