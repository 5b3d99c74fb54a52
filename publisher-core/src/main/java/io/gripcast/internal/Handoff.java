package io.gripcast.internal;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Moves tasks from one producer thread (the selector) to an executor, many tasks per thread
 * wake-up.
 *
 * <p>Why: handing each finished request to the executor on its own costs a wake-up of a pooled
 * thread (a futex wake, a context switch, and a park when it is done) per request. At one item per
 * POST that was a sixth of the publisher's CPU per request (docs/performance.md). Here the producer
 * queues a round's tasks and one drainer runs them one after another, so one wake-up serves a whole
 * round.
 *
 * <p>Blocking: the tasks complete futures, and the caller's own stages run on the completing
 * thread, so a task may block, even on another task queued behind it. That must not stall the rest:
 * the producer calls {@link #dispatch} after every round (and again when it returns a deadline),
 * and when tasks wait while no drainer has taken one for {@link #STALL_NANOS}, it starts another
 * drainer. A blocked stage thus delays the others by a few milliseconds, never for good, unless
 * {@code maxDrainers} stages block at once: then the rest wait until one of them returns.
 *
 * <p>Threads: {@link #offer} and {@link #dispatch} are for the producer thread only; drainers run
 * on the executor. When the executor refuses (it is shutting down), the producer drains itself.
 */
final class Handoff {

  /** How long queued tasks may wait without progress before another drainer starts. */
  static final long STALL_NANOS = 5_000_000L;

  /** The most drainers at once, unless the constructor says otherwise: a bound on rescue threads. */
  static final int MAX_DRAINERS = 64;

  private final Executor executor;
  private final int maxDrainers;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicInteger drainers = new AtomicInteger();
  private final AtomicLong taken = new AtomicLong();

  // the producer's own view of progress
  private long seenTaken = -1;
  private long seenAtNanos;

  Handoff(Executor executor) {
    this(executor, MAX_DRAINERS);
  }

  Handoff(Executor executor, int maxDrainers) {
    this.executor = executor;
    this.maxDrainers = maxDrainers;
  }

  /** Producer thread: queues a task; it runs once {@link #dispatch} has been called. */
  void offer(Runnable task) {
    tasks.add(task);
  }

  /**
   * Producer thread: makes sure queued tasks get a drainer.
   *
   * @return when to call again (a {@link System#nanoTime()} value) if tasks are still waiting, or
   *     {@link Long#MAX_VALUE} when nothing waits
   */
  long dispatch(long nowNanos) {
    if (tasks.isEmpty()) {
      seenTaken = -1;
      return Long.MAX_VALUE;
    }
    long t = taken.get();
    if (drainers.get() == 0) {
      drainers.incrementAndGet();
      start();
      seenTaken = t;
      seenAtNanos = nowNanos;
    } else if (t != seenTaken) {
      seenTaken = t; // a drainer is making progress
      seenAtNanos = nowNanos;
    } else if (nowNanos - seenAtNanos >= STALL_NANOS) {
      if (drainers.get() < maxDrainers) {
        drainers.incrementAndGet(); // the drainer is stuck in a task: add one
        start();
      }
      seenAtNanos = nowNanos; // at the bound: look again in a while, not on every round
    }
    return seenAtNanos + STALL_NANOS;
  }

  /** Starts a drainer whatever the others do: for the producer's last call, when it stops checking. */
  void dispatchNow() {
    if (!tasks.isEmpty()) {
      drainers.incrementAndGet();
      start();
    }
  }

  private void start() {
    // refused (shutting down, or a caller's executor that broke its contract): drained here
    Threads.executeOrRun(executor, this::drain);
  }

  private void drain() {
    while (true) {
      Runnable task;
      while ((task = tasks.poll()) != null) {
        taken.incrementAndGet();
        try {
          task.run();
        } catch (Throwable e) {
          // a task completes a future; one that throws (even an Error, which CompletableFuture
          // would have caught in a stage anyway) must not stop the tasks behind it
        }
      }
      drainers.decrementAndGet();
      // A task queued after the last poll, while the producer still counted this drainer, would
      // wait for the stall timer: take it on now.
      if (tasks.isEmpty() || !claimIfIdle()) {
        return;
      }
    }
  }

  private boolean claimIfIdle() {
    return drainers.compareAndSet(0, 1);
  }
}
