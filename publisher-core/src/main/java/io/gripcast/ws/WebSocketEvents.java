package io.gripcast.ws;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code application/websocket-events} codec: the body format of WebSocket-over-HTTP requests
 * and responses.
 *
 * <p>An event with content is {@code TYPE <length in hex>\r\n<content bytes>\r\n}; one without is
 * {@code TYPE\r\n}. The length counts bytes. A body is a plain concatenation of events, possibly
 * none.
 *
 * <p>The decoder is strict: it accepts any hex case and leading zeros in lengths, but anything
 * else that does not follow the grammar fails with a {@link WebSocketEventException} naming the
 * byte offset and what was expected there. Declared lengths are checked against
 * {@link EventLimits} and against the bytes actually present <em>before</em> anything is
 * allocated. Further rules:
 *
 * <ul>
 *   <li>{@code TEXT} content must be valid UTF-8 (WebSocket text frames always are; invalid bytes
 *       mean a damaged body, for example an API Gateway without the binary media type). Binary
 *       data travels in {@code BINARY}, which takes any bytes.
 *   <li>{@code OPEN} and {@code DISCONNECT} carry no content (a declared length of 0 is tolerated).
 *   <li>{@code CLOSE} content is empty, or a 2-byte big-endian code followed by a UTF-8 reason.
 *   <li>Event type names are upper case, as Pushpin writes them.
 * </ul>
 *
 * <p>The encoder writes lengths in lower-case hex, as Pushpin does. {@code TEXT} and {@code BINARY}
 * always carry a length (even 0); {@code PING}/{@code PONG} carry content only when it is not
 * empty; {@code CLOSE} carries content only when it has a code.
 */
public final class WebSocketEvents {

  /**
   * The media type of WebSocket-over-HTTP bodies. Responses must carry exactly this
   * {@code Content-Type}, with no parameters: Pushpin compares the whole string, so
   * {@code application/websocket-events; charset=utf-8} breaks the connection.
   */
  public static final String CONTENT_TYPE = "application/websocket-events";

  private static final Map<WebSocketEvent.Type, String> WIRE_NAMES = new EnumMap<>(WebSocketEvent.Type.class);
  private static final Map<String, WebSocketEvent.Type> BY_WIRE_NAME = new java.util.HashMap<>();

  static {
    WIRE_NAMES.put(WebSocketEvent.Type.OPEN, "OPEN");
    WIRE_NAMES.put(WebSocketEvent.Type.TEXT, "TEXT");
    WIRE_NAMES.put(WebSocketEvent.Type.BINARY, "BINARY");
    WIRE_NAMES.put(WebSocketEvent.Type.PING, "PING");
    WIRE_NAMES.put(WebSocketEvent.Type.PONG, "PONG");
    WIRE_NAMES.put(WebSocketEvent.Type.CLOSE, "CLOSE");
    WIRE_NAMES.put(WebSocketEvent.Type.DISCONNECT, "DISCONNECT");
    WIRE_NAMES.forEach((t, n) -> BY_WIRE_NAME.put(n, t));
  }

  private static final String TYPE_LIST = "OPEN, TEXT, BINARY, PING, PONG, CLOSE or DISCONNECT";
  /** Longer than any type name; scanning a type stops here so a junk body is not copied whole. */
  private static final int MAX_TYPE_SCAN = 16;

  private static final byte CR = '\r';
  private static final byte LF = '\n';

  private WebSocketEvents() {}

  /**
   * Decodes a body with the {@linkplain EventLimits#defaults() default limits}.
   *
   * @throws WebSocketEventException when the body is malformed or over a limit
   */
  public static List<WebSocketEvent> decode(byte[] body) {
    return decode(body, EventLimits.defaults());
  }

