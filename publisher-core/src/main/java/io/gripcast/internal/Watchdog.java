package io.gripcast.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Ends attempts that outlive their deadline, whatever the transport's own threads do.
 *
 * <p>Why a second clock: each transport enforces its call timeout itself, but on its own thread.
 * A transport thread that died, hangs in native code or never got to run (a call queued in
 * OkHttp's dispatcher) would leave its calls waiting forever. This one thread ({@code
 * gripcast-watchdog}, daemon) looks at the attempts in flight every {@link #TICK_MILLIS} ms and
 * expires those past their deadline, so an attempt ends at most its call timeout plus
 * {@link #GRACE_MILLIS} (and up to one tick) after it started.
 *
 * <p>Cost: an attempt is added to and removed from a concurrent set; no timer task, no wake-up
 * per attempt. The thread starts with the first attempt and ends after a second with none.
 */
public final class Watchdog {

  /** How often the attempts in flight are checked. */
  static final long TICK_MILLIS = 50;
  /** How long past its own deadline an attempt may run before the watchdog ends it. */
  public static final long GRACE_MILLIS = 200;
  private static final long IDLE_EXIT_NANOS = 1_000_000_000L;

  /** Something with a deadline. */
  interface Guarded {
    /** The {@link System#nanoTime()} after which {@link #expire()} is called. */
    long deadlineNanos();

    /** Ends the attempt; called once, on the watchdog thread, so it must not block. */
    void expire();
  }

  private final String name;
  private final Set<Guarded> watched = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean running = new AtomicBoolean();
  private volatile boolean closed;

  public Watchdog(String name) {
    this.name = name;
  }

  void watch(Guarded g) {
    watched.add(g);
    if (!running.get() && !closed && running.compareAndSet(false, true)) {
      Thread t = new Thread(this::run, name);
      t.setDaemon(true);
      try {
        t.start();
      } catch (Throwable e) { // no thread to be had: the transports' own deadlines still apply
        running.set(false);
      }
    }
  }

  void unwatch(Guarded g) {
    watched.remove(g);
  }

  /**
   * Runs {@code expire} on the watchdog's thread once {@code deadlineNanos} ({@link System#nanoTime()})
   * has passed, unless the returned unwatch is run first. For bounds above single attempts: a
   * whole asynchronous publish, whose future must end even if something below it never does.
   * {@code expire} must not block.
   */
  public Runnable watch(long deadlineNanos, Runnable expire) {
    Guarded g = new Guarded() {
      @Override
      public long deadlineNanos() {
        return deadlineNanos;
      }

      @Override
      public void expire() {
        expire.run();
      }
    };
    watch(g);
    return () -> unwatch(g);
  }

  /** Stops the thread; attempts still watched end through the transports' own shutdown. */
  public void close() {
    closed = true;
  }

  private void run() {
    long idleSince = System.nanoTime();
    while (!closed) {
      LockSupport.parkNanos(TICK_MILLIS * 1_000_000L);
      long now = System.nanoTime();
      if (watched.isEmpty()) {
        if (now - idleSince > IDLE_EXIT_NANOS) {
          running.set(false);
          // an attempt added after the isEmpty check, while this thread still counted as running,
          // would have no watchdog: take it on
          if (watched.isEmpty() || !running.compareAndSet(false, true)) {
            return;
          }
        }
        continue;
      }
      idleSince = now;
      for (Guarded g : watched) {
        if (now - g.deadlineNanos() >= 0 && watched.remove(g)) {
          try {
            g.expire();
          } catch (Throwable ignored) {
            // one broken attempt must not stop the watch over the others
          }
        }
      }
    }
    running.set(false);
  }
}
