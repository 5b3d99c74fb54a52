package io.gripcast.examples.chat;

import io.gripcast.item.HttpStream;
import io.gripcast.item.Item;
import io.gripcast.item.WsMessage;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/** Rooms are channels: the names, and the one item that reaches a room's WebSockets and SSE views alike. */
final class Rooms {
  private static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,32}");
  /** Longer messages are cut: a chat line, not a document. */
  static final int MAX_TEXT = 500;

  private Rooms() {}

  /** The channel of a room, or 400 naming the rule. */
  static String channel(String room) {
    if (room == null || !NAME.matcher(room).matches()) {
      throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "room must be 1-32 of a-z, 0-9 and '-'");
    }
    return "chat-" + room;
  }

  /**
   * One item with two formats: a WebSocket message for the chat pages, an SSE event for the
   * read-only views.
   */
  static Item item(String type, String text) {
    String clipped = text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) : text;
    String json = "{\"type\":\"" + type + "\",\"text\":" + jsonString(clipped) + "}";
    return Item.of(WsMessage.text(json), HttpStream.text("event: " + type + "\ndata: " + json + "\n\n"));
  }

  private static String jsonString(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c == '<' || c == '>' || c == '&') {
            b.append(String.format("\\u%04x", (int) c)); // also keeps markup out of naive pages
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
