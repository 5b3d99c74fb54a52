package io.gripcast.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * An HTTP server that misbehaves on purpose, to show that an HTTP client never hangs and reports
 * each failure for what it is. It listens on a free port of {@code 127.0.0.1}, serves one request
 * per connection ({@code Connection: close}), and picks how to misbehave on each connection from
 * the first segment of the request's path, so one server offers every {@link Fault} at once:
 *
 * <pre>{@code
 * try (HostileServer server = HostileServer.start();
 *      Publisher publisher = Publisher.builder()
 *          .endpoint(server.url(HostileServer.Fault.NEVER_ANSWERS)) // http://127.0.0.1:PORT/never-answers
 *          .readTimeout(Duration.ofMillis(500))
 *          .build()) {
 *   // a GRIP publisher POSTs to <endpoint>/publish/, i.e. /never-answers/publish/
 *   PublishException e = assertThrows(PublishException.class, () -> publisher.publish("c", item));
 *   assertEquals(2, server.connections(HostileServer.Fault.NEVER_ANSWERS)); // first attempt and one retry
 *
 *   server.healthy(true); // from now on every connection is answered 200, whatever the path
 *   publisher.publish("c", item);
 * }
 * }</pre>
 *
 * <p>A path without a fault segment (the server's {@link #baseUrl()}, so {@code /publish/}) is
 * always answered {@link Fault#NORMAL_200}; an unknown segment gets a 404 naming the faults.
 * Requests are expected to carry a {@code Content-Length} (a body without one counts as empty).
 *
 * <p>Bounds: one handler thread per connection (daemon threads named {@code hostile-server-PORT-N}),
 * at most {@link Builder#maxConnections(int)} at once (128 by default); a connection beyond that is
 * reset at once and counted by {@link #rejectedConnections()}. A handler never blocks longer than
 * {@link Builder#holdTimeout(Duration)} on one read, and faults that hold a connection
 * ({@link Fault#NEVER_ANSWERS}, {@link Fault#STALLS_READING_BODY}) give up on their own.
 * {@link #close()} stops accepting, closes every open connection and waits (a bounded time) for
 * its threads. All sockets are on the loopback interface.
 *
 * <p>The server's receive buffer is small ({@link Builder#receiveBufferBytes(int)}, 8 KiB by
 * default), so that a client whose body the server does not read really does stall. Even so the
 * client's kernel takes several megabytes before its writes block (Linux grows a loopback send
 * buffer to a few MB): for {@link Fault#STALLS_READING_BODY}, {@link Fault#RESET_MID_REQUEST} and
 * {@link Fault#EARLY_413} to catch the client while it is still sending, send bodies of 6 MB or
 * more. With a small body the whole request is in the kernel's buffers before the server acts, and
 * the client sees the fault after its request went out.
 *
 * <p>Thread-safe. Not a general-purpose HTTP server: it reads one request per connection, and
 * answers only what its faults say.
 */
public final class HostileServer implements AutoCloseable {

  /** How the server treats a connection; selected by the first path segment, see {@link #pathSegment()}. */
  public enum Fault {
    /** Reads the request and answers {@code 200 Published} with a Content-Length. */
    NORMAL_200,
    /** Reads the request and answers 200 with a chunked body. */
    CHUNKED_200,
    /** Reads the request and answers 200 one byte at a time, with a short pause after each byte. */
    ONE_BYTE_AT_A_TIME,
    /** Reads the whole request, then closes the connection (FIN) without a byte of answer. */
    CLOSE_BEFORE_ANSWER,
    /**
     * Reads the head and part of the body ({@link Builder#partialBodyBytes(int)}), then resets the
     * connection (RST, through {@code SO_LINGER} 0).
     */
    RESET_MID_REQUEST,
    /** Reads the whole request, then resets the connection without an answer. */
    RESET_AFTER_REQUEST,
    /** Reads the request, sends {@code HTTP/1.1 20} and closes. */
    PARTIAL_STATUS_LINE,
    /** Reads the request, sends a line of random bytes that is not a status line, and closes. */
    GARBAGE,
    /** Reads the request and answers {@code HTTP/1.0 200 OK} with no Content-Length: the body ends when the connection does. */
    HTTP10_CLOSE_DELIMITED,
    /** Reads the request and answers 200 with a header folded onto a second line (obsolete line folding). */
    OBS_FOLD_HEADER,
    /** Reads the request and answers 200 with one header of {@link Builder#hugeHeaderBytes(int)} (100 KiB by default). */
    HUGE_HEADER,
    /**
     * Reads the request and then says nothing: the connection stays open until the client closes
     * it, {@link Builder#holdTimeout(Duration)} passes or the server closes.
     */
    NEVER_ANSWERS,
    /**
     * Reads the request head only and never the body, so a client with a large body blocks on its
     * writes; after {@link Builder#stallTime(Duration)} the connection is reset.
     */
    STALLS_READING_BODY,
    /** Reads the head, sends {@code HTTP/1.1 100 Continue}, reads the body, then answers 200. */
    CONTINUE_THEN_200,
    /** Reads the request and answers 503 with {@code Retry-After} ({@link Builder#retryAfterSeconds(int)}, 1 by default). */
    RETRY_AFTER_503,
    /** Reads the request and answers 429 Too Many Requests, without Retry-After. */
    TOO_MANY_429,
    /** Reads the request and answers 500 Internal Server Error. */
    STATUS_500,
    /**
     * Reads the head only, answers {@code 413 Payload Too Large} with a Content-Length and closes
     * without reading the body: a client with a large body is still sending (and its next writes
     * fail) when the answer arrives.
     */
    EARLY_413,
    /** Reads the request and answers 401 Unauthorized. */
    STATUS_401,
    /** Reads the request and answers 200 with two different Content-Length headers. */
    CONFLICTING_CONTENT_LENGTH,
    /** Reads the request and answers 200 with {@code Content-Length: 100}, sends 10 bytes of body and closes. */
    SHORT_BODY;

    /** The path segment that selects this fault: its name in lower case with dashes, e.g. {@code never-answers}. */
    public String pathSegment() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * The fault a path segment names ({@link #pathSegment()}, or the constant's name in any case).
     *
     * @return empty when no fault has that name
     */
    public static Optional<Fault> fromPathSegment(String segment) {
      String key = segment.toUpperCase(Locale.ROOT).replace('-', '_');
      for (Fault f : values()) {
        if (f.name().equals(key)) {
          return Optional.of(f);
        }
      }
      return Optional.empty();
    }
  }

  private static final byte[] PUBLISHED = "Published\n".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_REQUEST_HEAD = 64 * 1024;

  private final ServerSocket server;
  private final int maxConnections;
  private final int holdMillis;
  private final long stallMillis;
  private final long dribbleNanos;
  private final int hugeHeaderBytes;
  private final int partialBodyBytes;
  private final int retryAfterSeconds;
  private final Duration closeWait;
  private final Semaphore slots;
  private final Thread acceptor;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Set<Thread> handlers = ConcurrentHashMap.newKeySet();
  private final AtomicIntegerArray connections = new AtomicIntegerArray(Fault.values().length);
  private final AtomicInteger rejected = new AtomicInteger();
  private final AtomicInteger unknownPaths = new AtomicInteger();
  private final AtomicInteger threadNumber = new AtomicInteger();
  private final CountDownLatch closing = new CountDownLatch(1);
  private volatile boolean healthy;

  private HostileServer(Builder b) throws IOException {
    this.maxConnections = b.maxConnections;
    this.holdMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, b.holdTimeout.toMillis()));
    this.stallMillis = b.stallTime.toMillis();
    this.dribbleNanos = b.dribbleDelay.toNanos();
    this.hugeHeaderBytes = b.hugeHeaderBytes;
    this.partialBodyBytes = b.partialBodyBytes;
    this.retryAfterSeconds = b.retryAfterSeconds;
    this.closeWait = b.closeWait;
    this.slots = new Semaphore(maxConnections);
    ServerSocket s = new ServerSocket();
    try {
      s.setReuseAddress(true);
      // before bind: accepted sockets inherit it, and the window they advertise follows from it
      s.setReceiveBufferSize(b.receiveBufferBytes);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
    this.server = s;
    this.acceptor = new Thread(this::acceptLoop, "hostile-server-" + s.getLocalPort() + "-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Starts a server with the default settings. */
  public static HostileServer start() throws IOException {
    return builder().start();
  }

  /** A builder for a server with other settings. */
  public static Builder builder() {
    return new Builder();
  }

  /** The port the server listens on, on {@code 127.0.0.1}. */
  public int port() {
    return server.getLocalPort();
  }

  /** {@code http://127.0.0.1:PORT}: an endpoint whose requests are answered {@link Fault#NORMAL_200}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  /** {@code http://127.0.0.1:PORT/<fault>}: an endpoint whose every request meets {@code fault}. */
  public String url(Fault fault) {
    return baseUrl() + "/" + fault.pathSegment();
  }

  /**
   * Turns every fault off (true) or back on (false). While healthy, every new connection is
   * answered {@link Fault#NORMAL_200} whatever its path (and counted as one); connections already
   * being served keep their fault.
   */
  public void healthy(boolean on) {
    healthy = on;
  }

  /** Whether {@link #healthy(boolean)} turned the faults off. */
  public boolean isHealthy() {
    return healthy;
  }

  /**
   * The connections served with {@code fault} so far: those whose request line selected it (or,
   * for {@link Fault#NORMAL_200}, that were served while {@link #healthy(boolean) healthy} or had
   * no fault segment). A client's retry is a new connection, so this counts attempts.
   */
  public int connections(Fault fault) {
    return connections.get(fault.ordinal());
  }

  /** {@link #connections(Fault)} for every fault, in declaration order. */
  public Map<Fault, Integer> connectionCounts() {
    Map<Fault, Integer> m = new EnumMap<>(Fault.class);
    for (Fault f : Fault.values()) {
      m.put(f, connections(f));
    }
    return Collections.unmodifiableMap(m);
  }

  /** Connections reset on arrival because {@link Builder#maxConnections(int)} were already open. */
  public int rejectedConnections() {
    return rejected.get();
  }

  /** Requests whose first path segment named no fault (answered 404). */
  public int unknownPaths() {
    return unknownPaths.get();
  }

  /** Connections open right now. */
  public int openConnections() {
    return open.size();
  }

  /** Sets every count back to zero. */
  public void resetCounts() {
    for (int i = 0; i < connections.length(); i++) {
      connections.set(i, 0);
    }
    rejected.set(0);
    unknownPaths.set(0);
  }

  /**
   * Stops accepting, closes every open connection, and waits up to the builder's
   * {@link Builder#closeWait(Duration)} (2 s by default) for the server's threads to end. Idempotent.
   */
  @Override
  public void close() {
    closing.countDown();
    closeQuietly(server);
    for (Socket s : open) {
      closeQuietly(s);
    }
    long deadline = System.nanoTime() + closeWait.toNanos();
    List<Thread> threads = new ArrayList<>(handlers);
    threads.add(acceptor);
    for (Thread t : threads) {
      t.interrupt();
    }
    for (Thread t : threads) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      try {
        t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public String toString() {
    return "HostileServer[" + baseUrl() + ", open " + open.size() + (healthy ? ", healthy" : "") + "]";
  }

  // ------------------------------------------------------------------ connections

  private boolean closed() {
    return closing.getCount() == 0;
  }

  private void acceptLoop() {
    while (!closed()) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        if (closed()) {
          return;
        }
        continue; // a connection that failed while being accepted; the server goes on
      }
      if (!slots.tryAcquire()) {
        rejected.incrementAndGet();
        reset(s);
        continue;
      }
      open.add(s);
      Thread t = new Thread(() -> {
        try {
          serve(s);
        } catch (IOException | RuntimeException e) {
          // the client went away, or the server is closing: this connection is over either way
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          closeQuietly(s);
          open.remove(s);
          handlers.remove(Thread.currentThread());
          slots.release();
        }
      }, "hostile-server-" + port() + "-" + threadNumber.incrementAndGet());
      t.setDaemon(true);
      handlers.add(t);
      try {
        t.start();
      } catch (Throwable e) { // no thread to be had: refuse this connection, keep accepting
        handlers.remove(t);
        open.remove(s);
        slots.release();
        rejected.incrementAndGet();
        reset(s);
      }
      if (closed()) {
        closeQuietly(s); // close() may have run between accept and open.add
      }
    }
  }

  private void serve(Socket s) throws IOException, InterruptedException {
    s.setSoTimeout(holdMillis);
    s.setTcpNoDelay(true);
    Request req = new Request(s.getInputStream());
    String target = req.readHead();
    if (target == null) {
      return; // closed (or over-long head) before a whole request head
    }
    Fault fault;
    if (healthy) {
      fault = Fault.NORMAL_200;
    } else {
      String segment = firstSegment(target);
      Optional<Fault> f = segment.isEmpty() || segment.equals("publish")
          ? Optional.of(Fault.NORMAL_200) : Fault.fromPathSegment(segment);
      if (f.isEmpty()) {
        unknownPaths.incrementAndGet();
        req.skipBody();
        respond(s, 404, "Not Found", "", ("no fault named \"" + segment + "\"; use one of "
            + Arrays.toString(Fault.values()).toLowerCase(Locale.ROOT).replace('_', '-') + "\n")
            .getBytes(StandardCharsets.UTF_8));
        return;
      }
      fault = f.get();
    }
    connections.incrementAndGet(fault.ordinal());
    OutputStream out = s.getOutputStream();
    switch (fault) {
      case NORMAL_200 -> {
        req.skipBody();
        respond(s, 200, "OK", "", PUBLISHED);
      }
      case CHUNKED_200 -> {
        req.skipBody();
        write(s, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
            + "5\r\nPubli\r\n5;ext=1\r\nshed\n\r\n0\r\n\r\n");
      }
      case ONE_BYTE_AT_A_TIME -> {
        req.skipBody();
        byte[] all = response(200, "OK", "", PUBLISHED);
        for (byte b : all) {
          out.write(b);
          out.flush();
          if (dribbleNanos > 0 && closing.await(dribbleNanos, TimeUnit.NANOSECONDS)) {
            return;
          }
        }
      }
      case CLOSE_BEFORE_ANSWER -> req.skipBody();
      case RESET_MID_REQUEST -> {
        req.skip(Math.min(partialBodyBytes, req.contentLength / 2));
        reset(s);
      }
      case RESET_AFTER_REQUEST -> {
        req.skipBody();
        reset(s);
      }
      case PARTIAL_STATUS_LINE -> {
        req.skipBody();
        write(s, "HTTP/1.1 20");
      }
      case GARBAGE -> {
        req.skipBody();
        byte[] junk = new byte[256];
        ThreadLocalRandom.current().nextBytes(junk);
        junk[0] = 0x15; // what a TLS server sends a plain-HTTP client: an alert record, never "HTTP/"
        junk[254] = '\r';
        junk[255] = '\n';
        out.write(junk);
        out.flush();
      }
      case HTTP10_CLOSE_DELIMITED -> {
        req.skipBody();
        write(s, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nPublished\n");
      }
      case OBS_FOLD_HEADER -> {
        req.skipBody();
        respond(s, 200, "OK", "X-Folded: first part,\r\n\tsecond part\r\n", PUBLISHED);
      }
      case HUGE_HEADER -> {
        req.skipBody();
        StringBuilder h = new StringBuilder(hugeHeaderBytes + 16).append("X-Huge: ");
        for (int i = 0; i < hugeHeaderBytes; i++) {
          h.append((char) ('a' + i % 26));
        }
        respond(s, 200, "OK", h.append("\r\n").toString(), PUBLISHED);
      }
      case NEVER_ANSWERS -> {
        req.skipBody();
        req.awaitEndOfStream(); // until the client closes, the hold timeout or close()
      }
      case STALLS_READING_BODY -> {
        closing.await(stallMillis, TimeUnit.MILLISECONDS);
        reset(s); // unread body in the buffer: a plain close would reset too, this says so
      }
      case CONTINUE_THEN_200 -> {
        write(s, "HTTP/1.1 100 Continue\r\n\r\n");
        req.skipBody();
        respond(s, 200, "OK", "", PUBLISHED);
      }
      case RETRY_AFTER_503 -> {
        req.skipBody();
        respond(s, 503, "Service Unavailable", "Retry-After: " + retryAfterSeconds + "\r\n",
            "busy, try again later\n".getBytes(StandardCharsets.US_ASCII));
      }
      case TOO_MANY_429 -> {
        req.skipBody();
        respond(s, 429, "Too Many Requests", "", "too many requests\n".getBytes(StandardCharsets.US_ASCII));
      }
      case STATUS_500 -> {
        req.skipBody();
        respond(s, 500, "Internal Server Error", "", "internal error\n".getBytes(StandardCharsets.US_ASCII));
      }
      case EARLY_413 -> respond(s, 413, "Payload Too Large", "",
          "request body too large\n".getBytes(StandardCharsets.US_ASCII)); // then closed, body unread
      case STATUS_401 -> {
        req.skipBody();
        respond(s, 401, "Unauthorized", "", "invalid signature\n".getBytes(StandardCharsets.US_ASCII));
      }
      case CONFLICTING_CONTENT_LENGTH -> {
        req.skipBody();
        write(s, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 10\r\nContent-Length: 5\r\n"
            + "Connection: close\r\n\r\nPublished\n");
      }
      case SHORT_BODY -> {
        req.skipBody();
        write(s, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\nConnection: close\r\n\r\n"
            + "Published\n");
      }
      default -> throw new IllegalStateException(fault.name());
    }
  }

  private static String firstSegment(String target) {
    int start = target.startsWith("/") ? 1 : 0;
    int end = start;
    while (end < target.length() && target.charAt(end) != '/' && target.charAt(end) != '?') {
      end++;
    }
    return target.substring(start, end);
  }

  private static byte[] response(int status, String reason, String extraHeaders, byte[] body) {
    String head = "HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: text/plain\r\n" + extraHeaders
        + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
    byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = new byte[h.length + body.length];
    System.arraycopy(h, 0, all, 0, h.length);
    System.arraycopy(body, 0, all, h.length, body.length);
    return all;
  }

  private static void respond(Socket s, int status, String reason, String extraHeaders, byte[] body) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(response(status, reason, extraHeaders, body));
    out.flush();
  }

  private static void write(Socket s, String text) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** Closes with RST instead of FIN. */
  private static void reset(Socket s) {
    try {
      s.setSoLinger(true, 0);
    } catch (SocketException ignored) {
      // already closed
    }
    closeQuietly(s);
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // closing anyway
    }
  }

  /** The one request of a connection: its head, then (as a fault needs) its body. */
  private static final class Request {
    private final InputStream in;
    private final byte[] buf = new byte[8 * 1024];
    private int pos;
    private int limit;
    long contentLength;

    Request(InputStream in) {
      this.in = in;
    }

    /** Reads the head; the request target, or null when the connection ended first or the head is too long. */
    String readHead() throws IOException {
      StringBuilder head = new StringBuilder(512);
      int matched = 0; // of \r\n\r\n (a bare \n\n is accepted too)
      while (true) {
        if (pos == limit && !fill()) {
          return null;
        }
        char c = (char) (buf[pos++] & 0xff);
        head.append(c);
        if (head.length() > MAX_REQUEST_HEAD) {
          return null;
        }
        if (c == '\n') {
          int len = head.length();
          if ((len >= 2 && head.charAt(len - 2) == '\n') || (len >= 3 && head.charAt(len - 2) == '\r' && head.charAt(len - 3) == '\n')) {
            break;
          }
        }
      }
      String[] lines = head.toString().split("\r?\n");
      String[] requestLine = lines[0].split(" ");
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0 && lines[i].substring(0, colon).trim().equalsIgnoreCase("Content-Length")) {
          try {
            contentLength = Math.max(0, Long.parseLong(lines[i].substring(colon + 1).trim()));
          } catch (NumberFormatException e) {
            contentLength = 0;
          }
        }
      }
      return requestLine.length >= 2 ? requestLine[1] : "/";
    }

    /** Reads and drops the whole body. */
    void skipBody() throws IOException {
      skip(contentLength);
    }

    /** Reads and drops {@code n} bytes of the body (fewer when the connection ends first). */
    void skip(long n) throws IOException {
      long left = n;
      while (left > 0) {
        if (pos == limit && !fill()) {
          return;
        }
        int k = (int) Math.min(left, limit - pos);
        pos += k;
        left -= k;
      }
    }

    /** Reads (and drops) until the peer closes; a read timeout or a closed socket ends it too (by exception). */
    void awaitEndOfStream() throws IOException {
      pos = limit;
      while (fill()) {
        pos = limit;
      }
    }

    private boolean fill() throws IOException {
      int n = in.read(buf);
      if (n < 0) {
        return false;
      }
      pos = 0;
      limit = n;
      return true;
    }
  }

  /** Settings of a {@link HostileServer}; every one has a default that suits a client with sub-second timeouts. */
  public static final class Builder {
    private int maxConnections = 128;
    private int receiveBufferBytes = 8 * 1024;
    private Duration holdTimeout = Duration.ofSeconds(30);
    private Duration stallTime = Duration.ofSeconds(2);
    private Duration dribbleDelay = Duration.ofMillis(1);
    private Duration closeWait = Duration.ofSeconds(2);
    private int hugeHeaderBytes = 100 * 1024;
    private int partialBodyBytes = 64 * 1024;
    private int retryAfterSeconds = 1;

    private Builder() {}

    /** The most connections served at once (default 128); one more is reset on arrival. */
    public Builder maxConnections(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("maxConnections must be at least 1, but was " + n);
      }
      maxConnections = n;
      return this;
    }

    /** The receive buffer of every connection (default 8 KiB), set before the server socket binds. */
    public Builder receiveBufferBytes(int bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("receiveBufferBytes must be positive, but was " + bytes);
      }
      receiveBufferBytes = bytes;
      return this;
    }

    /**
     * The longest a handler waits on one read (default 30 s), and so the longest
     * {@link Fault#NEVER_ANSWERS} holds a connection whose client does not close it.
     */
    public Builder holdTimeout(Duration d) {
      holdTimeout = positive(d, "holdTimeout");
      return this;
    }

    /**
     * How long {@link Fault#STALLS_READING_BODY} leaves a body unread before it resets the
     * connection (default 2 s). Make it longer than the client's write timeout; it also bounds
     * how long the server holds the connections of clients that already gave up.
     */
    public Builder stallTime(Duration d) {
      stallTime = positive(d, "stallTime");
      return this;
    }

    /** The pause after each byte of {@link Fault#ONE_BYTE_AT_A_TIME} (default 1 ms; zero for none). */
    public Builder dribbleDelay(Duration d) {
      Objects.requireNonNull(d, "dribbleDelay");
      if (d.isNegative()) {
        throw new IllegalArgumentException("dribbleDelay must not be negative, but was " + d);
      }
      dribbleDelay = d;
      return this;
    }

    /** The longest {@link HostileServer#close()} waits for the server's threads (default 2 s). */
    public Builder closeWait(Duration d) {
      Objects.requireNonNull(d, "closeWait");
      closeWait = d;
      return this;
    }

    /** The length of {@link Fault#HUGE_HEADER}'s header value (default 100 KiB). */
    public Builder hugeHeaderBytes(int bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("hugeHeaderBytes must not be negative, but was " + bytes);
      }
      hugeHeaderBytes = bytes;
      return this;
    }

    /** How much of the body {@link Fault#RESET_MID_REQUEST} reads before the reset (default 64 KiB, at most half the body). */
    public Builder partialBodyBytes(int bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("partialBodyBytes must not be negative, but was " + bytes);
      }
      partialBodyBytes = bytes;
      return this;
    }

    /** The {@code Retry-After} seconds of {@link Fault#RETRY_AFTER_503} (default 1). */
    public Builder retryAfterSeconds(int seconds) {
      if (seconds < 0) {
        throw new IllegalArgumentException("retryAfterSeconds must not be negative, but was " + seconds);
      }
      retryAfterSeconds = seconds;
      return this;
    }

    /** Starts the server on a free port of 127.0.0.1. */
    public HostileServer start() throws IOException {
      return new HostileServer(this);
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, but was " + d);
      }
      return d;
    }
  }
}
