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
   * A pool of at most {@code maxThreads} threads that start on demand and end after 60 s idle; a
   * task goes to an idle thread when there is one, else to a new thread, and only when all
   * {@code maxThreads} are busy does it wait, in an unbounded queue: a submission is never refused
   * until shutdown.
   *
   * <p>Why not a plain {@code ThreadPoolExecutor(max, max, ...)}: below its core size it starts a
   * new thread for every task, idle threads or not, so a bulk run whose callbacks each took a few
   * microseconds started 64 callback threads.
   */
  public static ExecutorService boundedDaemonPool(String prefix, int maxThreads) {
    IdleFirstQueue queue = new IdleFirstQueue();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(0, maxThreads, 60, TimeUnit.SECONDS, queue,
        daemonFactory(prefix), (task, executor) -> {
          // all threads busy (the queue said "grow", then another task took the last slot): wait
          if (executor.isShutdown()) {
            throw new java.util.concurrent.RejectedExecutionException("the pool is shut down");
          }
          queue.enqueue(task);
        });
    queue.pool = pool;
    return pool;
  }

  /**
   * The pool's queue: {@link #offer} hands a task to a thread waiting for work, and refuses it
   * while the pool may still grow, which makes the executor start a thread for it; only a pool at
   * its maximum queues.
   */
  private static final class IdleFirstQueue extends java.util.concurrent.LinkedTransferQueue<Runnable> {
    private static final long serialVersionUID = 1L;
    transient ThreadPoolExecutor pool;

    @Override
    public boolean offer(Runnable task) {
      if (tryTransfer(task)) {
        return true;
      }
      if (pool.getPoolSize() < pool.getMaximumPoolSize()) {
        return false;
      }
      return super.offer(task);
    }

    /**
     * Queues the task whatever the pool's size, for the rejection handler: through {@link #offer}
     * it could be refused again (a thread ended in between), which would drop it.
     */
    void enqueue(Runnable task) {
      super.offer(task);
    }
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
