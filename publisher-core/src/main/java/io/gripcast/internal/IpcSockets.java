package io.gripcast.internal;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * ZeroMQ {@code ipc://} endpoints without JeroMQ (which emulates {@code ipc://} over loopback TCP
 * and so cannot reach a libzmq Unix socket): gripcast's own ZMTP 3.0 client
 * ({@link ZmtpConnection}) over a Unix-domain {@code SocketChannel}. It keeps the promises of the
 * {@code tcp://} path ({@link ZmqSockets}):
 *
 * <ul>
 *   <li>each socket connects at once and reconnects in the background (every 100 ms, as libzmq;
 *       every second after a peer that failed the handshake);
 *   <li>a send goes out only on a live, handshaken connection; without one it waits, and fails
 *       {@code UNAVAILABLE} at its deadline ("no ZeroMQ connection ... took the items", with the last
 *       connect problem); "sent" means written to the socket, which the kernel hands to Pushpin;
 *   <li>PUB sends a message only on channels the instance's SUB socket subscribed to (ZMTP 3.0
 *       subscription messages: byte 1 or 0, then the topic) and counts the others, which ZeroMQ's
 *       PUB drops too; {@link Link#awaitSubscribed} sees those subscriptions;
 *   <li>order per socket; a write Pushpin does not take waits, then fails at the deadline.
 * </ul>
 *
 * <p>Threads: one {@code gripcast-zmq-ipc} thread per socket owns its connection, so a peer that
 * never answers holds up only its own endpoint; every wait is bounded.
 */
final class IpcSockets implements ZmqTransport {

  static final long RECONNECT_MILLIS = 100;
  static final long RETRY_AFTER_BAD_PEER_MILLIS = 1_000;
  static final long DEFAULT_HANDSHAKE_MILLIS = 5_000;

  private final int lingerMillis;
  private final long handshakeMillis;
  private final List<IpcLink> links = new CopyOnWriteArrayList<>();
  private Long closeEndNanos; // guarded by this: when the links' linger ends, once closing began

  IpcSockets(int lingerMillis) {
    this(lingerMillis, DEFAULT_HANDSHAKE_MILLIS);
  }

  IpcSockets(int lingerMillis, long handshakeMillis) {
    this.lingerMillis = lingerMillis;
    this.handshakeMillis = handshakeMillis;
  }

  /** The Unix socket path of an {@code ipc://} spec: the rest of the spec, relative to the working dir if not absolute. */
  static Path path(String spec) {
    return Path.of(spec.substring("ipc://".length()));
  }

  @Override
  public IpcLink open(String spec, boolean pub) {
    IpcLink link;
    try {
      link = new IpcLink(spec, pub);
    } catch (IOException e) {
      throw new IllegalStateException("cannot open a selector for " + spec + ": " + e.getMessage(), e);
    }
    links.add(link);
    link.thread.start();
    return link;
  }

  /**
   * Starts closing without waiting: every link stops taking sends and gets the linger from now to
   * send what it holds. Lets a caller close other transports meanwhile; {@link #close()} then waits.
   */
  synchronized void beginClose() {
    if (closeEndNanos != null) {
      return;
    }
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(lingerMillis);
    closeEndNanos = end;
    for (IpcLink l : links) {
      l.close(end);
    }
  }

  @Override
  public void close() {
    beginClose();
    long joinEnd;
    synchronized (this) {
      joinEnd = closeEndNanos + TimeUnit.SECONDS.toNanos(2);
    }
    for (IpcLink l : links) {
      try {
        long left = TimeUnit.NANOSECONDS.toMillis(joinEnd - System.nanoTime());
        l.thread.join(Math.max(1, left));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** One socket: a thread, its connection when there is one, and its queue of sends. */
  final class IpcLink implements Link {
    final String spec;
    final boolean pub;
    private final Path path;
    private final String ownType;
    private final Set<String> peerTypes;
    private final String role;
    private final Selector selector;
    final Thread thread;

    private final Object lock = new Object();
    private final ArrayDeque<SendJob> incoming = new ArrayDeque<>(); // guarded by lock
    private boolean accepting = true; // guarded by lock
    private volatile boolean closing;
    private volatile long lingerEndNanos;

    private final Set<String> subscribed = new HashSet<>(); // guarded by itself
    private final ArrayDeque<SendJob> pending = new ArrayDeque<>(); // link thread only
    private SendJob current; // link thread only: the job being written, which ticks must not end
    private SendJob stalled; // link thread only: a job whose write Pushpin did not take in time
    private ZmtpConnection conn; // link thread only
    private long nextAttemptNanos; // link thread only
    private volatile String lastProblem;

    IpcLink(String spec, boolean pub) throws IOException {
      this.spec = spec;
      this.pub = pub;
      this.path = path(spec);
      this.ownType = pub ? "PUB" : "PUSH";
      this.peerTypes = pub ? Set.of("SUB", "XSUB") : Set.of("PULL");
      this.role = pub ? "Pushpin's push_in_sub_specs (a SUB socket)" : "Pushpin's push_in_spec (a PULL socket)";
      this.selector = Selector.open();
      this.thread = new Thread(this::run, "gripcast-zmq-ipc");
      thread.setDaemon(true);
      this.nextAttemptNanos = System.nanoTime();
    }

    @Override
    public void send(List<byte[]> channels, List<byte[]> items, long deadlineNanos, Done done,
        BooleanSupplier abandoned) {
      SendJob job = new SendJob(channels, items, deadlineNanos, done, abandoned);
      synchronized (lock) {
        if (!accepting) {
          done.failed(0, "publisher closed");
          return;
        }
        incoming.add(job);
      }
      wakeup();
    }

    private void wakeup() {
      try {
        selector.wakeup();
      } catch (java.nio.channels.ClosedSelectorException ignored) {
        // the thread has ended; it failed what was left
      }
    }

    @Override
    public boolean awaitSubscribed(String channel, long timeoutMillis) throws InterruptedException {
      byte[] c = channel.getBytes(StandardCharsets.UTF_8);
      long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
      synchronized (subscribed) {
        while (true) {
          if (matches(c)) {
            return true;
          }
          long left = end - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          TimeUnit.NANOSECONDS.timedWait(subscribed, left);
        }
      }
    }

    /** ZeroMQ's rule: a subscription matches a channel that starts with it. */
    private boolean matches(byte[] channel) {
      String c = new String(channel, StandardCharsets.ISO_8859_1);
      synchronized (subscribed) {
        for (String topic : subscribed) {
          if (c.startsWith(topic)) {
            return true;
          }
        }
        return false;
      }
    }

    void close(long lingerEnd) {
      synchronized (lock) {
        accepting = false;
        lingerEndNanos = lingerEnd;
        closing = true;
      }
      wakeup();
    }

    private void run() {
      try {
        while (true) {
          synchronized (lock) { // with close(): every send accepted before it gets the linger
            drainIncoming();
            if (closing && (pending.isEmpty() || System.nanoTime() - lingerEndNanos >= 0)) {
              return;
            }
          }
          if (conn == null && System.nanoTime() - nextAttemptNanos >= 0) {
            connect();
          }
          if (conn != null) {
            readIncoming();
          }
          flush();
          expire();
          idle();
        }
      } catch (IOException e) {
        failAll("the ZeroMQ ipc thread failed: " + e);
      } catch (RuntimeException | Error e) {
        failAll("the ZeroMQ ipc thread failed: " + e);
        throw e;
      } finally {
        synchronized (lock) {
          accepting = false;
        }
        drainIncoming();
        failAll("publisher closed before these items were sent");
        if (conn != null) {
          conn.close();
          conn = null;
        }
        try {
          selector.close();
        } catch (IOException ignored) {
          // closing anyway
        }
      }
    }

    private void drainIncoming() {
      synchronized (lock) {
        SendJob j;
        while ((j = incoming.poll()) != null) {
          pending.add(j);
        }
      }
    }

    private void connect() {
      long start = System.nanoTime();
      try {
        conn = ZmtpConnection.open(path, spec, role, ownType, peerTypes, selector,
            start + TimeUnit.MILLISECONDS.toNanos(handshakeMillis), this::expire);
        lastProblem = null;
      } catch (ConnectException e) {
        lastProblem = e.getMessage();
        nextAttemptNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RECONNECT_MILLIS);
      } catch (SocketTimeoutException e) {
        lastProblem = e.getMessage() + " within the handshake timeout (" + handshakeMillis + " ms)";
        nextAttemptNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RETRY_AFTER_BAD_PEER_MILLIS);
      } catch (IOException e) {
        lastProblem = e.getMessage();
        nextAttemptNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RETRY_AFTER_BAD_PEER_MILLIS);
      }
    }

    /** The connection is gone: reconnect after the interval; its subscriptions are gone with it. */
    private void lost(String why) {
      conn.close();
      conn = null;
      lastProblem = why;
      nextAttemptNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RECONNECT_MILLIS);
      synchronized (subscribed) {
        subscribed.clear();
        subscribed.notifyAll();
      }
    }

    /** Subscriptions (PUB); a closed connection. PULL sends nothing, so anything else is ignored. */
    private void readIncoming() {
      List<Zmtp.Frame> frames;
      try {
        frames = conn.poll();
      } catch (IOException e) {
        lost(e.getMessage());
        return;
      }
      boolean changed = false;
      for (Zmtp.Frame f : frames) {
        byte[] b = f.body();
        Boolean subscribe = null;
        String topic = null;
        if (f.command()) {
          String name;
          try {
            name = Zmtp.commandName(f, spec);
          } catch (Zmtp.ProtocolException e) {
            lost(e.getMessage());
            return;
          }
          if (name.equals("ERROR")) {
            lost(spec + " sent ERROR \"" + Zmtp.errorReason(Zmtp.commandData(f)) + "\" and closes the connection");
            return;
          }
          if (name.equals("SUBSCRIBE") || name.equals("CANCEL")) { // ZMTP 3.1's form, should a peer use it
            subscribe = name.equals("SUBSCRIBE");
            topic = new String(Zmtp.commandData(f), StandardCharsets.ISO_8859_1);
          }
        } else if (pub && b.length > 0 && (b[0] == 0 || b[0] == 1)) {
          subscribe = b[0] == 1;
          topic = new String(b, 1, b.length - 1, StandardCharsets.ISO_8859_1);
        }
        if (subscribe != null && pub) {
          synchronized (subscribed) {
            changed |= subscribe ? subscribed.add(topic) : subscribed.remove(topic);
          }
        }
      }
      if (changed) {
        synchronized (subscribed) {
          subscribed.notifyAll();
        }
      }
    }

    private long deadline(SendJob job) {
      return closing && lingerEndNanos - job.deadlineNanos < 0 ? lingerEndNanos : job.deadlineNanos;
    }

    /** Sends what can go now, in order; ends jobs that are done, abandoned or late. */
    private void flush() {
      SendJob job;
      while ((job = pending.peek()) != null) {
        if (job.abandoned.getAsBoolean()) {
          pending.poll();
          continue; // its run already ended
        }
        current = job;
        try {
          while (job.next < job.items.size()) {
            byte[] channel = pub ? job.channels.get(job.next) : null;
            if (pub && !matches(channel)) {
              job.unsubscribed++; // what ZeroMQ's PUB drops: no subscriber there (yet)
              job.next++;
              continue;
            }
            if (conn == null || !writeWhole(job, pub ? Zmtp.message(channel, job.items.get(job.next))
                : Zmtp.message(job.items.get(job.next)))) {
              break;
            }
            job.next++;
          }
        } finally {
          current = null;
        }
        if (job.next == job.items.size()) {
          pending.poll();
          job.done.sent(job.next, job.unsubscribed);
          continue;
        }
        if (System.nanoTime() - deadline(job) >= 0) {
          pending.poll();
          fail(job);
          continue;
        }
        return; // waits for a connection; later jobs wait behind it, in order
      }
    }

    /** Writes one message; false when the connection failed or the job's deadline came first. */
    private boolean writeWhole(SendJob job, ByteBuffer message) {
      while (true) {
        long end = deadline(job);
        long slice = Math.min(end, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50));
        boolean whole;
        try {
          whole = conn.write(message, slice);
        } catch (IOException e) {
          lost(spec + " closed the connection while gripcast wrote to it (" + e.getMessage() + ")");
          return false;
        }
        if (whole) {
          return true;
        }
        if (System.nanoTime() - deadline(job) >= 0) {
          stalled = job;
          if (message.position() > 0) {
            // the peer drops a message cut short with its connection; a new one starts clean
            lost("a message to " + spec + " was cut short when the call timeout ran out");
          }
          return false;
        }
      }
    }

    /** Ends late and abandoned jobs (not the one being written). Runs between slices of every wait. */
    private void expire() {
      long now = System.nanoTime();
      for (Iterator<SendJob> it = pending.iterator(); it.hasNext(); ) {
        SendJob job = it.next();
        if (job == current) {
          continue;
        }
        if (job.abandoned.getAsBoolean()) {
          it.remove();
        } else if (now - deadline(job) >= 0) {
          it.remove();
          fail(job);
        }
      }
    }

    private void fail(SendJob job) {
      String why;
      if (closing && System.nanoTime() - lingerEndNanos >= 0) {
        why = "publisher closed before these items were sent";
      } else if (conn != null || job == stalled) {
        why = "the ZeroMQ connection to " + spec + " took no more data until the call timeout: Pushpin is not"
            + " reading it (busy, or stopped?)";
      } else {
        String last = lastProblem;
        why = "no ZeroMQ connection to " + spec + " took the items within the call timeout: is Pushpin running"
            + " there, and is that its " + (pub ? "push_in_sub_specs" : "push_in_spec") + "?"
            + (last == null ? "" : " (last attempt: " + last + ")");
      }
      if (job == stalled) {
        stalled = null;
      }
      job.done.failed(job.next, why);
    }

    private void failAll(String why) {
      SendJob job;
      while ((job = pending.poll()) != null) {
        job.done.failed(job.next, why);
      }
    }

    /** Waits for data, a new send, a close, or the next connect attempt. */
    private void idle() throws IOException {
      synchronized (lock) {
        if (!incoming.isEmpty()) {
          return;
        }
      }
      if (closing && pending.isEmpty()) {
        return;
      }
      long millis = pending.isEmpty() ? 100 : 10;
      if (conn != null) {
        conn.awaitReadable(millis);
      } else {
        long untilAttempt = TimeUnit.NANOSECONDS.toMillis(nextAttemptNanos - System.nanoTime());
        selector.select(Math.max(1, Math.min(millis, untilAttempt)));
        selector.selectedKeys().clear();
      }
    }
  }
}