  /**
   * Decodes a body.
   *
   * @return the events in order; an empty body gives an empty list
   * @throws WebSocketEventException when the body is malformed or over a limit; the message names
   *     the byte offset and what was expected
   */
  public static List<WebSocketEvent> decode(byte[] body, EventLimits limits) {
    Objects.requireNonNull(body, "body must not be null (an empty body is new byte[0])");
    Objects.requireNonNull(limits, "limits");
    if (body.length > limits.maxBodySize()) {
      throw new WebSocketEventException(
          limits.maxBodySize(),
          "the body is " + body.length + " bytes, over the limit of " + limits.maxBodySize()
              + " bytes (raise EventLimits.maxBodySize if larger bodies are expected)");
    }
    List<WebSocketEvent> out = new ArrayList<>();
    int pos = 0;
    while (pos < body.length) {
      // event type
      int typeStart = pos;
      while (pos < body.length && pos - typeStart < MAX_TYPE_SCAN && isLetter(body[pos])) {
        pos++;
      }
      if (pos == typeStart) {
        throw new WebSocketEventException(typeStart, "expected an event type (" + TYPE_LIST + "), found " + describe(body, pos));
      }
      String name = new String(body, typeStart, pos - typeStart, StandardCharsets.US_ASCII);
      WebSocketEvent.Type type = BY_WIRE_NAME.get(name);
      if (type == null) {
        String hint = BY_WIRE_NAME.containsKey(name.toUpperCase(java.util.Locale.ROOT)) ? " (event types are upper case)" : "";
        throw new WebSocketEventException(
            typeStart, "expected an event type (" + TYPE_LIST + "), found \"" + name + "\"" + hint);
      }

      // optional " <hex length>"
      int length = -1;
      int lengthStart = -1;
      if (pos < body.length && body[pos] == ' ') {
        pos++;
        lengthStart = pos;
        long value = 0;
        while (pos < body.length && hexValue(body[pos]) >= 0) {
          if (value <= limits.maxEventSize()) { // stop growing once over: no overflow, however many digits
            value = value * 16 + hexValue(body[pos]);
          }
          pos++;
        }
        if (pos == lengthStart) {
          throw new WebSocketEventException(
              lengthStart, "expected the hexadecimal content length of the " + name + " event, found " + describe(body, pos));
        }
        if (value > limits.maxEventSize()) {
          throw new WebSocketEventException(
              lengthStart,
              name + " event declares a content length of 0x" + excerpt(body, lengthStart, pos) + " bytes, over the limit of "
                  + limits.maxEventSize() + " bytes per event (raise EventLimits.maxEventSize if larger messages are expected)");
        }
        length = (int) value;
      }
      pos = expectCrlf(body, pos, length < 0
          ? "after the event type " + name + " (or a space and a hex length)"
          : "after the content length of the " + name + " event");

      // content
      int contentStart = pos;
      if (length > 0 && (type == WebSocketEvent.Type.OPEN || type == WebSocketEvent.Type.DISCONNECT)) {
        throw new WebSocketEventException(lengthStart, name + " events carry no content, but this one declares " + length + " bytes");
      }
      if (length >= 0) {
        int available = body.length - pos;
        if (length > available) {
          throw new WebSocketEventException(
              contentStart,
              "expected " + length + " content bytes of the " + name + " event, but the body ends after "
                  + available + " (truncated body?)");
        }
        pos = expectCrlf(body, pos + length, "after the " + length + " content bytes of the " + name + " event");
      }
      out.add(event(type, body, contentStart, Math.max(length, 0), length >= 0));
    }
    return Collections.unmodifiableList(out);
  }

  private static WebSocketEvent event(WebSocketEvent.Type type, byte[] body, int start, int length, boolean hasContent) {
    switch (type) {
      case OPEN:
        return WebSocketEvent.open();
      case DISCONNECT:
        return WebSocketEvent.disconnect();
      case TEXT:
        return new WebSocketEvent.Text(utf8(body, start, length, "TEXT content"));
      case BINARY:
        return new WebSocketEvent.Binary(Arrays.copyOfRange(body, start, start + length));
      case PING:
        return new WebSocketEvent.Ping(Arrays.copyOfRange(body, start, start + length));
      case PONG:
        return new WebSocketEvent.Pong(Arrays.copyOfRange(body, start, start + length));
      case CLOSE:
        if (!hasContent || length == 0) {
          return new WebSocketEvent.Close(WebSocketEvent.Close.NO_STATUS, "");
        }
        if (length == 1) {
          throw new WebSocketEventException(
              start, "CLOSE content must be empty, or a 2-byte big-endian close code followed by a UTF-8 reason, but it is 1 byte");
        }
        int code = ((body[start] & 0xff) << 8) | (body[start + 1] & 0xff);
        if (code == WebSocketEvent.Close.NO_STATUS) {
          throw new WebSocketEventException(
              start, "close code 1005 (no status) must not appear on the wire (RFC 6455 §7.4.1); a CLOSE without a code has no content");
        }
        return new WebSocketEvent.Close(code, utf8(body, start + 2, length - 2, "CLOSE reason"));
      default:
        throw new AssertionError(type);
    }
  }

