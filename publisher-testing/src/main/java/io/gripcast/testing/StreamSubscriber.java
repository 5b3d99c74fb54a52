package io.gripcast.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * A real HTTP subscriber on a plain socket: sends one {@code GET}, then reads the (usually held,
 * chunked) response body in a background thread so a test can wait for text to arrive. Works for
 * streams ({@code Grip-Hold: stream}) and long-polls ({@code Grip-Hold: response}) alike.
 *
 * <pre>{@code
 * try (StreamSubscriber sub = StreamSubscriber.open(pushpin.clientUri("/stream?channel=" + ch))) {
 *   assertTrue(sub.awaitContains("stream open\n", Duration.ofSeconds(5)), sub::body);
 *   pushpin.publish(...);
 *   assertTrue(sub.awaitContains("hello\n", Duration.ofSeconds(5)), sub::body);
 * }
 * }</pre>
 *
 * <p>Dependency-free on purpose (publisher-testing depends on the JDK and JUnit only). Thread-safe.
 */
public final class StreamSubscriber implements AutoCloseable {

  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private final Socket socket;
  private final RawHttp.Head head;
  private final Object lock = new Object();
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();
  private boolean ended;
  private IOException failure;
  private volatile boolean closed;

  private StreamSubscriber(Socket socket, RawHttp.Head head) {
    this.socket = socket;
    this.head = head;
  }

  /** Opens {@code uri} (http only) and waits at most 10 s for the response status and headers. */
  public static StreamSubscriber open(URI uri) throws IOException {
    return open(uri, Map.of(), DEFAULT_TIMEOUT);
  }

  /** Opens {@code uri} and waits at most {@code timeout} for the response status and headers. */
  public static StreamSubscriber open(URI uri, Duration timeout) throws IOException {
    return open(uri, Map.of(), timeout);
  }

  /**
   * Opens {@code uri} with extra request headers and waits at most {@code timeout} for the
   * response status and headers. The body is then read in the background until the server ends
   * it or {@link #close()} is called.
   *
   * @throws IOException if the connection fails or no response head arrives in time
   */
  public static StreamSubscriber open(URI uri, Map<String, String> headers, Duration timeout)
      throws IOException {
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(headers, "headers");
    Objects.requireNonNull(timeout, "timeout");
    if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException("StreamSubscriber needs an http://host:port/... URI, got " + uri);
    }
    RawHttp.Opened c = RawHttp.openGet(uri, headers, timeout, head -> { });
    StreamSubscriber sub = new StreamSubscriber(c.socket(), c.head());
    RawHttp.readInBackground(c.socket(), "gripcast-stream-subscriber", () -> sub.readBody(c.in()));
    return sub;
  }

  private void readBody(InputStream in) {
    OutputStream sink = new OutputStream() {
      @Override
      public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        synchronized (lock) {
          received.write(b, off, len);
          lock.notifyAll();
        }
      }
    };
    IOException error = null;
    try {
      if (head.chunked()) {
        while (RawHttp.readChunk(in, sink) > 0) {
          // until the last chunk
        }
      } else if (head.contentLength() >= 0) {
        long left = head.contentLength();
        byte[] buf = new byte[8192];
        while (left > 0) {
          int n = in.read(buf, 0, (int) Math.min(buf.length, left));
          if (n < 0) {
            throw new IOException("connection closed " + left + " bytes before the declared Content-Length");
          }
          sink.write(buf, 0, n);
          left -= n;
        }
      } else {
        in.transferTo(sink);
      }
    } catch (IOException e) {
      error = closed ? null : e;
    } finally {
      synchronized (lock) {
        ended = true;
        failure = error;
        lock.notifyAll();
      }
      try {
        socket.close();
      } catch (IOException ignored) {
        // nothing left to release
      }
    }
  }

  /** The response status code. */
  public int status() {
    return head.status();
  }

  /** The first value of a response header (case-insensitive name), or null. */
  public String header(String name) {
    return head.header(name);
  }

  /** All response headers; names are lower-case. */
  public Map<String, List<String>> headers() {
    return head.headers();
  }

  /** The body received so far, decoded as UTF-8 (chunk framing removed). */
  public String body() {
    synchronized (lock) {
      return received.toString(StandardCharsets.UTF_8);
    }
  }

  /** True once the body ended (last chunk, declared length reached, EOF, error or close). */
  public boolean ended() {
    synchronized (lock) {
      return ended;
    }
  }

  /** The error that ended the body early (e.g. the proxy cut the stream), if any. */
  public Optional<IOException> failure() {
    synchronized (lock) {
      return Optional.ofNullable(failure);
    }
  }

  /**
   * Waits until the body contains {@code text}; false if it did not within {@code timeout} or
   * the body ended without it.
   */
  public boolean awaitContains(String text, Duration timeout) {
    Objects.requireNonNull(text, "text");
    return await(() -> received.toString(StandardCharsets.UTF_8).contains(text), timeout, false);
  }

  /** Waits until the body has ended; false if it had not within {@code timeout}. */
  public boolean awaitEnd(Duration timeout) {
    return await(() -> false, timeout, true);
  }

  private boolean await(BooleanSupplier condition, Duration timeout, boolean endIsSuccess) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (true) {
        if (condition.getAsBoolean()) {
          return true;
        }
        if (ended) {
          return endIsSuccess;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          lock.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
  }

  /** Closes the connection (the proxy sees the subscriber go away). Idempotent. */
  @Override
  public void close() {
    closed = true;
    try {
      socket.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public String toString() {
    return "StreamSubscriber{status=" + head.status() + ", ended=" + ended() + ", received="
        + body().length() + " chars}";
  }
}
