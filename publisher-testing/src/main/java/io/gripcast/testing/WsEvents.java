package io.gripcast.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code application/websocket-events} body format of WebSocket-over-HTTP, just enough for
 * {@link GripTestOrigin}: {@code TYPE\r\n} or {@code TYPE <hex length>\r\n<payload>\r\n}, repeated.
 * (publisher-core has the real codec; this module must not depend on it.)
 */
final class WsEvents {

  /** One event; payload is null for events without content. */
  record Event(String type, byte[] payload) {
    String text() {
      return payload == null ? "" : new String(payload, StandardCharsets.UTF_8);
    }
  }

  private WsEvents() {}

  static List<Event> parse(byte[] body) {
    List<Event> events = new ArrayList<>();
    int i = 0;
    while (i < body.length) {
      int eol = indexOfCrlf(body, i);
      if (eol < 0) {
        throw new IllegalArgumentException("event line at byte " + i + " has no CRLF");
      }
      String line = new String(body, i, eol - i, StandardCharsets.US_ASCII);
      i = eol + 2;
      int space = line.indexOf(' ');
      if (space < 0) {
        events.add(new Event(line, null));
        continue;
      }
      String type = line.substring(0, space);
      int length;
      try {
        length = Integer.parseInt(line.substring(space + 1), 16);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad content length in event line \"" + line + "\"", e);
      }
      if (length < 0 || i + length + 2 > body.length) {
        throw new IllegalArgumentException("event " + type + " declares " + length
            + " bytes but the body ends at byte " + body.length);
      }
      events.add(new Event(type, Arrays.copyOfRange(body, i, i + length)));
      i += length;
      if (body[i] != '\r' || body[i + 1] != '\n') {
        throw new IllegalArgumentException("event " + type + " content not followed by CRLF at byte " + i);
      }
      i += 2;
    }
    return events;
  }

  static void write(ByteArrayOutputStream out, String type, byte[] payload) {
    out.writeBytes(type.getBytes(StandardCharsets.US_ASCII));
    if (payload != null) {
      out.writeBytes((" " + Integer.toHexString(payload.length)).getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(new byte[] {'\r', '\n'});
      out.writeBytes(payload);
    }
    out.writeBytes(new byte[] {'\r', '\n'});
  }

  private static int indexOfCrlf(byte[] b, int from) {
    for (int i = from; i + 1 < b.length; i++) {
      if (b[i] == '\r' && b[i + 1] == '\n') {
        return i;
      }
    }
    return -1;
  }
}
