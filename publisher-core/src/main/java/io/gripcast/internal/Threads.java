package io.gripcast.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The publisher's threads: named, daemon, and started only when needed. */
public final class Threads {
  private Threads() {}

  public static ThreadFactory daemonFactory(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * A pool of at most {@code maxThreads} threads that start on demand and end after 60 s idle;
   * tasks beyond that wait in an unbounded queue, so a submission is never refused until shutdown.
   */
  public static ExecutorService boundedDaemonPool(String prefix, int maxThreads) {
    ThreadPoolExecutor pool = new ThreadPoolExecutor(maxThreads, maxThreads, 60, TimeUnit.SECONDS,
        new java.util.concurrent.LinkedBlockingQueue<>(), daemonFactory(prefix));
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /**
   * Hands {@code task} to {@code executor}, or runs it here when the executor refuses it (it is
   * shutting down, or a caller's executor broke its contract). Why: the tasks complete futures,
   * and a completion that runs nowhere would leave its caller waiting.
   */
  static void executeOrRun(Executor executor, Runnable task) {
    try {
      executor.execute(task);
    } catch (RuntimeException refused) {
      task.run();
    }
  }

  /** A one-thread scheduler created on first use; after shutdown, get() throws. */
  public static final class LazyScheduler {
    private final String name;
    private ScheduledThreadPoolExecutor executor;
    private boolean shutdown;

    public LazyScheduler(String name) {
      this.name = name;
    }

    public synchronized ScheduledExecutorService get() {
      if (shutdown) {
        throw new java.util.concurrent.RejectedExecutionException("the publisher is closed");
      }
      if (executor == null) {
        executor = new ScheduledThreadPoolExecutor(1, daemonFactory(name));
        executor.setRemoveOnCancelPolicy(true);
        executor.setKeepAliveTime(30, TimeUnit.SECONDS);
        executor.allowCoreThreadTimeOut(true);
      }
      return executor;
    }

    public synchronized void shutdown() {
      shutdown = true;
      if (executor != null) {
        executor.shutdownNow();
      }
    }
  }
}
