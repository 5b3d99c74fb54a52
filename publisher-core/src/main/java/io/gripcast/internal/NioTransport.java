package io.gripcast.internal;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Plain-http attempts on one selector thread, the way wrk drives a server: no thread per call.
 *
 * <p>Why: Pushpin closes the connection after every publish response, so every attempt is a new
 * connection. OkHttp runs each call on a dispatcher thread and hands the connection between
 * threads, about four context switches per request; at one item per POST that alone held the
 * publisher to two thirds of wrk's rate (docs/performance.md).
 *
 * <p>Threads: the selector thread ({@code gripcast-nio}, daemon) starts with the first attempt and
 * does all socket work: connect, the one gathering write of head and body, reads, parsing,
 * timeouts. It never runs user code: finished attempts' futures are completed on the
 * {@code callbacks} executor, a select round's worth at a time through a {@link Handoff}, because
 * what depends on those futures is the retry, the next batch, the listener and the caller's own
 * stages, any of which may block. Host names that are not IP literals (or {@code localhost}) are
 * resolved on a small pool of their own ({@code gripcast-dns}, at most {@link #DNS_THREADS}
 * threads), never on the selector thread.
 *
 * <p>No hang: every operation on the selector thread is guarded, so an unexpected exception
 * (even an Error) fails only the exchange it belongs to. Should the loop itself end without a
 * {@link #shutdown()} (the selector broke), it fails everything it held, and the next attempt
 * starts a new loop with a new selector. Deadlines are enforced here, and once more by the
 * {@link Watchdog} above, which does not depend on this thread.
 *
 * <p>Each request is {@code Connection: close} with a fixed Content-Length; responses are read to
 * their end (Content-Length, chunked or end of connection) but only the first 512 body bytes are
 * kept, and the connection is closed once the response is complete (right after the next select,
 * which deregisters it). While the body is still being written, the connection is read too: a
 * proxy that answers early (413, 401) is reported by that answer, not by the broken pipe that
 * follows when it closes.
 */
public final class NioTransport implements Transport {

  /** The most threads that resolve host names at once; more lookups wait for one. */
  public static final int DNS_THREADS = 4;

  /** Resolves a host name; blocking is fine, it runs on the DNS pool. */
  @FunctionalInterface
  public interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  /** Opens a non-connected socket for an address: the JDK's, or a test's that fails on purpose. */
  @FunctionalInterface
  interface SocketOpener {
    SocketChannel open(InetAddress address) throws IOException;
  }

  /**
   * The address's own family: a default (dual-stack IPv6) socket costs an extra system call and
   * the IPv4-mapped path in the kernel for every IPv4 connection.
   */
  private static final SocketOpener JDK_SOCKETS = address -> SocketChannel.open(
      address instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);

  final long connectTimeoutNanos;
  final long readTimeoutNanos;
  final long writeTimeoutNanos;
  private final long callTimeoutNanos;
  final Executor callbacks;
  final Resolver resolver;
  final SocketOpener sockets;

  private volatile HeadTemplate headTemplate; // the last endpoint's request head, but for Content-Length

  // guarded by this
  private boolean closed;
  private Loop loop;
  private ExecutorService dns;

  public NioTransport(Duration connectTimeout, Duration readTimeout, Duration writeTimeout, Duration callTimeout,
      Executor callbacks) {
    this(connectTimeout, readTimeout, writeTimeout, callTimeout, callbacks, InetAddress::getAllByName);
  }

  public NioTransport(Duration connectTimeout, Duration readTimeout, Duration writeTimeout, Duration callTimeout,
      Executor callbacks, Resolver resolver) {
    this(connectTimeout, readTimeout, writeTimeout, callTimeout, callbacks, resolver, JDK_SOCKETS);
  }

  NioTransport(Duration connectTimeout, Duration readTimeout, Duration writeTimeout, Duration callTimeout,
      Executor callbacks, Resolver resolver, SocketOpener sockets) {
    this.sockets = Objects.requireNonNull(sockets, "sockets");
    this.connectTimeoutNanos = connectTimeout.toNanos();
    this.readTimeoutNanos = readTimeout.toNanos();
    this.writeTimeoutNanos = writeTimeout.toNanos();
    this.callTimeoutNanos = callTimeout.toNanos();
    this.callbacks = callbacks;
    this.resolver = Objects.requireNonNull(resolver, "resolver");
  }


  @Override
  public Transport.Exchange newExchange(PublishUrl url, String authorization, Batches.Batch batch, long callTimeoutNanos) {
    if (url.isHttps()) {
      throw new IllegalArgumentException("NioTransport is for http:// endpoints only");
    }
    return new NioExchange(this, url, head(url, authorization, batch.bodyBytes()), batch,
        callTimeoutNanos > 0 ? callTimeoutNanos : this.callTimeoutNanos);
  }

  byte[] head(PublishUrl url, String authorization, int contentLength) {
    HeadTemplate t = headTemplate;
    if (t == null || !t.url.equals(url) || !Objects.equals(t.authorization, authorization)) {
      t = new HeadTemplate(url, authorization);
      headTemplate = t; // one endpoint per transport is the common case; a miss only rebuilds
    }
    return t.head(contentLength);
  }

  /**
   * A request head split around the Content-Length value. Why: the rest depends only on the
   * endpoint and the (cached) token, and building it afresh was most of the per-request work that
   * is not system calls.
   */
  private static final class HeadTemplate {
    final PublishUrl url;
    final String authorization;
    final byte[] before;
    final byte[] after;

    HeadTemplate(PublishUrl url, String authorization) {
      this.url = url;
      this.authorization = authorization;
      String b = "POST " + url.pathAndQuery() + " HTTP/1.1\r\n"
          + "Host: " + url.hostHeader() + "\r\n"
          + "User-Agent: " + UserAgent.VALUE + "\r\n"
          + "Content-Type: application/json\r\n"
          + "Content-Length: ";
      StringBuilder a = new StringBuilder(128).append("\r\nAccept: text/plain\r\n");
      if (authorization != null) {
        for (int i = 0; i < authorization.length(); i++) {
          char c = authorization.charAt(i);
          if (c == '\r' || c == '\n' || c > 0xff) {
            // never echo the value: it is a secret
            throw new IllegalArgumentException("the Authorization header value has a line break or a non-Latin-1 character");
          }
        }
        a.append("Authorization: ").append(authorization).append("\r\n");
      }
      a.append("Connection: close\r\n\r\n");
      this.before = b.getBytes(StandardCharsets.ISO_8859_1);
      this.after = a.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    byte[] head(int contentLength) {
      int digits = 1;
      for (int v = contentLength; v >= 10; v /= 10) {
        digits++;
      }
      byte[] h = new byte[before.length + digits + after.length];
      System.arraycopy(before, 0, h, 0, before.length);
      for (int i = before.length + digits - 1, v = contentLength; i >= before.length; i--, v /= 10) {
        h[i] = (byte) ('0' + v % 10);
      }
      System.arraycopy(after, 0, h, before.length + digits, after.length);
      return h;
    }
  }

  /**
   * Fails what is in flight with an IOException and stops the selector and DNS threads; waits
   * briefly for the selector thread so that completions are handed to the callback executor before
   * the publisher shuts that down.
   */
  @Override
  public void shutdown() {
    Loop l;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      l = loop;
      loop = null;
      if (dns != null) {
        dns.shutdownNow(); // a lookup in progress ends on its own; nothing waits for it any more
      }
    }
    if (l != null) {
      l.stop();
    }
  }

  /** The thread that runs the current loop, or null: for tests. */
  synchronized Thread selectorThread() {
    return loop == null ? null : loop.thread;
  }

  /** The current loop's selector, to break it on purpose: for tests. */
  synchronized Selector selectorForTest() {
    return loop == null ? null : loop.selector;
  }

  /** Runs {@code x}'s step {@code kind} on the selector thread, starting a loop if none runs. */
  void submit(NioExchange x, OpKind kind) throws IOException {
    Loop l;
    synchronized (this) {
      if (closed) {
        throw new IOException("the publisher is closed");
      }
      l = loop;
      if (l == null) {
        l = new Loop(); // throws when no selector or thread can be had: this attempt fails, the next tries again
        loop = l;
      }
      // under the lock: a loop that dies takes this lock before it drains its queue, so an op is
      // either drained by it or queued on the next loop, never lost in between
      l.ops.add(new Op(x, kind));
    }
    l.wake();
  }

  /** Called by a loop whose thread is ending without shutdown(): the next submit starts a new one. */
  private synchronized void retire(Loop l) {
    l.dead = true;
    if (loop == l) {
      loop = null;
    }
  }

  synchronized Executor dns() {
    if (closed) {
      throw new RejectedExecutionException("the publisher is closed");
    }
    if (dns == null) {
      dns = Threads.boundedDaemonPool("gripcast-dns", DNS_THREADS);
    }
    return dns;
  }

  /** What the selector thread is asked to do with an exchange. */
  enum OpKind {
    /** Connect to its next address. */
    CONNECT,
    /** Fail it as cancelled. */
    CANCEL,
    /** Hold it to its call deadline while its host name is being resolved elsewhere. */
    WATCH
  }

  private record Op(NioExchange exchange, OpKind kind) {}

  /**
   * One selector and its thread. Normally one lives as long as the transport; a new one replaces
   * it only if it dies.
   */
  final class Loop {
    final Selector selector;
    final Thread thread;
    final Queue<Op> ops = new ConcurrentLinkedQueue<>();
    final AtomicBoolean selecting = new AtomicBoolean();
    volatile boolean parked;
    final Handoff completions = new Handoff(callbacks);
    volatile boolean stopping;
    boolean dead; // guarded by NioTransport.this

    // the selector thread's own state
    final List<NioExchange> active = new ArrayList<>();
    final ByteBuffer readBuffer = ByteBuffer.allocateDirect(16 * 1024);
    // Channels whose keys were cancelled, closed once the next select has deregistered them: closing a
    // still-registered channel makes the JDK look up SO_LINGER and shut the output down first, two
    // extra system calls on every request, and then close it in the selector anyway.
    List<SocketChannel> toClose = new ArrayList<>();
    List<SocketChannel> closing = new ArrayList<>();

    Loop() throws IOException {
      selector = Selector.open();
      thread = new Thread(this::run, "gripcast-nio");
      thread.setDaemon(true);
      try {
        thread.start();
      } catch (Throwable t) { // OutOfMemoryError "unable to create native thread", and the like
        selector.close();
        throw new IOException("could not start the publisher's I/O thread: " + t, t);
      }
    }

    void wake() {
      // The selector thread sets `selecting` (or `parked`) before it checks the queue, and we add
      // before we read it: either it sees the op, or we see it waiting and wake it. A busy selector
      // costs no wakeup.
      if (selecting.get()) {
        selector.wakeup();
      } else if (parked) {
        LockSupport.unpark(thread);
      }
    }

    /**
     * Waits for the next op with no socket registered: parked, not in {@code select}. Why: a thread
     * blocked in native code (epoll_wait) holds up the JVM's exit by 300 ms (HotSpot waits that long
     * for threads in native code to come back), so a program that publishes and ends without closing
     * its publisher took 0.3 s longer to exit. A parked thread is not in native code.
     */
    private void idle(long next, long now) {
      parked = true;
      if (ops.isEmpty() && !stopping) {
        if (next == Long.MAX_VALUE) {
          LockSupport.park(this);
        } else if (next - now > 0) {
          LockSupport.parkNanos(this, next - now);
        }
      }
      parked = false;
    }

    void stop() {
      stopping = true;
      selector.wakeup();
      LockSupport.unpark(thread);
      if (thread != Thread.currentThread()) {
        try {
          thread.join(1_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    private void run() {
      Throwable broke = null;
      try {
        while (!stopping) {
          round();
        }
      } catch (Throwable t) { // the selector itself failed: nothing else reaches here
        broke = t;
      } finally {
        retire(this);
        IOException why = stopping ? new IOException("the publisher is closed")
            : new IOException("the publisher's I/O thread failed (" + broke + "); the next attempt starts a new one", broke);
        Op op;
        while ((op = ops.poll()) != null) {
          op.exchange.fail(op.kind == OpKind.CANCEL ? new CancellationException("publish cancelled") : why);
        }
        for (NioExchange x : new ArrayList<>(active)) {
          x.fail(why);
        }
        try {
          selector.close();
        } catch (IOException | RuntimeException ignored) {
          // nothing left to release
        }
        closeAll(closing);
        closeAll(toClose);
        completions.dispatchNow(); // no stall checks from here on: give the last completions a drainer of their own
      }
    }

    private void round() throws IOException {
      long now = System.nanoTime();
      long next = Long.MAX_VALUE;
      boolean fired = false;
      for (int i = active.size() - 1; i >= 0; i--) {
        if (i >= active.size()) {
          continue; // a timeout may end more than its own exchange's entry
        }
        NioExchange x = active.get(i);
        long d = x.deadline();
        if (d - now <= 0) {
          fired = true;
          guard(x, x::timedOut); // may move on to the next address: a new deadline, not counted in `next`
        } else {
          next = Math.min(next, d);
        }
      }
      if (fired) {
        next = now; // look at the deadlines again right after this select
      }
      long handoffCheck = completions.dispatch(now);
      if (handoffCheck - next < 0) {
        next = handoffCheck;
      }
      List<SocketChannel> cancelled = toClose; // the next select deregisters their keys
      toClose = closing;
      closing = cancelled;
      if (active.isEmpty() && cancelled.isEmpty()) {
        idle(next, now);
      } else {
        selecting.set(true);
        if (ops.isEmpty() && cancelled.isEmpty()) {
          long waitMillis = next == Long.MAX_VALUE ? 0 : Math.max(1, (next - now + 999_999) / 1_000_000);
          selector.select(this::ready, waitMillis);
        } else {
          selector.selectNow(this::ready);
        }
        selecting.set(false);
      }
      closeAll(cancelled);
      Op op;
      while ((op = ops.poll()) != null) {
        NioExchange x = op.exchange;
        switch (op.kind) {
          case CANCEL:
            guard(x, () -> x.fail(new CancellationException("publish cancelled")));
            break;
          case WATCH:
            guard(x, () -> x.watch(this));
            break;
          default:
            guard(x, () -> x.connectNext(this));
        }
      }
    }

    private void ready(SelectionKey key) {
      NioExchange x = (NioExchange) key.attachment();
      if (key.isValid()) {
        guard(x, () -> x.ready(key));
      }
    }

    /**
     * Runs one exchange's step; whatever it throws fails that exchange and nothing else. Why:
     * an exception escaping here would end the thread, and with it every call in flight.
     */
    private void guard(NioExchange x, IoStep step) {
      try {
        step.run();
      } catch (IOException e) {
        try {
          x.ioFailed(e);
        } catch (Throwable t) {
          x.fail(unexpected(t));
        }
      } catch (Throwable t) {
        x.fail(unexpected(t));
      }
    }
  }

  @FunctionalInterface
  private interface IoStep {
    void run() throws IOException;
  }

  /** A failure that is gripcast's own fault, typed so that callers can tell it from the network's. */
  static IOException unexpected(Throwable t) {
    return new TransportException("the request failed inside gripcast's I/O (" + t + "); please report it", t);
  }

  private static void closeAll(List<SocketChannel> channels) {
    for (int i = 0; i < channels.size(); i++) {
      try {
        channels.get(i).close();
      } catch (IOException | RuntimeException ignored) {
        // the attempt is over either way
      }
    }
    channels.clear();
  }

  /** Resolves IP literals and localhost at once (neither blocks); null for other names. */
  static InetAddress[] literal(String host) throws UnknownHostException {
    if (host.indexOf(':') >= 0 || host.equalsIgnoreCase("localhost") || isIpv4(host)) {
      return InetAddress.getAllByName(host);
    }
    return null;
  }

  private static boolean isIpv4(String host) {
    int dots = 0;
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (c == '.') {
        dots++;
      } else if (c < '0' || c > '9') {
        return false;
      }
    }
    return dots == 3;
  }

}
