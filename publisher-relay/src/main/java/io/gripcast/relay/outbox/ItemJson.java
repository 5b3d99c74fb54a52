package io.gripcast.relay.outbox;

import io.gripcast.GripJson;
import io.gripcast.item.Item;
import io.gripcast.item.Publication;
import io.gripcast.item.WsMessage;
import java.util.List;

/**
 * One publication as one wire item object, and back, through the core's {@link GripJson}: the core
 * stays the one place that knows the wire names. The core writes whole request bodies; an item
 * object is the body of a one-item list without the envelope, whose two ends are learnt here from
 * the core's own output rather than spelt out.
 */
final class ItemJson {

  /** Length of the envelope before the first item ({@code {"items":[}} today). */
  private static final int START;
  /** Length of the envelope after the last item. */
  private static final int END;

  static {
    String empty = GripJson.toJson(List.of());
    String one = GripJson.toJson(List.of(Item.of(WsMessage.text("x")).on("c")));
    int common = 0;
    // an item starts with '{' while an empty list goes on with its closing bracket: they part there
    while (common < empty.length() && empty.charAt(common) == one.charAt(common)) {
      common++;
    }
    START = common;
    END = empty.length() - common;
  }

  private ItemJson() {}

  /**
   * The item object of {@code publication}.
   *
   * @throws IllegalArgumentException if PostgreSQL's jsonb could not store it
   */
  static String write(Publication publication) {
    String body = GripJson.toJson(List.of(publication));
    String item = body.substring(START, body.length() - END);
    // jsonb refuses \u0000 in strings (it stores text in a form without NUL); say so before the
    // database answers with "unsupported Unicode escape sequence"
    if (item.contains("\\u0000")) {
      throw new IllegalArgumentException("the item for channel \"" + publication.channel() + "\" has a NUL character "
          + "(U+0000) in its text, which a PostgreSQL jsonb column cannot store: send such content as binary");
    }
    return item;
  }

  /**
   * The publication stored as {@code json}.
   *
   * @throws IllegalArgumentException naming what is wrong with it
   */
  static Publication read(String json) {
    return GripJson.parsePublication(json);
  }
}