  /** Strict UTF-8: a malformed sequence fails with the offset of its first byte. */
  private static String utf8(byte[] body, int start, int length, String what) {
    if (length == 0) {
      return "";
    }
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(body, start, length);
    CharBuffer out = CharBuffer.allocate(length); // UTF-8 never gives more chars than bytes
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      throw new WebSocketEventException(
          in.position(),
          what + " is not valid UTF-8 (byte " + hexByte(body[in.position()]) + "); binary data must be sent as BINARY");
    }
    result = decoder.flush(out);
    if (result.isError()) {
      throw new WebSocketEventException(in.position(), what + " ends in the middle of a UTF-8 sequence");
    }
    out.flip();
    return out.toString();
  }

  private static int expectCrlf(byte[] body, int pos, String where) {
    if (pos >= body.length) {
      throw new WebSocketEventException(pos, "expected \"\\r\\n\" " + where + ", found the end of the body (truncated body?)");
    }
    if (body[pos] != CR) {
      throw new WebSocketEventException(pos, "expected \"\\r\\n\" " + where + ", found " + describe(body, pos));
    }
    if (pos + 1 >= body.length) {
      throw new WebSocketEventException(pos + 1, "expected \"\\n\" of \"\\r\\n\" " + where + ", found the end of the body (truncated body?)");
    }
    if (body[pos + 1] != LF) {
      throw new WebSocketEventException(pos + 1, "expected \"\\n\" of \"\\r\\n\" " + where + ", found " + describe(body, pos + 1));
    }
    return pos + 2;
  }

  /**
   * Encodes events into a body.
   *
   * @throws IllegalArgumentException when a CLOSE carries a code a WebSocket peer would reject
   *     (such as 0), or a reason over 123 bytes
   */
  public static byte[] encode(List<? extends WebSocketEvent> events) {
    Objects.requireNonNull(events, "events");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < events.size(); i++) {
      WebSocketEvent e = events.get(i);
      if (e == null) {
        throw new NullPointerException("events[" + i + "] is null");
      }
      String name = WIRE_NAMES.get(e.type());
      switch (e.type()) {
        case OPEN:
        case DISCONNECT:
          writeLine(out, name);
          break;
        case TEXT:
          writeWithContent(out, name, ((WebSocketEvent.Text) e).text().getBytes(StandardCharsets.UTF_8));
          break;
        case BINARY:
          writeWithContent(out, name, ((WebSocketEvent.Binary) e).unsafeBytes());
          break;
        case PING:
          writeOptionalContent(out, name, ((WebSocketEvent.Ping) e).unsafeBytes());
          break;
        case PONG:
          writeOptionalContent(out, name, ((WebSocketEvent.Pong) e).unsafeBytes());
          break;
        case CLOSE:
          WebSocketEvent.Close c = (WebSocketEvent.Close) e;
          CloseCodes.checkSendable(c.code(), c.reason());
          if (!c.hasCode()) {
            writeLine(out, name);
          } else {
            byte[] reason = c.reason().getBytes(StandardCharsets.UTF_8);
            byte[] content = new byte[2 + reason.length];
            content[0] = (byte) (c.code() >>> 8);
            content[1] = (byte) c.code();
            System.arraycopy(reason, 0, content, 2, reason.length);
            writeWithContent(out, name, content);
          }
          break;
        default:
          throw new AssertionError(e.type());
      }
    }
    return out.toByteArray();
  }

  /** Encodes events into a body; see {@link #encode(List)}. */
  public static byte[] encode(WebSocketEvent... events) {
    return encode(Arrays.asList(events));
  }

  private static void writeLine(ByteArrayOutputStream out, String name) {
    out.writeBytes(name.getBytes(StandardCharsets.US_ASCII));
    out.write(CR);
    out.write(LF);
  }

  private static void writeOptionalContent(ByteArrayOutputStream out, String name, byte[] content) {
    if (content.length == 0) {
      writeLine(out, name);
    } else {
      writeWithContent(out, name, content);
    }
  }

  private static void writeWithContent(ByteArrayOutputStream out, String name, byte[] content) {
    out.writeBytes((name + ' ' + Integer.toHexString(content.length)).getBytes(StandardCharsets.US_ASCII));
    out.write(CR);
    out.write(LF);
    out.writeBytes(content);
    out.write(CR);
    out.write(LF);
  }

  private static boolean isLetter(byte b) {
    return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z');
  }

  private static int hexValue(byte b) {
    if (b >= '0' && b <= '9') {
      return b - '0';
    }
    if (b >= 'a' && b <= 'f') {
      return b - 'a' + 10;
    }
    if (b >= 'A' && b <= 'F') {
      return b - 'A' + 10;
    }
    return -1;
  }

  private static String excerpt(byte[] body, int from, int to) {
    int end = Math.min(to, from + 20);
    String s = new String(body, from, end - from, StandardCharsets.US_ASCII);
    return end < to ? s + "..." : s;
  }

  /** A byte for an error message: the character when printable ASCII, and always its hex value. */
  private static String describe(byte[] body, int pos) {
    if (pos >= body.length) {
      return "the end of the body";
    }
    byte b = body[pos];
    if (b >= 0x21 && b <= 0x7e) {
      return "'" + (char) b + "' (" + hexByte(b) + ")";
    }
    switch (b) {
      case ' ':
        return "a space (0x20)";
      case '\r':
        return "'\\r' (0x0d)";
      case '\n':
        return "'\\n' (0x0a)";
      default:
        return "byte " + hexByte(b);
    }
  }

  private static String hexByte(byte b) {
    return String.format("0x%02x", b & 0xff);
  }
}
