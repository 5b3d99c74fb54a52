package io.gripcast.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bytes of ZMTP 3.0 (ZeroMQ RFC 23) with the NULL security mechanism, as gripcast's own
 * {@code ipc://} client needs them: the 64-byte greeting, the READY and ERROR commands, and
 * message frames. Written from the RFC; no I/O here (see {@link ZmtpConnection}).
 *
 * <pre>
 * greeting = %xFF 8(%x00) %x7F  major minor  mechanism(20, "NULL" zero-padded)  as-server  31(%x00)
 * frame    = flags size body    flags: bit 0 MORE, bit 1 LONG (8-byte size, else 1), bit 2 COMMAND
 * command  = name-size(1) name data;  READY data = *(name-size(1) name value-size(4) value)
 * </pre>
 */
final class Zmtp {
  private Zmtp() {}

  static final int GREETING_SIZE = 64;
  static final int MORE = 1;
  static final int LONG = 2;
  static final int COMMAND = 4;

  /** The largest frame gripcast accepts from a peer: commands and subscriptions are small. */
  static final int MAX_INCOMING_FRAME = 1 << 16;

  /** A ZMTP protocol error: what the peer did wrong, in words a user can act on. */
  static final class ProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    ProtocolException(String message) {
      super(message);
    }
  }

  /** One frame as read: its flags and body. */
  record Frame(int flags, byte[] body) {
    boolean more() {
      return (flags & MORE) != 0;
    }

    boolean command() {
      return (flags & COMMAND) != 0;
    }
  }

  /** Our greeting: version 3.0, mechanism NULL, as-server 0. */
  static byte[] greeting() {
    byte[] g = new byte[GREETING_SIZE];
    g[0] = (byte) 0xFF;
    g[9] = 0x7F;
    g[10] = 3;
    g[11] = 0;
    byte[] mechanism = "NULL".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(mechanism, 0, g, 12, mechanism.length);
    return g;
  }

  /**
   * Checks the first {@code available} bytes of a peer's greeting, so that garbage is named as soon
   * as it is seen; with all 64, checks the version and mechanism too.
   *
   * @param who how to name the peer in a message, e.g. {@code ipc:///run/pushpin/push-in}
   */
  static void checkGreeting(byte[] g, int available, String who) throws ProtocolException {
    if (available >= 1 && (g[0] & 0xFF) != 0xFF) {
      throw new ProtocolException(who + " is not a ZeroMQ socket: its first byte was 0x" + hex(g[0])
          + ", not the 0xFF of a ZMTP greeting");
    }
    if (available >= 10 && (g[9] & 1) == 0) {
      throw new ProtocolException(who + " sent a ZMTP 1.0 signature (byte 9 was 0x" + hex(g[9])
          + "): gripcast speaks ZMTP 3.0, as libzmq 4 and Pushpin do");
    }
    if (available >= 11 && g[10] < 3) {
      throw new ProtocolException(who + " speaks ZMTP " + g[10] + ".x; gripcast needs ZMTP 3.0 or later"
          + " (libzmq 4, as Pushpin uses)");
    }
    if (available >= 32) {
      int end = 12;
      while (end < 32 && g[end] != 0) {
        end++;
      }
      String mechanism = new String(g, 12, end - 12, StandardCharsets.US_ASCII);
      if (!mechanism.equals("NULL")) {
        throw new ProtocolException(who + " wants the ZMTP security mechanism \"" + printable(mechanism)
            + "\"; gripcast supports only NULL (no CURVE or PLAIN), as Pushpin's sockets use");
      }
    }
  }

  /** A READY command frame with {@code Socket-Type}. */
  static byte[] ready(String socketType) {
    byte[] name = "READY".getBytes(StandardCharsets.US_ASCII);
    byte[] key = "Socket-Type".getBytes(StandardCharsets.US_ASCII);
    byte[] value = socketType.getBytes(StandardCharsets.US_ASCII);
    ByteBuffer body = ByteBuffer.allocate(1 + name.length + 1 + key.length + 4 + value.length);
    body.put((byte) name.length).put(name).put((byte) key.length).put(key).putInt(value.length).put(value);
    return frame(COMMAND, body.array());
  }

  /** One frame, header and body: short if the body fits in 255 bytes, else long. */
  static byte[] frame(int flags, byte[] body) {
    ByteBuffer b = ByteBuffer.allocate(headerSize(body.length) + body.length);
    putHeader(b, flags, body.length);
    return b.put(body).array();
  }

  static int headerSize(long bodySize) {
    return bodySize > 255 ? 9 : 2;
  }

  static void putHeader(ByteBuffer b, int flags, long bodySize) {
    if (bodySize > 255) {
      b.put((byte) (flags | LONG)).putLong(bodySize);
    } else {
      b.put((byte) flags).put((byte) bodySize);
    }
  }

  /** The frames of one message, each but the last with MORE, in one buffer ready to write. */
  static ByteBuffer message(byte[]... parts) {
    int size = 0;
    for (byte[] p : parts) {
      size += headerSize(p.length) + p.length;
    }
    ByteBuffer b = ByteBuffer.allocate(size);
    for (int i = 0; i < parts.length; i++) {
      putHeader(b, i < parts.length - 1 ? MORE : 0, parts[i].length);
      b.put(parts[i]);
    }
    return b.flip();
  }

  /**
   * Takes one whole frame from the front of {@code in} (in read mode), or returns null and leaves
   * {@code in} as it was when the frame is not complete yet.
   */
  static Frame takeFrame(ByteBuffer in, String who) throws ProtocolException {
    if (in.remaining() < 2) {
      return null;
    }
    int start = in.position();
    int flags = in.get(start) & 0xFF;
    if ((flags & ~(MORE | LONG | COMMAND)) != 0) {
      throw new ProtocolException(who + " sent a frame with unknown flags 0x" + hex((byte) flags)
          + ": not a ZMTP 3.0 stream");
    }
    long size;
    int header;
    if ((flags & LONG) != 0) {
      if (in.remaining() < 9) {
        return null;
      }
      size = in.getLong(start + 1);
      header = 9;
    } else {
      size = in.get(start + 1) & 0xFF;
      header = 2;
    }
    if (size < 0 || size > MAX_INCOMING_FRAME) {
      throw new ProtocolException(who + " sent a frame of " + Long.toUnsignedString(size) + " bytes; gripcast"
          + " takes at most " + MAX_INCOMING_FRAME + " from a peer (only commands and subscriptions come back)");
    }
    if (in.remaining() < header + size) {
      return null;
    }
    byte[] body = new byte[(int) size];
    in.position(start + header);
    in.get(body);
    return new Frame(flags, body);
  }

  /** A command's name (the first field of its body). */
  static String commandName(Frame f, String who) throws ProtocolException {
    byte[] b = f.body();
    if (b.length < 1 || b.length < 1 + (b[0] & 0xFF)) {
      throw new ProtocolException(who + " sent a malformed ZMTP command (its name is cut short)");
    }
    return new String(b, 1, b[0] & 0xFF, StandardCharsets.US_ASCII);
  }

  /** The data after a command's name. */
  static byte[] commandData(Frame f) {
    byte[] b = f.body();
    int from = 1 + (b[0] & 0xFF);
    byte[] out = new byte[b.length - from];
    System.arraycopy(b, from, out, 0, out.length);
    return out;
  }

  /** The properties of a READY command's data. */
  static Map<String, String> properties(byte[] data, String who) throws ProtocolException {
    Map<String, String> out = new LinkedHashMap<>();
    ByteBuffer b = ByteBuffer.wrap(data);
    while (b.hasRemaining()) {
      int nameSize = b.get() & 0xFF;
      if (b.remaining() < nameSize + 4) {
        throw new ProtocolException(who + " sent a malformed READY command (a property is cut short)");
      }
      byte[] name = new byte[nameSize];
      b.get(name);
      long valueSize = b.getInt() & 0xFFFFFFFFL;
      if (b.remaining() < valueSize) {
        throw new ProtocolException(who + " sent a malformed READY command (a property value is cut short)");
      }
      byte[] value = new byte[(int) valueSize];
      b.get(value);
      out.put(new String(name, StandardCharsets.US_ASCII), new String(value, StandardCharsets.ISO_8859_1));
    }
    return out;
  }

  /** The reason of an ERROR command. */
  static String errorReason(byte[] data) {
    if (data.length == 0) {
      return "";
    }
    int n = Math.min(data[0] & 0xFF, data.length - 1);
    return printable(new String(data, 1, n, StandardCharsets.ISO_8859_1));
  }

  static String hex(byte b) {
    return String.format("%02X", b & 0xFF);
  }

  /** At most 60 characters, control characters shown as '?': text from a peer, for a message. */
  static String printable(String s) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length() && out.length() < 60; i++) {
      char c = s.charAt(i);
      out.append(c < 0x20 || c == 0x7F ? '?' : c);
    }
    return out.toString();
  }
}
