package io.gripcast.internal;

import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * How a publisher's ZeroMQ endpoints reach Pushpin: {@link ZmqSockets} (JeroMQ) for
 * {@code tcp://}, {@link IpcSockets} (gripcast's own ZMTP 3.0 client over a Unix socket) for
 * {@code ipc://}. Both keep the same promises (see docs/scaling.md): a send waits for a live
 * connection up to its deadline, items go out in order per socket, and PUB counts what went to
 * channels the instance had not subscribed to.
 */
interface ZmqTransport extends AutoCloseable {

  /** How a send ended; called on the transport's thread, so it must only hand over. */
  interface Done {
    void sent(int messages, int unsubscribed);

    void failed(int sent, String why);
  }

  /** One socket, to one Pushpin instance. */
  interface Link {
    /**
     * Sends {@code items} (with {@code channels} as first frames for PUB) in order, after whatever
     * this socket is still sending; fails what is not out by {@code deadlineNanos}.
     */
    void send(List<byte[]> channels, List<byte[]> items, long deadlineNanos, Done done, BooleanSupplier abandoned);

    /** Whether the instance has subscribed to {@code channel} (PUB), waiting up to {@code timeoutMillis}. */
    boolean awaitSubscribed(String channel, long timeoutMillis) throws InterruptedException;
  }

  /**
   * One {@link Link#send} call as a transport's thread works through it: how far it got, and how
   * many items went to channels the instance had not subscribed to. Thread-confined to that thread.
   */
  final class SendJob {
    final List<byte[]> channels; // null for PUSH
    final List<byte[]> items;
    final long deadlineNanos;
    final Done done;
    final BooleanSupplier abandoned;
    int next;
    int unsubscribed;

    SendJob(List<byte[]> channels, List<byte[]> items, long deadlineNanos, Done done, BooleanSupplier abandoned) {
      this.channels = channels;
      this.items = items;
      this.deadlineNanos = deadlineNanos;
      this.done = done;
      this.abandoned = abandoned;
    }
  }

  /** A socket connecting to {@code spec}; it connects in the background and reconnects. */
  Link open(String spec, boolean pub);

  /** Stops: queued messages get the linger to go out, pending sends fail. */
  @Override
  void close();
}
