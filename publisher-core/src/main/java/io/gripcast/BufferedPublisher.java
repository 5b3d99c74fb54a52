package io.gripcast;

import io.gripcast.internal.Args;
import io.gripcast.internal.Threads;
import io.gripcast.item.Content;
import io.gripcast.item.Header;
import io.gripcast.item.Item;
import io.gripcast.item.Publication;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * A bounded buffer in front of a {@link Publisher}, for producers that publish at a high rate:
 * items are queued and sent in batches by one background thread, in submission order.
 *
 * <p>Memory stays bounded: the queue holds at most {@code capacity} items. When it is full,
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

  private record Entry(Publication publication, CompletableFuture<PublishResult> future, int estimatedBytes, long seq) {}

  private final Publisher publisher;
  private final BlockingQueue<Entry> queue;
  private final int capacity;
  private final int maxQueuedBytes;
  // the queue's estimated bytes, as permits taken by submit and given back when the drainer takes
  // an item off the queue; Integer.MAX_VALUE permits when only the item count bounds the queue
  private final Semaphore queuedBytes;
  private final int maxBatchItems;
  private final int maxBatchBytes;
  private final Duration linger;
  private final Overflow overflow;
  private final Duration offerTimeout;
  private final Duration closeTimeout;
  private final BiConsumer<Publication, Throwable> failureListener;
  private final Thread drainer;
  private final Object progress = new Object();
  private long submitted; // guarded by progress
  private long completed; // guarded by progress
  private volatile boolean closing;
  private volatile int inFlight; // written by the drainer thread only

  private BufferedPublisher(Builder b) {
    this.publisher = b.publisher;
    this.capacity = b.capacity;
    this.maxQueuedBytes = b.maxQueuedBytes;
    this.queuedBytes = new Semaphore(b.maxQueuedBytes);
    this.queue = new ArrayBlockingQueue<>(b.capacity);
    this.maxBatchItems = b.maxBatchItems;
    this.maxBatchBytes = b.maxBatchBytes;
    this.linger = b.linger;
    this.overflow = b.overflow;
    this.offerTimeout = b.offerTimeout;
    this.closeTimeout = b.closeTimeout;
    this.failureListener = b.failureListener;
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
    boolean accepted;
    String full = capacity + " items";
    try {
      long deadline = System.nanoTime() + offerTimeout.toNanos();
      boolean bytesTaken = overflow == Overflow.REJECT
          ? queuedBytes.tryAcquire(e.estimatedBytes())
          : queuedBytes.tryAcquire(e.estimatedBytes(), offerTimeout.toNanos(), TimeUnit.NANOSECONDS);
      if (!bytesTaken) {
        accepted = false;
        full = maxQueuedBytes + " estimated bytes";
      } else {
        accepted = overflow == Overflow.REJECT
            ? queue.offer(e)
            : queue.offer(e, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (!accepted) {
          queuedBytes.release(e.estimatedBytes());
        }
      }
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      accepted = false;
    }
    if (!accepted) {
      markDone(1);
      f.completeExceptionally(new BufferFullException("the publish buffer is full (" + full + ")"
          + (overflow == Overflow.BLOCK ? " and stayed full for " + offerTimeout.toMillis() + " ms" : "")
          + ": the proxy is slower than the producer, or unavailable"));
    }
    return f;
  }

  /** Items waiting in the queue (not counting the batch being sent). */
  public int queued() {
    return queue.size();
  }

  /**
   * The estimated bytes of the items waiting in the queue (not counting the batch being sent): what
   * {@link Builder#maxQueuedBytes(int)} bounds. A moment's snapshot, cheap to read from any thread.
   */
  public long queuedBytes() {
    return (long) maxQueuedBytes - queuedBytes.availablePermits();
  }

  /**
   * Items taken from the queue and not yet finished: the batch being gathered or sent, 0 when
   * none. With {@link #queued()}, what the buffer holds; a moment's snapshot, cheap to read from
   * any thread (for a gauge).
   */
  public int inFlight() {
    return inFlight;
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
      queue.drainTo(left);
      for (Entry e : left) {
        queuedBytes.release(e.estimatedBytes());
      }
      fail(left, new GripException("buffered publisher closed before this item was sent ("
          + left.size() + " items left after " + closeTimeout.toMillis() + " ms)"));
    }
  }

  /** An entry the drainer took off the queue (or null): its bytes no longer count as queued. */
  private Entry taken(Entry e) {
    if (e != null) {
      queuedBytes.release(e.estimatedBytes());
    }
    return e;
  }

  private void drainLoop() {
    List<Entry> batch = new ArrayList<>(maxBatchItems);
    Entry carry = null; // taken from the queue while lingering, but too big for the batch it came to
    while (true) {
      try {
        Entry first = carry != null ? carry : taken(queue.poll(100, TimeUnit.MILLISECONDS));
        carry = null;
        if (first == null) {
          if (closing && queue.isEmpty()) {
            return;
          }
          continue;
        }
        batch.add(first);
        inFlight = 1;
        int bytes = first.estimatedBytes();
        long lingerEnd = System.nanoTime() + linger.toNanos();
        while (batch.size() < maxBatchItems) {
          Entry next = queue.peek();
          if (next != null) {
            if (bytes + next.estimatedBytes() > maxBatchBytes) {
              break;
            }
            taken(queue.poll());
          } else {
            long wait = lingerEnd - System.nanoTime();
            if (wait <= 0 || closing) {
              break;
            }
            next = taken(queue.poll(wait, TimeUnit.NANOSECONDS));
            if (next == null) {
              break;
            }
            if (bytes + next.estimatedBytes() > maxBatchBytes) {
              carry = next;
              break;
            }
          }
          batch.add(next);
          inFlight = batch.size();
          bytes += next.estimatedBytes();
        }
        send(batch, carry != null ? 1 : 0);
        batch.clear();
      } catch (InterruptedException ie) {
        // interrupted by close() after its timeout: close() fails what is still queued
        List<Entry> left = new ArrayList<>(batch);
        if (carry != null) {
          left.add(carry);
        }
        inFlight = 0;
        fail(left, new GripException("buffered publisher closed before this item was sent"));
        return;
      }
    }
  }

  /**
   * Sends one batch and waits for it, so batches go out in order and memory stays bounded;
   * {@code carried} items (0 or 1) stay in flight after it, set before the batch's futures
   * complete, so that a flush that returns sees the batch no longer in flight.
   */
  private void send(List<Entry> batch, int carried) throws InterruptedException {
    List<Publication> ps = new ArrayList<>(batch.size());
    for (Entry e : batch) {
      ps.add(e.publication());
    }
    CompletableFuture<PublishResult> f;
    try {
      f = publisher.publishAllAsync(ps);
    } catch (RuntimeException e) { // invalid item, item too large, publisher closed
      inFlight = carried;
      fail(batch, e);
      return;
    }
    try {
      PublishResult r = f.get();
      inFlight = carried;
      for (Entry e : batch) {
        e.future().complete(r);
      }
      markDone(batch.size());
    } catch (java.util.concurrent.ExecutionException e) {
      inFlight = carried;
      fail(batch, e.getCause());
    } catch (InterruptedException ie) {
      f.cancel(true); // the caller fails the batch
      throw ie;
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
    private int maxBatchItems = 500;
    private int maxBatchBytes = 900_000;
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

    /** The most items per batch (default 500). */
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
