package io.gripcast.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A real WebSocket client on a plain socket (RFC 6455, no extensions), for tests that cannot use
 * OkHttp. Received messages are queued by a background thread; pings are answered.
 *
 * <p>Why not {@code java.net.http.WebSocket}: it sends {@code Content-Length: 0} on the upgrade
 * request, and Pushpin 1.36 then (a) forwards an extra empty TEXT message to the origin and (b)
 * often adds {@code Connection: close} to the 101 response, which the JDK client rejects
 * ("Response field 'Connection' multivalued"). See docs/testing.md.
 *
 * <pre>{@code
 * try (WebSocketSubscriber ws = WebSocketSubscriber.open(pushpin.webSocketUri("/ws?channel=" + ch))) {
 *   ws.sendText("hello");
 *   assertEquals("hello", ws.nextMessage(Duration.ofSeconds(5)).text());
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class WebSocketSubscriber implements AutoCloseable {

  private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int MAX_MESSAGE = 16 * 1024 * 1024;

  /** One received data message. */
  public record Message(boolean binary, byte[] data) {
    public Message {
      data = data.clone();
    }

    /** The payload as UTF-8 text. */
    public String text() {
      return new String(data, StandardCharsets.UTF_8);
    }

    @Override
    public byte[] data() {
      return data.clone();
    }

    @Override
    public String toString() {
      return binary ? "Message{binary, " + data.length + " bytes}" : "Message{text \"" + text() + "\"}";
    }
  }

  private final Socket socket;
  private final OutputStream out;
  private final Object lock = new Object();
  private final List<Message> messages = new ArrayList<>();
  private int taken;
  private int closeCode = -1;
  private String closeReason;
  private boolean ended;
  private IOException failure;
  private boolean closeSent;

  private WebSocketSubscriber(Socket socket, OutputStream out) {
    this.socket = socket;
    this.out = out;
  }

  /** Connects to a {@code ws://} URI; the handshake must complete within 10 s. */
  public static WebSocketSubscriber open(URI uri) throws IOException {
    return open(uri, Map.of(), Duration.ofSeconds(10));
  }

  /**
   * Connects to a {@code ws://} URI with extra request headers.
   *
   * @throws IOException if the connection fails, the handshake does not complete within
   *     {@code timeout}, or the server does not answer 101 with the right accept key
   */
  public static WebSocketSubscriber open(URI uri, Map<String, String> headers, Duration timeout)
      throws IOException {
    Objects.requireNonNull(headers, "headers");
    if (!"ws".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException("WebSocketSubscriber needs a ws://host:port/... URI, got " + uri);
    }
    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    String key = Base64.getEncoder().encodeToString(nonce);
    Map<String, String> all = new java.util.LinkedHashMap<>();
    all.put("Upgrade", "websocket");
    all.put("Connection", "Upgrade");
    all.put("Sec-WebSocket-Key", key);
    all.put("Sec-WebSocket-Version", "13");
    all.putAll(headers);
    // no Content-Length: a GET upgrade has no body (see the class comment for why it matters)
    RawHttp.Opened c = RawHttp.openGet(uri, all, timeout, head -> {
      if (head.status() != 101) {
        throw new IOException("WebSocket handshake to " + uri + " answered " + head.status() + " " + head.reason());
      }
      String expected = accept(key);
      if (!expected.equals(head.header("sec-websocket-accept"))) {
        throw new IOException("WebSocket handshake to " + uri + ": Sec-WebSocket-Accept is "
            + head.header("sec-websocket-accept") + ", expected " + expected);
      }
    });
    WebSocketSubscriber ws = new WebSocketSubscriber(c.socket(), c.out());
    RawHttp.readInBackground(c.socket(), "gripcast-websocket-subscriber", () -> ws.read(c.in()));
    return ws;
  }

  private static String accept(String key) {
    try {
      byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(sha1);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required by every JDK", e);
    }
  }

  /** Sends a text message (one masked frame). */
  public void sendText(String text) throws IOException {
    send(0x1, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Sends a binary message (one masked frame). */
  public void sendBinary(byte[] data) throws IOException {
    send(0x2, data);
  }

  /** Sends a close frame with a status code and reason; the server's close follows. */
  public void sendClose(int code, String reason) throws IOException {
    byte[] r = reason.getBytes(StandardCharsets.UTF_8);
    byte[] payload = new byte[2 + r.length];
    payload[0] = (byte) (code >> 8);
    payload[1] = (byte) code;
    System.arraycopy(r, 0, payload, 2, r.length);
    send(0x8, payload);
  }

  /** The next message not yet taken, waiting at most {@code timeout}; null if none came. */
  public Message nextMessage(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (taken >= messages.size()) {
        long left = deadline - System.nanoTime();
        if (ended || left <= 0 || !waitOn(left)) {
          return null;
        }
      }
      return messages.get(taken++);
    }
  }

  /** Every message received so far (taken or not), in order. */
  public List<Message> messages() {
    synchronized (lock) {
      return List.copyOf(messages);
    }
  }

  /** Waits until the server's close frame arrived or the connection ended. */
  public boolean awaitClose(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (!ended) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || !waitOn(left)) {
          return false;
        }
      }
      return true;
    }
  }

  /** The status code of the server's close frame, if one arrived (and had a code). */
  public OptionalInt closeCode() {
    synchronized (lock) {
      return closeCode < 0 ? OptionalInt.empty() : OptionalInt.of(closeCode);
    }
  }

  /** The reason of the server's close frame, or null. */
  public String closeReason() {
    synchronized (lock) {
      return closeReason;
    }
  }

  /** The error that ended the connection without a close frame, if any. */
  public Optional<IOException> failure() {
    synchronized (lock) {
      return Optional.ofNullable(failure);
    }
  }

  /** Drops the TCP connection without a close frame. Idempotent. */
  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return "WebSocketSubscriber{messages=" + messages.size() + ", ended=" + ended
          + (closeCode >= 0 ? ", close=" + closeCode + " " + closeReason : "") + "}";
    }
  }

  private boolean waitOn(long nanos) {
    try {
      lock.wait(Math.max(1, nanos / 1_000_000));
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void send(int opcode, byte[] payload) throws IOException {
    ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
    frame.write(0x80 | opcode);
    if (payload.length < 126) {
      frame.write(0x80 | payload.length);
    } else if (payload.length <= 0xFFFF) {
      frame.write(0x80 | 126);
      frame.write(payload.length >> 8);
      frame.write(payload.length);
    } else {
      frame.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        frame.write((int) ((long) payload.length >> shift));
      }
    }
    byte[] mask = new byte[4];
    RANDOM.nextBytes(mask);
    frame.writeBytes(mask);
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ mask[i & 3]);
    }
    synchronized (out) {
      if (closeSent) {
        throw new IOException("close frame already sent");
      }
      closeSent = opcode == 0x8;
      out.write(frame.toByteArray());
      out.flush();
    }
  }

  private void read(InputStream in) {
    IOException error = null;
    ByteArrayOutputStream fragments = null;
    boolean fragmentsBinary = false;
    try {
      while (true) {
        int b0 = in.read();
        if (b0 < 0) {
          throw new EOFException("connection closed without a close frame");
        }
        int b1 = readByte(in);
        boolean fin = (b0 & 0x80) != 0;
        int opcode = b0 & 0x0F;
        long len = b1 & 0x7F;
        if (len == 126) {
          len = (readByte(in) << 8) | readByte(in);
        } else if (len == 127) {
          len = 0;
          for (int i = 0; i < 8; i++) {
            len = (len << 8) | readByte(in);
          }
        }
        if (len > MAX_MESSAGE) {
          throw new IOException("frame of " + len + " bytes is larger than " + MAX_MESSAGE);
        }
        byte[] mask = (b1 & 0x80) != 0 ? in.readNBytes(4) : null;
        byte[] payload = in.readNBytes((int) len);
        if (payload.length < len) {
          throw new EOFException("connection closed inside a frame");
        }
        if (mask != null) {
          for (int i = 0; i < payload.length; i++) {
            payload[i] ^= mask[i & 3];
          }
        }
        switch (opcode) {
          case 0x0:
            if (fragments == null) {
              throw new IOException("continuation frame without a started message");
            }
            fragments.writeBytes(payload);
            if (fin) {
              deliver(fragmentsBinary, fragments.toByteArray());
              fragments = null;
            }
            break;
          case 0x1:
          case 0x2:
            if (fin) {
              deliver(opcode == 0x2, payload);
            } else {
              fragments = new ByteArrayOutputStream();
              fragments.writeBytes(payload);
              fragmentsBinary = opcode == 0x2;
            }
            break;
          case 0x8:
            synchronized (lock) {
              if (payload.length >= 2) {
                closeCode = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
                closeReason = new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
              }
            }
            try {
              synchronized (out) {
                if (!closeSent) {
                  closeSent = true;
                  byte[] echo = payload.length >= 2 ? new byte[] {payload[0], payload[1]} : new byte[0];
                  out.write(new byte[] {(byte) 0x88, (byte) (0x80 | echo.length), 0, 0, 0, 0});
                  out.write(echo);
                  out.flush();
                }
              }
            } catch (IOException ignored) {
              // the server may already have dropped the connection
            }
            return;
          case 0x9:
            send(0xA, payload);
            break;
          case 0xA:
            break;
          default:
            throw new IOException("unknown WebSocket opcode " + opcode);
        }
      }
    } catch (IOException e) {
      error = socket.isClosed() ? null : e;
    } finally {
      synchronized (lock) {
        ended = true;
        failure = error;
        lock.notifyAll();
      }
      close();
    }
  }

  private void deliver(boolean binary, byte[] data) {
    synchronized (lock) {
      messages.add(new Message(binary, data));
      lock.notifyAll();
    }
  }

  private static int readByte(InputStream in) throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new EOFException("connection closed inside a frame header");
    }
    return b;
  }
}
