package io.gripcast.internal;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.HttpUrl;

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
 * {@code callbacks} executor (the publisher's cached daemon pool), a select round's worth at a
 * time through a {@link Handoff}, because what depends on those futures is the retry, the next
 * batch, the listener and the caller's own stages, any of which may block. Host names that are
 * not IP literals (or {@code localhost}) are resolved on that executor too, never on the selector
 * thread.
 *
 * <p>Each request is {@code Connection: close} with a fixed Content-Length; responses are read to
 * their end (Content-Length, chunked or end of connection) but only the first 512 body bytes are
 * kept, and the connection is closed once the response is complete (right after the next select,
 * which deregisters it).
 */
public final class NioTransport implements Transport {

  private final long connectTimeoutNanos;
  private final long readTimeoutNanos;
  private final long writeTimeoutNanos;
  private final long callTimeoutNanos;
  private final Executor callbacks;
  private final String userAgent;

  private final Handoff completions;
  private volatile HeadTemplate headTemplate; // the last endpoint's request head, but for Content-Length

  private final Queue<Runnable> ops = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean selecting = new AtomicBoolean();
  private volatile boolean closed;
  private Selector selector; // guarded by this until started, then read by the selector thread
  private Thread thread;

  // the selector thread's own state
  private final List<Exchange> active = new ArrayList<>();
  private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(16 * 1024);
  // Channels whose keys were cancelled, closed once the next select has deregistered them: closing a
  // still-registered channel makes the JDK look up SO_LINGER and shut the output down first, two
  // extra system calls on every request, and then close it in the selector anyway.
  private List<SocketChannel> toClose = new ArrayList<>();
  private List<SocketChannel> closing = new ArrayList<>();

  public NioTransport(Duration connectTimeout, Duration readTimeout, Duration writeTimeout, Duration callTimeout,
      Executor callbacks) {
    this.connectTimeoutNanos = connectTimeout.toNanos();
    this.readTimeoutNanos = readTimeout.toNanos();
    this.writeTimeoutNanos = writeTimeout.toNanos();
    this.callTimeoutNanos = callTimeout.toNanos();
    this.callbacks = callbacks;
    this.completions = new Handoff(callbacks);
    String v = NioTransport.class.getPackage() == null ? null : NioTransport.class.getPackage().getImplementationVersion();
    this.userAgent = "gripcast/" + (v == null ? "dev" : v);
  }

  /** True for the endpoints this transport serves: plain http. */
  public static boolean supports(HttpUrl url) {
    return !url.isHttps();
  }

  @Override
  public Transport.Exchange newExchange(HttpUrl url, String authorization, Batches.Batch batch) {
    if (url.isHttps()) {
      throw new IllegalArgumentException("NioTransport is for http:// endpoints only");
    }
    return new Exchange(url, head(url, authorization, batch.bodyBytes()), batch);
  }

  byte[] head(HttpUrl url, String authorization, int contentLength) {
    HeadTemplate t = headTemplate;
    if (t == null || !t.url.equals(url) || !java.util.Objects.equals(t.authorization, authorization)) {
      t = new HeadTemplate(url, authorization, userAgent);
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
    final HttpUrl url;
    final String authorization;
    final byte[] before;
    final byte[] after;

    HeadTemplate(HttpUrl url, String authorization, String userAgent) {
      this.url = url;
      this.authorization = authorization;
      String host = url.host().indexOf(':') >= 0 ? "[" + url.host() + "]" : url.host();
      String query = url.encodedQuery();
      String b = "POST " + url.encodedPath() + (query == null ? "" : "?" + query) + " HTTP/1.1\r\n"
          + "Host: " + host + ':' + url.port() + "\r\n"
          + "User-Agent: " + userAgent + "\r\n"
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
   * Fails what is in flight with an IOException and stops the selector thread; waits briefly for it
   * so that completions are handed to the callback executor before the publisher shuts that down.
   */
  @Override
  public void shutdown() {
    Thread t;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      t = thread;
      if (selector != null) {
        selector.wakeup();
      }
    }
    if (t != null && t != Thread.currentThread()) {
      try {
        t.join(1_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Runs {@code op} on the selector thread, starting it if needed. */
  private void submit(Runnable op) throws IOException {
    Selector s;
    synchronized (this) {
      if (closed) {
        throw new IOException("the publisher is closed");
      }
      if (thread == null) {
        selector = Selector.open();
        thread = new Thread(this::loop, "gripcast-nio");
        thread.setDaemon(true);
        thread.start();
      }
      s = selector;
    }
    ops.add(op);
    // The selector thread sets `selecting` before it checks the queue, and we add before we read
    // it: either it sees the op, or we see it selecting and wake it. A busy selector costs no wakeup.
    if (selecting.get()) {
      s.wakeup();
    }
  }

  private void loop() {
    Throwable broke = null;
    try {
      while (!closed) {
        long now = System.nanoTime();
        long next = Long.MAX_VALUE;
        boolean fired = false;
        for (int i = active.size() - 1; i >= 0; i--) {
          Exchange x = active.get(i);
          long d = x.deadline();
          if (d - now <= 0) {
            fired = true;
            x.timedOut(); // may move on to the next address: a new deadline, not counted in `next`
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
        selecting.set(true);
        if (ops.isEmpty() && cancelled.isEmpty()) {
          long waitMillis = next == Long.MAX_VALUE ? 0 : Math.max(1, (next - now + 999_999) / 1_000_000);
          selector.select(this::ready, waitMillis);
        } else {
          selector.selectNow(this::ready);
        }
        selecting.set(false);
        closeAll(cancelled);
        Runnable op;
        while ((op = ops.poll()) != null) {
          op.run();
        }
      }
    } catch (Throwable t) {
      broke = t;
    } finally {
      synchronized (this) {
        closed = true; // from now on, starts fail at once and no op reaches an open selector
      }
      IOException why = new IOException(broke == null ? "the publisher is closed" : "the publisher's I/O thread failed: " + broke);
      Runnable op;
      while ((op = ops.poll()) != null) {
        op.run(); // starts fail at once now that closed or broken; cancels end their exchange
      }
      for (Exchange x : new ArrayList<>(active)) {
        x.fail(why);
      }
      try {
        selector.close();
      } catch (IOException ignored) {
        // nothing left to release
      }
      closeAll(closing);
      closeAll(toClose);
      completions.dispatchNow(); // no stall checks from here on: give the last completions a drainer of their own
    }
  }

  private static void closeAll(List<SocketChannel> channels) {
    for (int i = 0; i < channels.size(); i++) {
      try {
        channels.get(i).close();
      } catch (IOException ignored) {
        // the attempt is over either way
      }
    }
    channels.clear();
  }

  private void ready(SelectionKey key) {
    Exchange x = (Exchange) key.attachment();
    if (!key.isValid()) {
      return;
    }
    try {
      if (key.isConnectable()) {
        x.finishConnect();
      } else if (key.isWritable()) {
        x.write();
      } else if (key.isReadable()) {
        x.read();
      }
    } catch (IOException e) {
      x.connectFailedOr(e);
    } catch (RuntimeException e) {
      x.fail(new IOException("the request failed: " + e, e)); // one broken exchange must not stop the thread
    }
  }

  /** Resolves IP literals and localhost at once (neither blocks); null for other names. */
  private static InetAddress[] literal(String host) throws UnknownHostException {
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

  /** One attempt's connection; after start() only the selector thread touches its fields (but cancelled). */
  private final class Exchange implements Transport.Exchange {
    private final HttpUrl url;
    private final ByteBuffer[] out;
    private final CompletableFuture<Response> future = new CompletableFuture<>();
    private final ResponseParser parser = new ResponseParser();
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean cancelled;
    private long callDeadline;
    private long phaseDeadline;
    private String phase;
    private InetAddress[] addresses;
    private InetAddress address;
    private int nextAddress;
    private SocketChannel channel;
    private SelectionKey key;
    private boolean finished;
    private boolean connected;

    Exchange(HttpUrl url, byte[] head, Batches.Batch batch) {
      this.url = url;
      this.out = batch.requestParts(head);
    }

    @Override
    public CompletableFuture<Response> start() {
      if (!started.compareAndSet(false, true)) {
        throw new IllegalStateException("an exchange starts once");
      }
      callDeadline = System.nanoTime() + callTimeoutNanos;
      try {
        InetAddress[] now = literal(url.host());
        if (now != null) {
          addresses = now;
          submit(this::connectNext);
        } else {
          callbacks.execute(this::resolveThenConnect);
        }
      } catch (IOException | RejectedExecutionException e) {
        future.completeExceptionally(e instanceof IOException ? e : new IOException("the publisher is closed", e));
      }
      return future;
    }

    private void resolveThenConnect() {
      try {
        addresses = InetAddress.getAllByName(url.host());
        submit(this::connectNext);
      } catch (IOException e) {
        future.completeExceptionally(e);
      }
    }

    @Override
    public void cancel() {
      cancelled = true;
      if (started.get()) {
        try {
          submit(() -> fail(new CancellationException("publish cancelled")));
        } catch (IOException e) {
          // closed: the selector thread fails everything in flight itself
        }
      }
    }

    long deadline() {
      return phaseDeadline - callDeadline < 0 ? phaseDeadline : callDeadline;
    }

    /** On the selector thread: a connect to the next address (OkHttp without fast fallback tries them in turn). */
    private void connectNext() {
      if (finished) {
        return;
      }
      if (cancelled) {
        fail(new CancellationException("publish cancelled"));
        return;
      }
      if (closed) {
        fail(new IOException("the publisher is closed"));
        return;
      }
      closeChannel();
      address = addresses[nextAddress++];
      try {
        // the address's own family: a default (dual-stack IPv6) socket costs an extra system call
        // and the IPv4-mapped path in the kernel for every IPv4 connection
        channel = SocketChannel.open(address instanceof java.net.Inet6Address
            ? java.net.StandardProtocolFamily.INET6 : java.net.StandardProtocolFamily.INET);
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        active.add(this);
        phase = "connect";
        phaseDeadline = System.nanoTime() + connectTimeoutNanos;
        // On the loopback the kernel completes the handshake inside connect(), so asking at once
        // almost always succeeds: the request goes out now, and the selector never has to wake up
        // for the connect (one select round and one epoll_ctl per request fewer). Elsewhere the
        // early question costs one poll() and the connect is awaited as usual.
        if (channel.connect(new InetSocketAddress(address, url.port())) || channel.finishConnect()) {
          key = channel.register(selector, 0, this);
          connected();
        } else {
          key = channel.register(selector, SelectionKey.OP_CONNECT, this);
        }
      } catch (IOException e) {
        connectFailedOr(e);
      }
    }

    void finishConnect() throws IOException {
      if (channel.finishConnect()) {
        connected();
      }
    }

    private void connected() throws IOException {
      connected = true;
      phase = "write";
      phaseDeadline = System.nanoTime() + writeTimeoutNanos;
      write();
    }

    void write() throws IOException {
      if (channel.write(out) > 0) {
        phaseDeadline = System.nanoTime() + writeTimeoutNanos; // like the read timeout: between progress
      }
      if (out[out.length - 1].hasRemaining()) {
        key.interestOps(SelectionKey.OP_WRITE);
      } else {
        phase = "read";
        phaseDeadline = System.nanoTime() + readTimeoutNanos;
        key.interestOps(SelectionKey.OP_READ);
      }
    }

    void read() throws IOException {
      while (true) {
        readBuffer.clear();
        int n = channel.read(readBuffer);
        if (n == 0) {
          return;
        }
        if (n < 0) {
          parser.endOfStream();
          succeed();
          return;
        }
        phaseDeadline = System.nanoTime() + readTimeoutNanos;
        readBuffer.flip();
        if (parser.feed(readBuffer)) {
          succeed();
          return;
        }
      }
    }

    /** A failure while connecting moves on to the next address; later failures end the attempt. */
    void connectFailedOr(IOException e) {
      if (!connected && !(e instanceof java.net.ProtocolException)) {
        // the same wording as OkHttp's, so messages read alike whichever transport sent the request
        IOException ce = (ConnectException) new ConnectException(
            "Failed to connect to " + address + ":" + url.port() + ": " + e.getMessage()).initCause(e);
        if (nextAddress < addresses.length && System.nanoTime() - callDeadline < 0) {
          connectNext();
          return;
        }
        fail(ce);
        return;
      }
      if (parser.hasHead() && !(e instanceof java.net.ProtocolException)) {
        succeed(); // the status arrived, so the proxy did answer; a broken body still leaves the status
        return;
      }
      fail(e);
    }

    void timedOut() {
      boolean call = callDeadline - phaseDeadline <= 0;
      if (!call && phase.equals("connect") && nextAddress < addresses.length) {
        connectNext();
        return;
      }
      if (parser.hasHead()) {
        succeed();
        return;
      }
      long ms = (call ? callTimeoutNanos : phase.equals("connect") ? connectTimeoutNanos
          : phase.equals("write") ? writeTimeoutNanos : readTimeoutNanos) / 1_000_000;
      fail(new SocketTimeoutException(call
          ? "the attempt took over the call timeout of " + ms + " ms"
          : phase + " timed out after " + ms + " ms (" + url.host() + ":" + url.port() + ")"));
    }

    private void succeed() {
      if (finished) {
        return;
      }
      Response r = parser.response();
      end();
      complete(() -> future.complete(r));
    }

    void fail(Throwable t) {
      if (finished) {
        return;
      }
      end();
      complete(() -> future.completeExceptionally(t));
    }

    private void end() {
      finished = true;
      closeChannel(); // also takes it off the active list
    }

    private void closeChannel() {
      if (channel != null) {
        if (key != null) {
          key.cancel();
          toClose.add(channel); // closed after the next select, once the key is deregistered
        } else {
          try {
            channel.close();
          } catch (IOException ignored) {
            // the attempt is over either way
          }
        }
        channel = null;
      }
      key = null;
      active.remove(this);
    }

    /** Hands the completion to the callback executor (see {@link Handoff}): what depends on it may block or be slow. */
    private void complete(Runnable r) {
      completions.offer(r);
    }
  }
}
