package io.gripcast.cli.bench;

import io.gripcast.Outcome;
import io.gripcast.PublishException;
import io.gripcast.PublishResult;
import io.gripcast.Publisher;
import io.gripcast.item.Publication;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Publishes batches with a fixed number of publish calls in flight, through the publisher's
 * asynchronous API (as a busy service would), and measures each call from {@code publishAllAsync}
 * to its result.
 */
public final class PublishLoop {

  /** What one phase (warm-up or measurement) did. */
  public static final class Phase {
    final LatencyHistogram latency = new LatencyHistogram();
    final LongAdder okCalls = new LongAdder();
    final LongAdder okItems = new LongAdder();
    final LongAdder failedCalls = new LongAdder();
    final LongAdder failedItems = new LongAdder();
    final Map<String, LongAdder> failuresByKind = new ConcurrentHashMap<>();
    final Map<String, String> firstMessageByKind = new ConcurrentHashMap<>();
    /** Items of failed calls, by sequence number minus firstSeq: no subscriber should expect them. */
    private final BitSet failedSeqs = new BitSet();
    volatile long startNanos;
    volatile long startCpuNanos;
    volatile long endCpuNanos;
    volatile long endNanos;
    volatile long firstSeq;
    volatile long endSeq;

    public long okCalls() {
      return okCalls.sum();
    }

    public long okItems() {
      return okItems.sum();
    }

    public long failedCalls() {
      return failedCalls.sum();
    }

    public long failedItems() {
      return failedItems.sum();
    }

    public LatencyHistogram latency() {
      return latency;
    }

    /** Failed calls by outcome (or exception type), sorted by name. */
    public Map<String, Long> failuresByKind() {
      Map<String, Long> out = new TreeMap<>();
      failuresByKind.forEach((k, v) -> out.put(k, v.sum()));
      return out;
    }

    /** The first failure message of each kind. */
    public Map<String, String> firstMessages() {
      return new TreeMap<>(firstMessageByKind);
    }

    /** CPU time this whole process used during the phase (every thread: JIT, GC, HTTP), or -1 when unknown. */
    public double cpuSeconds() {
      return startCpuNanos < 0 || endCpuNanos < 0 ? -1 : (endCpuNanos - startCpuNanos) / 1e9;
    }

    public double seconds() {
      return Math.max(1, endNanos - startNanos) / 1e9;
    }

    /** Sequence numbers [firstSeq, endSeq) were handed out in this phase. */
    public long firstSeq() {
      return firstSeq;
    }

    public long endSeq() {
      return endSeq;
    }

    /** Whether the item numbered {@code seq} was in a call that failed (so the proxy may never have taken it). */
    public synchronized boolean failedSeq(long seq) {
      return seq >= firstSeq && seq - firstSeq <= Integer.MAX_VALUE && failedSeqs.get((int) (seq - firstSeq));
    }

    synchronized void failedSeqs(long first, int n) {
      int from = (int) (first - firstSeq);
      failedSeqs.set(from, from + n);
    }

    /** The worst outcome seen, for the exit code; null when nothing failed. */
    public Outcome worstOutcome() {
      Outcome worst = null;
      for (String k : failuresByKind.keySet()) {
        Outcome o;
        try {
          o = Outcome.valueOf(k);
        } catch (IllegalArgumentException e) {
          o = Outcome.UNAVAILABLE; // an exception without a result: the proxy did not answer usefully
        }
        if (worst == null || o.isWorseThan(worst)) {
          worst = o;
        }
      }
      return worst;
    }
  }

  private final Publisher publisher;
  private final Payloads payloads;
  private final String channel;
  private final int batch;
  private final int concurrency;
  private final AtomicLong seq = new AtomicLong();
  private final LongSupplier clock;
  private volatile Phase current;

  public PublishLoop(Publisher publisher, Payloads payloads, String channel, int batch, int concurrency) {
    this.publisher = publisher;
    this.payloads = payloads;
    this.channel = channel;
    this.batch = batch;
    this.concurrency = concurrency;
    this.clock = System::nanoTime;
  }

