package io.gripcast;

import io.gripcast.internal.Args;
import io.gripcast.internal.Threads;
import io.gripcast.item.Content;
import io.gripcast.item.Header;
import io.gripcast.item.Item;
import io.gripcast.item.Publication;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * A bounded buffer in front of a {@link Publisher}, for producers that publish at a high rate:
 * items are queued and sent in batches by a background thread, several batches at once.
 *
 * <p>Order: each channel is bound to one of {@link Builder#lanes(int) lanes} (by its name's hash),
 * and a lane has at most one batch in flight: the next batch of a lane is sent only after the
 * proxy answered the previous one (or it finally failed). So the items of one channel reach the
 * proxy in submission order, also when a batch is retried, while the other lanes keep sending;
 * items of different channels may overtake each other. (Why lanes and not {@code prev-id}
 * chains: docs/performance.md, "Bulk publishing".)
 *
 * <p>Memory stays bounded: at most {@code capacity} items wait (in the queue or behind a busy lane),
 * plus the batches in flight. When the bound is reached,
 * {@link #submit} waits up to the offer timeout (or not at all with {@link Overflow#REJECT}) and
 * then returns a future already failed with {@link BufferFullException}: check
 * {@code future.isCompletedExceptionally()} right after {@code submit} to slow the producer down.
 * {@code submit} never throws. Nothing is lost silently: every accepted item's future
 * completes with the result of the batch that carried it, or exceptionally with the reason it was
 * not published; an optional failure listener sees the same failures.
 *
 * <p>The buffered publisher does not own the {@link Publisher}: close this first, then the publisher.
 */
public final class BufferedPublisher implements AutoCloseable {

  /** What {@link #submit} does when the queue is full. */
  public enum Overflow {
    /** Wait up to the offer timeout for space, then fail the item's future with {@link BufferFullException}. */
    BLOCK,
    /** Fail the item's future with {@link BufferFullException} at once. */
    REJECT
  }

  /** The default {@link Builder#maxBatchItems(int)}. */
  public static final int DEFAULT_BATCH_ITEMS = 800;
  /** The default {@link Builder#lanes(int)}. */
  public static final int DEFAULT_LANES = 4;

  private record Entry(Publication publication, CompletableFuture<PublishResult> future, int estimatedBytes, long seq) {}

  /** One channel group: the items waiting for it, and whether a batch of it is in flight. Guarded by {@code lock}. */
  private static final class Lane {
    final ArrayDeque<Entry> waiting = new ArrayDeque<>();
    long waitingBytes;
    long firstWaitingNanos; // when the oldest waiting item arrived while the lane was idle
    CompletableFuture<PublishResult> sending; // null when idle
  }

  private final Publisher publisher;
  private final BlockingQueue<Entry> queue = new LinkedBlockingQueue<>();
  private final int capacity;
  // waiting items (in the queue or in a lane), as permits taken by submit and given back when an
  // item goes into a batch: what bounds the memory
  private final Semaphore slots;
  private final int maxQueuedBytes;
  // the waiting items' estimated bytes, the same way; Integer.MAX_VALUE permits when only the
  // item count bounds the queue
  private final Semaphore queuedBytes;
  private final int maxBatchItems;
  private final int maxBatchBytes;
  private final long lingerNanos;
  private final Overflow overflow;
  private final Duration offerTimeout;
  private final Duration closeTimeout;
  private final BiConsumer<Publication, Throwable> failureListener;
  private final Lane[] lanes;
  private final Object lock = new Object();
  private int inFlight; // items in batches being sent; guarded by lock
  private final Thread drainer;
  private final Object progress = new Object();
  private long submitted; // guarded by progress
  private long completed; // guarded by progress
  private volatile boolean closing;

  private BufferedPublisher(Builder b) {
    this.publisher = b.publisher;
    this.capacity = b.capacity;
    this.slots = new Semaphore(b.capacity);
    this.maxQueuedBytes = b.maxQueuedBytes;
    this.queuedBytes = new Semaphore(b.maxQueuedBytes);
    this.maxBatchItems = b.maxBatchItems;
    this.maxBatchBytes = b.maxBatchBytes;
    this.lingerNanos = b.linger.toNanos();
    this.overflow = b.overflow;
    this.offerTimeout = b.offerTimeout;
    this.closeTimeout = b.closeTimeout;
    this.failureListener = b.failureListener;
    this.lanes = new Lane[b.lanes];
    for (int i = 0; i < lanes.length; i++) {
      lanes[i] = new Lane();
    }
    this.drainer = Threads.daemonFactory("gripcast-buffer").newThread(this::drainLoop);
    this.drainer.start();
  }

  /** A builder over a publisher that stays the caller's. */
  public static Builder builder(Publisher publisher) {
    return new Builder(publisher);
  }

  /** Queues an item for {@code channel}. */
  public CompletableFuture<PublishResult> submit(String channel, Item item) {
    return submit(new Publication(channel, item));
  }

  /**
   * Queues a publication. Never throws: what cannot be queued fails the returned future at once.
   *
   * @return a future completed with the result of the batch that carried the item, or exceptionally
   *     with {@link PublishException} (the batch failed), {@link GripException} (closed before it was
   *     sent), {@link BufferFullException} (the queue stayed full: the future is failed on return),
   *     {@link IllegalStateException} (the buffer is closing or closed) or
   *     {@link NullPointerException} (no publication)
   */
  public CompletableFuture<PublishResult> submit(Publication publication) {
    if (publication == null) {
      return CompletableFuture.failedFuture(new NullPointerException("publication"));
    }
    if (closing) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("buffered publisher is closed; submit before close()"));
    }
    CompletableFuture<PublishResult> f = new CompletableFuture<>();
    Entry e;
    synchronized (progress) {
      e = new Entry(publication, f, estimateBytes(publication), ++submitted);
    }
    if (e.estimatedBytes() > maxQueuedBytes) {
      markDone(1);
      f.completeExceptionally(new BufferFullException("the item's " + e.estimatedBytes()
          + " estimated bytes are more than the buffer's maxQueuedBytes of " + maxQueuedBytes
          + ": raise maxQueuedBytes, or publish it with Publisher.publishAsync"));
      return f;
    }
    boolean accepted = false;
    String full = capacity + " items";
    try {
      long deadline = System.nanoTime() + offerTimeout.toNanos();
      boolean slotTaken = overflow == Overflow.REJECT
          ? slots.tryAcquire()
          : slots.tryAcquire(offerTimeout.toNanos(), TimeUnit.NANOSECONDS);
      if (slotTaken) {
        boolean bytesTaken = overflow == Overflow.REJECT
            ? queuedBytes.tryAcquire(e.estimatedBytes())
            : queuedBytes.tryAcquire(e.estimatedBytes(), Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (bytesTaken) {
          accepted = queue.offer(e); // unbounded: the permits are the bound
        } else {
          slots.release();
          full = maxQueuedBytes + " estimated bytes";
        }
      }
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    }
    if (!accepted) {
      markDone(1);
      f.completeExceptionally(new BufferFullException("the publish buffer is full (" + full + ")"
          + (overflow == Overflow.BLOCK ? " and stayed full for " + offerTimeout.toMillis() + " ms" : "")
          + ": the proxy is slower than the producer, or unavailable"));
    }
    return f;
  }

  /** Items waiting to be sent: in the queue, or behind their lane's batch in flight. */
  public int queued() {
    return capacity - slots.availablePermits();
  }

  /**
   * The estimated bytes of the items waiting to be sent (not counting the batches in flight): what
   * {@link Builder#maxQueuedBytes(int)} bounds. A moment's snapshot, cheap to read from any thread.
   */
  public long queuedBytes() {
    return (long) maxQueuedBytes - queuedBytes.availablePermits();
  }

  /**
   * Items in the batches being sent (at most one per lane), 0 when none. With {@link #queued()},
   * what the buffer holds; a moment's snapshot, cheap to read from any thread (for a gauge).
   */
  public int inFlight() {
    synchronized (lock) {
      return inFlight;
    }
  }

  /** The queue's bound. */
  public int capacity() {
    return capacity;
  }

  /** False once {@link #close()} was called. */
  public boolean isAccepting() {
    return !closing;
  }

  /**
   * Waits until every item submitted before this call has been published or has failed.
   *
   * @return true when they all finished within the timeout
   */
  public boolean flush(Duration timeout) {
    long target;
    synchronized (progress) {
      target = submitted;
    }
    return awaitCompleted(target, timeout);
  }

  private boolean awaitCompleted(long target, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (progress) {
      while (completed < target) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(progress, left);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return true;
    }
  }

  private void markDone(int n) {
    synchronized (progress) {
      completed += n;
      progress.notifyAll();
    }
  }

  /**
   * Stops accepting items and sends what is queued, waiting up to the close timeout. Items not
   * published by then fail with a {@link GripException} through their futures and the listener.
   * Does not close the underlying {@link Publisher}.
   */
  @Override
  public void close() {
    if (closing) {
      return;
    }
    closing = true;
    boolean drained = flush(closeTimeout);
    drainer.interrupt();
    try {
      drainer.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    }
    if (!drained) {
      List<Entry> left = new ArrayList<>();
      List<CompletableFuture<PublishResult>> sending = new ArrayList<>();
      synchronized (lock) {
        queue.drainTo(left);
        for (Lane lane : lanes) {
          left.addAll(lane.waiting);
          lane.waiting.clear();
          lane.waitingBytes = 0;
          if (lane.sending != null && lane.sending != PENDING) {
            sending.add(lane.sending);
          }
        }
      }
      for (Entry e : left) {
        release(e);
      }
      fail(left, new GripException("buffered publisher closed before this item was sent ("
          + left.size() + " items left after " + closeTimeout.toMillis() + " ms)"));
      for (CompletableFuture<PublishResult> f : sending) {
        f.cancel(true); // cancels the publish; its completion fails the batch's items
      }
    }
  }

  /** An item leaves the waiting items (into a batch, or failed): its permits go back. */
  private void release(Entry e) {
    slots.release();
    queuedBytes.release(e.estimatedBytes());
  }

  private Lane laneOf(Entry e) {
    return lanes[Math.floorMod(e.publication().channel().hashCode(), lanes.length)];
  }

  /**
   * Moves submitted items into their lanes and sends the batches that are ready, until closed and
   * drained. Batches after the first of a busy lane are sent by the completion of the one before
   * ({@link #finished}); this thread starts idle lanes, after the linger.
   */
  private void drainLoop() {
    try {
      while (true) {
        long waitNanos = startReadyLanes();
        if (closing && queue.isEmpty() && idle()) {
          return;
        }
        Entry e = queue.poll(waitNanos, TimeUnit.NANOSECONDS);
        if (e == null) {
          continue;
        }
        long now = System.nanoTime();
        synchronized (lock) {
          int moved = 0;
          do {
            Lane lane = laneOf(e);
            if (lane.waiting.isEmpty()) {
              lane.firstWaitingNanos = now;
            }
            lane.waiting.add(e);
            lane.waitingBytes += e.estimatedBytes();
          } while (++moved < 4_096 && (e = queue.poll()) != null);
        }
      }
    } catch (InterruptedException ie) {
      // interrupted by close() after its timeout: close() fails what is still waiting
    }
  }

  private boolean idle() {
    synchronized (lock) {
      for (Lane lane : lanes) {
        if (lane.sending != null || !lane.waiting.isEmpty()) {
          return false;
        }
      }
      return true;
    }
  }

  /**
   * Sends a batch for every idle lane whose waiting items fill a batch or have lingered long
   * enough; returns how long the drainer may wait for new items before a lane's linger ends.
   */
  private long startReadyLanes() {
    long wait = TimeUnit.MILLISECONDS.toNanos(100);
    List<Lane> ready = null;
    List<List<Entry>> batches = null;
    long now = System.nanoTime();
    synchronized (lock) {
      for (Lane lane : lanes) {
        if (lane.sending != null || lane.waiting.isEmpty()) {
          continue;
        }
        long left = lane.firstWaitingNanos + lingerNanos - now;
        if (lane.waiting.size() >= maxBatchItems || lane.waitingBytes >= maxBatchBytes || left <= 0 || closing) {
          if (ready == null) {
            ready = new ArrayList<>();
            batches = new ArrayList<>();
          }
          ready.add(lane);
          batches.add(takeBatch(lane, now));
        } else {
          wait = Math.min(wait, left);
        }
      }
    }
    if (ready != null) {
      for (int i = 0; i < ready.size(); i++) {
        send(ready.get(i), batches.get(i));
      }
      return 0; // more may be ready at once
    }
    return wait;
  }

  /** The lane's next batch, marked in flight; holding {@code lock}. */
  private List<Entry> takeBatch(Lane lane, long now) {
    List<Entry> batch = new ArrayList<>(Math.min(maxBatchItems, lane.waiting.size()));
    long bytes = 0;
    while (batch.size() < maxBatchItems && !lane.waiting.isEmpty()) {
      Entry next = lane.waiting.peek();
      if (!batch.isEmpty() && bytes + next.estimatedBytes() > maxBatchBytes) {
        break;
      }
      lane.waiting.poll();
      bytes += next.estimatedBytes();
      batch.add(next);
    }
    lane.waitingBytes -= bytes;
    lane.firstWaitingNanos = now; // what is left has waited a batch already: it goes when this one ends
    lane.sending = PENDING;
    inFlight += batch.size();
    return batch;
  }

  /** Marks a lane busy between taking its batch and the publish's future existing. */
  private static final CompletableFuture<PublishResult> PENDING = new CompletableFuture<>();

  /** Publishes a lane's batch; its completion sends the lane's next batch. */
  private void send(Lane lane, List<Entry> batch) {
    for (Entry e : batch) {
      release(e);
    }
    List<Publication> ps = new ArrayList<>(batch.size());
    for (Entry e : batch) {
      ps.add(e.publication());
    }
    CompletableFuture<PublishResult> f = publisher.publishAllAsync(ps); // never throws
    synchronized (lock) {
      if (lane.sending == PENDING) {
        lane.sending = f;
      }
    }
    f.whenComplete((r, t) -> finished(lane, batch, r, t));
  }

  /**
   * A lane's batch ended: its items' futures complete, and the lane's next batch (what waited
   * behind it) goes out at once. The in-flight count drops before the futures complete, so that a
   * flush that returns sees the batch no longer in flight.
   */
  private void finished(Lane lane, List<Entry> batch, PublishResult r, Throwable t) {
    List<Entry> next = null;
    synchronized (lock) {
      inFlight -= batch.size();
      lane.sending = null;
      if (!lane.waiting.isEmpty()) {
        next = takeBatch(lane, System.nanoTime());
      }
    }
    if (t == null) {
      for (Entry e : batch) {
        e.future().complete(r);
      }
      markDone(batch.size());
    } else {
      Throwable why = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
      if (why instanceof java.util.concurrent.CancellationException) {
        why = new GripException("buffered publisher closed before this item's batch was published", why);
      }
      fail(batch, why);
    }
    if (next != null) {
      send(lane, next);
    }
  }

  private void fail(List<Entry> entries, Throwable why) {
    for (Entry e : entries) {
      e.future().completeExceptionally(why);
      if (failureListener != null) {
        try {
          failureListener.accept(e.publication(), why);
        } catch (RuntimeException ignored) {
          // a broken listener must not stop the drain
        }
      }
    }
    markDone(entries.size());
  }

  /**
   * A cheap upper estimate of an item's JSON size, to cut batches by bytes without serializing
   * twice (the publisher still splits exactly under the body limit).
   */
  static int estimateBytes(Publication p) {
    Item i = p.item();
    long n = 96 + p.channel().length() * 6L;
    n += i.id() == null ? 32 : i.id().length() * 6L;
    n += i.prevId() == null ? 0 : i.prevId().length() * 6L;
    for (var e : i.meta().entrySet()) {
      n += 8 + (e.getKey().length() + e.getValue().length()) * 6L;
    }
    if (i.wsMessage() != null) {
      n += 48 + size(i.wsMessage().content()) + (i.wsMessage().closeReason() == null ? 0 : i.wsMessage().closeReason().length() * 6L);
    }
    if (i.httpStream() != null) {
      n += 48 + size(i.httpStream().content());
    }
    if (i.httpResponse() != null) {
      n += 64;
      for (Header h : i.httpResponse().headers()) {
        n += 8 + (h.name().length() + h.value().length()) * 6L;
      }
      var body = i.httpResponse().body();
      if (body instanceof io.gripcast.item.HttpResponse.Body.Text t) {
        n += size(t.content());
      } else if (body instanceof io.gripcast.item.HttpResponse.Body.Binary b) {
        n += size(b.content());
      } else if (body instanceof io.gripcast.item.HttpResponse.Body.Patch patch) {
        n += patch.json().length() * 6L;
      }
    }
    return (int) Math.min(Integer.MAX_VALUE, n);
  }

  /** Worst case: every char escaped as \\uXXXX (6 bytes); bytes as base64. */
  private static long size(Content c) {
    if (c == null) {
      return 0;
    }
    if (c instanceof Content.Text t) {
      return t.value().length() * 6L;
    }
    return (c.byteLength() + 2L) / 3 * 4;
  }

  /** Builds a {@link BufferedPublisher}. */
  public static final class Builder {
    private final Publisher publisher;
    private int capacity = 10_000;
    private int maxQueuedBytes = Integer.MAX_VALUE;
    private int maxBatchItems = DEFAULT_BATCH_ITEMS;
    private int maxBatchBytes = 900_000;
    private int lanes = DEFAULT_LANES;
    private Duration linger = Duration.ofMillis(5);
    private Overflow overflow = Overflow.BLOCK;
    private Duration offerTimeout = Duration.ofSeconds(1);
    private Duration closeTimeout = Duration.ofSeconds(30);
    private BiConsumer<Publication, Throwable> failureListener;

    private Builder(Publisher publisher) {
      this.publisher = Objects.requireNonNull(publisher, "publisher");
    }

    /** The most items the queue holds (default 10,000). */
    public Builder capacity(int items) {
      capacity = Args.atLeast(items, 1, "capacity");
      return this;
    }

    /**
     * The most estimated bytes the queue holds (default: no bound but the item count). Items carry
     * their content, so with large or uneven items this, not {@link #capacity(int)}, is what keeps
     * the memory bound; a full queue in bytes behaves like a full queue in items (see
     * {@link Overflow}), and an item larger than the bound is refused at once.
     */
    public Builder maxQueuedBytes(int bytes) {
      maxQueuedBytes = Args.atLeast(bytes, 64, "maxQueuedBytes");
      return this;
    }

    /**
     * The most batches in flight at once (default {@value BufferedPublisher#DEFAULT_LANES}): the
     * channels are spread over this many lanes by their names' hash, and each lane sends one batch
     * at a time, so each channel keeps its order. 1 sends one batch at a time in submission order
     * (the behaviour before 1.1). All items on one channel use one lane.
     */
    public Builder lanes(int n) {
      lanes = Args.atLeast(n, 1, "lanes");
      return this;
    }

    /**
     * The most items per batch (default {@value BufferedPublisher#DEFAULT_BATCH_ITEMS}). Pushpin 1.36
     * takes items equally fast per item in requests of 100 to 800, and fewer requests cost the
     * client less: docs/performance.md, "Bulk publishing on a fresh Pushpin".
     */
    public Builder maxBatchItems(int items) {
      maxBatchItems = Args.atLeast(items, 1, "maxBatchItems");
      return this;
    }

    /** The most estimated bytes per batch (default 900,000, under Pushpin's 1,000,000 body limit). */
    public Builder maxBatchBytes(int bytes) {
      maxBatchBytes = Args.atLeast(bytes, 64, "maxBatchBytes");
      return this;
    }

    /** How long a batch waits for more items after its first (default 5 ms). */
    public Builder linger(Duration d) {
      linger = Args.nonNegative(d, "linger");
      return this;
    }

    /** What submit does when the queue is full (default BLOCK). */
    public Builder overflow(Overflow o) {
      overflow = Objects.requireNonNull(o, "overflow");
      return this;
    }

    /** How long a BLOCK submit waits for space (default 1 s). */
    public Builder offerTimeout(Duration d) {
      offerTimeout = Args.nonNegative(d, "offerTimeout");
      return this;
    }

    /** How long close() waits for the queue to drain (default 30 s). */
    public Builder closeTimeout(Duration d) {
      closeTimeout = Args.nonNegative(d, "closeTimeout");
      return this;
    }

    /** Called for every item that was accepted but not published; for fire-and-forget producers. */
    public Builder failureListener(BiConsumer<Publication, Throwable> listener) {
      failureListener = Objects.requireNonNull(listener, "failureListener");
      return this;
    }

    public BufferedPublisher build() {
      return new BufferedPublisher(this);
    }
  }
}
