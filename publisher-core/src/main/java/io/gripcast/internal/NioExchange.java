package io.gripcast.internal;

import io.gripcast.internal.Transport.Response;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One attempt of the {@link NioTransport}: resolve (off the selector thread), connect to each
 * address in turn, one gathering write of head and body, read and parse the answer, and the
 * deadlines of each {@link Phase}. After {@link #start()} only its loop's selector thread touches its
 * fields, but for the volatile ones that other threads read.
 */
/**
 * One attempt's connection. After start() only its loop's selector thread touches its fields,
 * but for the volatile ones that other threads read.
 */
final class NioExchange implements Transport.Exchange {
  /** Where an exchange is; the deadline that applies and the messages depend on it. */
  enum Phase { RESOLVE, CONNECT, WRITE, READ, DONE }

  private final NioTransport transport;
  private final PublishUrl url;
  private final ByteBuffer[] out;
  private final long callTimeoutNanos;
  private final CompletableFuture<Response> future = new CompletableFuture<>();
  private final ResponseParser parser = new ResponseParser();
  private final AtomicBoolean started = new AtomicBoolean();
  private volatile boolean cancelled;
  private volatile boolean requestWritten;
  private volatile Phase phase = Phase.RESOLVE;
  private volatile InetAddress[] addresses;
  private volatile IOException resolveFailure;
  private long callDeadline;
  private long phaseDeadline;
  private NioTransport.Loop loop;
  private InetAddress address;
  private int nextAddress;
  private SocketChannel channel;
  private SelectionKey key;
  private boolean finished;

  NioExchange(NioTransport transport, PublishUrl url, byte[] head, Batches.Batch batch, long callTimeoutNanos) {
    this.transport = transport;
    this.url = url;
    this.out = batch.requestParts(head);
    this.callTimeoutNanos = callTimeoutNanos;
  }

  @Override
  public CompletableFuture<Response> start() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("an exchange starts once");
    }
    callDeadline = System.nanoTime() + callTimeoutNanos;
    try {
      InetAddress[] now = NioTransport.literal(url.host());
      if (now != null) {
        addresses = now;
        transport.submit(this, NioTransport.OpKind.CONNECT);
      } else {
        // the loop keeps the call deadline (and a cancel) while the lookup blocks a DNS thread
        transport.submit(this, NioTransport.OpKind.WATCH);
        transport.dns().execute(this::resolveThenConnect);
      }
    } catch (IOException e) {
      future.completeExceptionally(e);
    } catch (RejectedExecutionException e) {
      future.completeExceptionally(new IOException("the publisher is closed", e));
    } catch (RuntimeException e) {
      future.completeExceptionally(NioTransport.unexpected(e));
    }
    return future;
  }

  /** On the DNS pool: looks the host up, then queues the connect (unless the call ended meanwhile). */
  private void resolveThenConnect() {
    if (cancelled || future.isDone()) {
      return;
    }
    try {
      InetAddress[] found = transport.resolver.resolve(url.host());
      if (found == null || found.length == 0) {
        throw new UnknownHostException(url.host() + ": the resolver found no address");
      }
      addresses = found;
      transport.submit(this, NioTransport.OpKind.CONNECT); // a connect after the deadline finds the exchange finished
    } catch (IOException e) {
      failFromElsewhere(e);
    } catch (Throwable t) {
      failFromElsewhere(NioTransport.unexpected(t));
    }
  }

  /** Off the selector thread: the selector thread ends the exchange, so that it ends once and only there. */
  private void failFromElsewhere(IOException e) {
    resolveFailure = e;
    try {
      transport.submit(this, NioTransport.OpKind.CONNECT); // connectNext reports the failure
    } catch (IOException | RuntimeException closed) {
      future.completeExceptionally(e); // no loop will run: complete it here
    }
  }

  /** On the selector thread: the call deadline applies while the host name is looked up. */
  void watch(NioTransport.Loop l) {
    if (finished) {
      return;
    }
    loop = l;
    phaseDeadline = callDeadline;
    if (!l.active.contains(this)) {
      l.active.add(this);
    }
  }

  @Override
  public void cancel() {
    cancelled = true;
    if (started.get()) {
      try {
        transport.submit(this, NioTransport.OpKind.CANCEL);
      } catch (IOException e) {
        // closed: the loop fails everything in flight itself
      } catch (RuntimeException e) {
        future.completeExceptionally(new CancellationException("publish cancelled"));
      }
    }
  }

  @Override
  public boolean requestWritten() {
    return requestWritten;
  }

  @Override
  public String phase() {
    switch (phase) {
      case RESOLVE:
        return "resolving " + url.host();
      case CONNECT:
        return "connecting to " + url.host() + ":" + url.port();
      case WRITE:
        return "sending the request";
      case READ:
        return "waiting for the answer";
      default:
        return "done";
    }
  }

  long deadline() {
    return phaseDeadline - callDeadline < 0 ? phaseDeadline : callDeadline;
  }

  /** On the selector thread: a connect to the next address (OkHttp without fast fallback tries them in turn). */
  void connectNext(NioTransport.Loop l) throws IOException {
    if (finished) {
      return;
    }
    if (cancelled) {
      fail(new CancellationException("publish cancelled"));
      return;
    }
    loop = l;
    closeChannel();
    if (resolveFailure != null) {
      fail(resolveFailure);
      return;
    }
    address = addresses[nextAddress++];
    phase = Phase.CONNECT;
    phaseDeadline = System.nanoTime() + transport.connectTimeoutNanos;
    l.active.add(this);
    try {
      channel = transport.sockets.open(address);
    } catch (UnsupportedOperationException e) {
      // an IPv6 address in a JVM started with -Djava.net.preferIPv4Stack=true
      throw new Ipv6UnavailableException(e);
    }
    channel.configureBlocking(false);
    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
    // On the loopback the kernel completes the handshake inside connect(), so asking at once
    // almost always succeeds: the request goes out now, and the selector never has to wake up
    // for the connect (one select round and one epoll_ctl per request fewer). Elsewhere the
    // early question costs one poll() and the connect is awaited as usual.
    if (channel.connect(new InetSocketAddress(address, url.port())) || channel.finishConnect()) {
      key = channel.register(l.selector, 0, this);
      connected();
    } else {
      key = channel.register(l.selector, SelectionKey.OP_CONNECT, this);
    }
  }

  void ready(SelectionKey k) throws IOException {
    if (k.isConnectable()) {
      if (channel.finishConnect()) {
        connected();
      }
      return;
    }
    if (k.isReadable()) {
      read(); // before a write: an early answer (413, 401) ends the request
    }
    if (!finished && phase == Phase.WRITE && k.isValid() && k.isWritable()) {
      write();
    }
  }

  private void connected() throws IOException {
    phase = Phase.WRITE;
    phaseDeadline = System.nanoTime() + transport.writeTimeoutNanos;
    write();
  }

  private void write() throws IOException {
    if (channel.write(out) > 0) {
      phaseDeadline = System.nanoTime() + transport.writeTimeoutNanos; // like the read timeout: between progress
    }
    if (out[out.length - 1].hasRemaining()) {
      // reading too: a proxy may answer (and close) before it has read the whole body
      key.interestOps(SelectionKey.OP_WRITE | SelectionKey.OP_READ);
    } else {
      requestWritten = true;
      phase = Phase.READ;
      phaseDeadline = System.nanoTime() + transport.readTimeoutNanos;
      key.interestOps(SelectionKey.OP_READ);
    }
  }

  private void read() throws IOException {
    ByteBuffer buf = loop.readBuffer;
    while (true) {
      buf.clear();
      int n = channel.read(buf);
      if (n == 0) {
        return;
      }
      if (n < 0) {
        parser.endOfStream();
        succeed();
        return;
      }
      if (phase == Phase.READ) {
        phaseDeadline = System.nanoTime() + transport.readTimeoutNanos;
      }
      buf.flip();
      if (parser.feed(buf)) {
        succeed();
        return;
      }
      if (phase == Phase.WRITE && parser.hasHead()) {
        // answered before the body was all sent: stop sending, read the rest of the answer
        phase = Phase.READ;
        phaseDeadline = System.nanoTime() + transport.readTimeoutNanos;
        key.interestOps(SelectionKey.OP_READ);
      }
    }
  }

  /**
   * A socket operation failed. While connecting: the next address. While sending: an answer that
   * arrived before the failure (a proxy that refused the body and closed) still counts. Once a
   * status is read, it stands. Otherwise the attempt fails; whether the request went out whole
   * ({@link #requestWritten()}) tells the caller whether the proxy may have taken it.
   */
  void ioFailed(IOException e) throws IOException {
    if (finished) {
      return;
    }
    if (phase == Phase.CONNECT) {
      // the same wording as OkHttp's, so messages read alike whichever transport sent the request
      IOException ce = e instanceof Ipv6UnavailableException
          ? e // already says what is wrong
          : (ConnectException) new ConnectException("Failed to connect to " + address + ":" + url.port() + ": " + e.getMessage()).initCause(e);
      if (nextAddress < addresses.length && System.nanoTime() - callDeadline < 0) {
        connectNext(loop);
        return;
      }
      fail(ce);
      return;
    }
    if (phase == Phase.WRITE && !parser.hasHead()) {
      readWhatArrived();
    }
    if (parser.hasHead()) {
      succeed(); // the status arrived, so the proxy did answer; a broken body still leaves the status
      return;
    }
    fail(e);
  }

  /** After a failed write: whatever the proxy sent before it closed may still be in the receive buffer. */
  private void readWhatArrived() {
    ByteBuffer buf = loop.readBuffer;
    try {
      for (int i = 0; i < 64 && !parser.done(); i++) {
        buf.clear();
        int n = channel.read(buf);
        if (n <= 0) {
          if (n < 0 && parser.hasHead()) {
            parser.endOfStream();
          }
          return;
        }
        buf.flip();
        parser.feed(buf);
      }
    } catch (IOException | RuntimeException ignored) {
      // nothing (more) to read: the write's failure stands unless a status arrived
    }
  }

  void timedOut() throws IOException {
    if (phase == Phase.RESOLVE) {
      fail(new SocketTimeoutException("resolving " + url.host() + " took over the call timeout of "
          + callTimeoutNanos / 1_000_000 + " ms"));
      return;
    }
    boolean call = callDeadline - phaseDeadline <= 0;
    if (!call && phase == Phase.CONNECT && nextAddress < addresses.length) {
      connectNext(loop);
      return;
    }
    if (parser.hasHead()) {
      succeed();
      return;
    }
    long ms = (call ? callTimeoutNanos : phase == Phase.CONNECT ? transport.connectTimeoutNanos
        : phase == Phase.WRITE ? transport.writeTimeoutNanos : transport.readTimeoutNanos) / 1_000_000;
    String what = phase == Phase.CONNECT ? "connect" : phase == Phase.WRITE ? "write" : "read";
    fail(new SocketTimeoutException(call
        ? "the attempt took over the call timeout of " + ms + " ms"
        : what + " timed out after " + ms + " ms (" + url.host() + ":" + url.port() + ")"));
  }

  private void succeed() {
    if (finished) {
      return;
    }
    Response r = parser.response();
    end();
    complete(() -> future.complete(r));
  }

  /** Ends the attempt with {@code t}. Safe on the selector thread only, or on a loop that is ending. */
  void fail(Throwable t) {
    if (finished) {
      return;
    }
    end();
    complete(() -> future.completeExceptionally(t));
  }

  private void end() {
    finished = true;
    phase = Phase.DONE;
    closeChannel(); // also takes it off the active list
  }

  private void closeChannel() {
    if (channel != null) {
      if (key != null) {
        key.cancel();
        loop.toClose.add(channel); // closed after the next select, once the key is deregistered
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
    if (loop != null) {
      loop.active.remove(this);
    }
  }

  /** Hands the completion to the callback executor (see {@link Handoff}): what depends on it may block or be slow. */
  private void complete(Runnable r) {
    if (loop != null) {
      loop.completions.offer(r);
    } else {
      // never reached a loop (cancelled while resolving, or failed as a queued op of a dying loop
      // that has no loop field yet): complete off the selector thread all the same
      Threads.executeOrRun(transport.callbacks, r);
    }
  }
}