  /** The sequence number the next item gets. */
  public long nextSeq() {
    return seq.get();
  }

  /** The phase running now (for progress reports), or null. */
  public Phase current() {
    return current;
  }

  /**
   * Publishes until {@code maxItems} items were sent or {@code maxTime} elapsed, whichever comes
   * first (either may be unbounded: Long.MAX_VALUE, null), then waits for the calls in flight.
   */
  public Phase run(long maxItems, Duration maxTime) throws InterruptedException {
    Phase phase = new Phase();
    phase.firstSeq = seq.get();
    phase.startCpuNanos = processCpuNanos();
    phase.startNanos = clock.getAsLong();
    current = phase;
    long deadline = maxTime == null ? Long.MAX_VALUE : phase.startNanos + maxTime.toNanos();
    Lanes lanes = new Lanes(phase, maxItems, deadline);
    for (int i = 0; i < concurrency; i++) {
      lanes.next();
    }
    lanes.awaitIdle();
    phase.endSeq = seq.get();
    phase.endNanos = clock.getAsLong();
    phase.endCpuNanos = processCpuNanos();
    return phase;
  }

  /**
   * Keeps {@code concurrency} publish calls in flight by starting the next call from the completion
   * of the previous one, on whichever thread completed it. Why not a semaphore and a loop on the
   * caller's thread: that wakes the caller once per call, a thread switch the SDK would be charged
   * for in the CPU figures although a service publishing from its own completions never pays it.
   */
  private final class Lanes {
    private final Phase phase;
    private final long maxItems;
    private final long deadline;
    private final AtomicLong claimed = new AtomicLong();
    private final java.util.concurrent.CountDownLatch idle;

    Lanes(Phase phase, long maxItems, long deadline) {
      this.phase = phase;
      this.maxItems = maxItems;
      this.deadline = deadline;
      this.idle = new java.util.concurrent.CountDownLatch(concurrency);
    }

    void awaitIdle() throws InterruptedException {
      idle.await();
    }

    /** Starts one call on this lane, or ends the lane when the items or the time are used up. */
    void next() {
      while (true) {
        long now = clock.getAsLong();
        long taken = claimed.getAndAdd(batch);
        if (taken >= maxItems || now - deadline >= 0) {
          idle.countDown();
          return;
        }
        int n = (int) Math.min(batch, maxItems - taken);
        List<Publication> ps = new ArrayList<>(n);
        long first = seq.getAndAdd(n);
        for (int i = 0; i < n; i++) {
          ps.add(new Publication(channel, payloads.item(first + i, now)));
        }
        CompletableFuture<PublishResult> f = publisher.publishAllAsync(ps); // never throws: a bad input fails f
        if (f.isDone()) { // finished at once (a failure): loop here rather than recurse
          record(phase, first, n, now, f.handle((r, t) -> t).join());
          continue;
        }
        f.whenComplete((r, t) -> {
          record(phase, first, n, now, t);
          next();
        });
        return;
      }
    }
  }

  private void record(Phase phase, long first, int n, long start, Throwable t) {
    phase.latency.record(clock.getAsLong() - start);
    if (t == null) {
      phase.okCalls.increment();
      phase.okItems.add(n);
      return;
    }
    Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    if (c instanceof PublishException) {
      PublishResult pr = ((PublishException) c).result();
      String msg = pr.failures().isEmpty() ? c.getMessage() : pr.failures().get(0).toString();
      failed(phase, pr.worstOutcome().name(), msg, first, n);
    } else {
      failed(phase, c.getClass().getSimpleName(), c.getMessage(), first, n);
    }
  }

  /** The process's CPU time so far, or -1 where the JVM does not say. */
  static long processCpuNanos() {
    java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean) {
      return ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
    }
    return -1;
  }

  private static void failed(Phase phase, String kind, String message, long first, int items) {
    phase.failedSeqs(first, items);
    phase.failedCalls.increment();
    phase.failedItems.add(items);
    phase.failuresByKind.computeIfAbsent(kind, k -> new LongAdder()).increment();
    if (message != null) {
      phase.firstMessageByKind.putIfAbsent(kind, message);
    }
  }
}
