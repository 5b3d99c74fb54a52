package io.gripcast.ws;

import java.util.Arrays;
import java.util.Objects;

/**
 * One WebSocket-over-HTTP event: what a WebSocket did (proxy to backend) or should do (backend
 * to proxy). Immutable; byte contents are copied in and out.
 *
 * <p>Java 17 has no pattern matching in {@code switch}, so every event also reports its
 * {@link #type()} for a plain enum switch.
 */
public sealed interface WebSocketEvent
    permits WebSocketEvent.Open,
        WebSocketEvent.Text,
        WebSocketEvent.Binary,
        WebSocketEvent.Ping,
        WebSocketEvent.Pong,
        WebSocketEvent.Close,
        WebSocketEvent.Disconnect {

  /** The kind of an event. */
  enum Type {
    /** A new connection (proxy to backend), or its acceptance (backend to proxy). No content. */
    OPEN,
    /** A text message. */
    TEXT,
    /** A binary message. */
    BINARY,
    /** A ping frame, with optional content. */
    PING,
    /** A pong frame, with optional content. */
    PONG,
    /** A close frame: an optional close code and reason. */
    CLOSE,
    /** The connection dropped uncleanly (proxy to backend), or should be dropped (backend to proxy). */
    DISCONNECT
  }

  /** This event's kind. */
  Type type();

  /** The {@code OPEN} event. */
  static Open open() {
    return Open.INSTANCE;
  }

  /** A {@code TEXT} event. */
  static Text text(String text) {
    return new Text(text);
  }

  /** A {@code BINARY} event; the bytes are copied. */
  static Binary binary(byte[] bytes) {
    return new Binary(bytes);
  }

  /** A {@code PING} event without content. */
  static Ping ping() {
    return new Ping(new byte[0]);
  }

  /** A {@code PONG} event without content. */
  static Pong pong() {
    return new Pong(new byte[0]);
  }

  /** A {@code CLOSE} event with the normal close code 1000 and no reason. */
  static Close close() {
    return new Close(Close.NORMAL, "");
  }

  /** A {@code CLOSE} event with a code and a reason ("" for none). */
  static Close close(int code, String reason) {
    return new Close(code, reason);
  }

  /** The {@code DISCONNECT} event. */
  static Disconnect disconnect() {
    return Disconnect.INSTANCE;
  }

  /**
   * {@code OPEN}: no content.
   *
   * <p>A record: its shape is fixed by the protocol.
   */
  record Open() implements WebSocketEvent {
    static final Open INSTANCE = new Open();

    @Override
    public Type type() {
      return Type.OPEN;
    }
  }

  /**
   * {@code TEXT}: a text message. On the wire its content is the UTF-8 bytes of {@code text}; the
   * decoder rejects content that is not valid UTF-8 (WebSocket text frames must be valid UTF-8).
   *
   * <p>A record: its shape is fixed by the protocol.
   */
  record Text(String text) implements WebSocketEvent {
    public Text {
      Objects.requireNonNull(text, "TEXT event text must not be null (use \"\" for empty)");
    }

    @Override
    public Type type() {
      return Type.TEXT;
    }
  }

  // BINARY, PING and PONG repeat the same byte[] value code on purpose. They stay records (the
  // types, canonical constructors and, for callers on newer Java, record patterns are API), a
  // record compares arrays by reference, and equals/hashCode/toString cannot come from an
  // interface, so each record needs its own overrides; each is already one JDK call, and a helper
  // would only rename them. Content.Binary and auth.Secret hold bytes too but share nothing with
  // these: item depends on the JDK only, only the facade may call internal, and Secret compares in
  // constant time and prints as ***.

  /**
   * {@code BINARY}: a binary message; any bytes.
   *
   * <p>A record: its shape is fixed by the protocol.
   */
  record Binary(byte[] bytes) implements WebSocketEvent {
    public Binary {
      bytes = Objects.requireNonNull(bytes, "BINARY event bytes must not be null (use new byte[0])").clone();
    }

    /** A copy of the bytes. */
    @Override
    public byte[] bytes() {
      return bytes.clone();
    }

    int length() {
      return bytes.length;
    }

    byte[] unsafeBytes() {
      return bytes;
    }

    @Override
    public Type type() {
      return Type.BINARY;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Binary b && Arrays.equals(bytes, b.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return "Binary[" + bytes.length + " bytes]";
    }
  }

  /**
   * {@code PING}: a ping frame; the content may be empty.
   *
   * <p>A record: its shape is fixed by the protocol.
   */
  record Ping(byte[] bytes) implements WebSocketEvent {
    public Ping {
      bytes = Objects.requireNonNull(bytes, "PING event bytes must not be null (use new byte[0])").clone();
    }

    /** A copy of the bytes. */
    @Override
    public byte[] bytes() {
      return bytes.clone();
    }

    byte[] unsafeBytes() {
      return bytes;
    }

    @Override
    public Type type() {
      return Type.PING;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Ping p && Arrays.equals(bytes, p.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return "Ping[" + bytes.length + " bytes]";
    }
  }

  /**
   * {@code PONG}: a pong frame; the content may be empty.
   *
   * <p>A record: its shape is fixed by the protocol.
   */
  record Pong(byte[] bytes) implements WebSocketEvent {
    public Pong {
      bytes = Objects.requireNonNull(bytes, "PONG event bytes must not be null (use new byte[0])").clone();
    }

    /** A copy of the bytes. */
    @Override
    public byte[] bytes() {
      return bytes.clone();
    }

    byte[] unsafeBytes() {
      return bytes;
    }

    @Override
    public Type type() {
      return Type.PONG;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Pong p && Arrays.equals(bytes, p.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return "Pong[" + bytes.length + " bytes]";
    }
  }

  /**
   * {@code CLOSE}: a close frame. On the wire the content is the code as 2 big-endian bytes, then
   * the reason in UTF-8; or no content at all.
   *
   * <p>"No code" is represented as in RFC 6455 §7.1.5, by {@link #NO_STATUS} (1005): a CLOSE event
   * without content decodes to code 1005 and reason "", and code 1005 encodes as a CLOSE without
   * content. Any 16-bit code can be held, so that whatever the proxy relays can be represented;
   * the encoder refuses to send a code that a WebSocket peer would reject (0 among them, the
   * classic mistake), see {@link WebSocketEvents#encode}.
   *
   * <p>A record: its shape is fixed by the protocol.
   *
   * @param code the close code, 0-65535; {@link #NO_STATUS} for none
   * @param reason the close reason, "" for none (and necessarily "" when there is no code)
   */
  record Close(int code, String reason) implements WebSocketEvent {
    /** Normal closure. */
    public static final int NORMAL = 1000;
    /** "No status code was present" (RFC 6455); never sent as a number on the wire. */
    public static final int NO_STATUS = 1005;

    public Close {
      Objects.requireNonNull(reason, "CLOSE event reason must not be null (use \"\" for none)");
      if (code < 0 || code > 0xffff) {
        throw new IllegalArgumentException("CLOSE event code must fit in 2 bytes (0-65535), but was " + code);
      }
      if (code == NO_STATUS && !reason.isEmpty()) {
        throw new IllegalArgumentException(
            "CLOSE event without a code (1005) cannot carry a reason: \"" + reason + "\" needs a real code such as 1000");
      }
    }

    /** True when the event carries a code (it is not {@link #NO_STATUS}). */
    public boolean hasCode() {
      return code != NO_STATUS;
    }

    @Override
    public Type type() {
      return Type.CLOSE;
    }
  }

  /**
   * {@code DISCONNECT}: no content.
   *
   * <p>A record: its shape is fixed by the protocol.
   */
  record Disconnect() implements WebSocketEvent {
    static final Disconnect INSTANCE = new Disconnect();

    @Override
    public Type type() {
      return Type.DISCONNECT;
    }
  }
}
