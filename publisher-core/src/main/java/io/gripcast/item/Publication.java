package io.gripcast.item;

/**
 * An item bound for one channel: one entry of a publish request's {@code items} array.
 *
 * <p>A record: its shape is fixed by the protocol.
 *
 * @param channel the channel name; must not be empty
 * @param item what to deliver
 */
public record Publication(String channel, Item item) {

  public Publication {
    Validation.required(channel, "channel");
    Validation.required(item, "item");
    if (channel.isEmpty()) {
      throw new IllegalArgumentException("channel must not be empty: give the channel your subscribers hold");
    }
    Validation.utf8Text(channel, "channel");
  }
}
