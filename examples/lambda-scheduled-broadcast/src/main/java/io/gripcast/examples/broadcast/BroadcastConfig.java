package io.gripcast.examples.broadcast;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the scheduled broadcast publishes: the channels and the text of each message.
 *
 * @param channels the channels to publish to, at least one, without duplicates, in order
 * @param text the text carried by every broadcast message
 */
public record BroadcastConfig(List<String> channels, String text) {

  /** Comma-separated channels to publish to; default {@value #DEFAULT_CHANNEL}. */
  public static final String ENV_CHANNELS = "BROADCAST_CHANNELS";
  /** The text of the message; default {@value #DEFAULT_TEXT}. */
  public static final String ENV_TEXT = "BROADCAST_TEXT";

  public static final String DEFAULT_CHANNEL = "news";
  public static final String DEFAULT_TEXT = "scheduled broadcast";

  public BroadcastConfig {
    Objects.requireNonNull(channels, "channels");
    Objects.requireNonNull(text, "text");
    if (channels.isEmpty()) {
      throw new IllegalArgumentException("at least one channel is needed");
    }
    for (String c : channels) {
      if (c == null || c.isEmpty()) {
        throw new IllegalArgumentException("channel names must not be empty: " + channels);
      }
    }
    channels = List.copyOf(new LinkedHashSet<>(channels));
  }

  /**
   * Reads {@value #ENV_CHANNELS} (comma-separated, blanks around names ignored) and
   * {@value #ENV_TEXT}; unset or empty values take the defaults.
   *
   * @throws IllegalArgumentException naming the variable when it holds no channel name
   */
  public static BroadcastConfig fromEnvironment(Map<String, String> env) {
    String rawChannels = env.get(ENV_CHANNELS);
    List<String> channels = new ArrayList<>();
    if (rawChannels == null || rawChannels.isEmpty()) {
      channels.add(DEFAULT_CHANNEL);
    } else {
      for (String c : rawChannels.split(",")) {
        if (!c.isBlank()) {
          channels.add(c.strip());
        }
      }
      if (channels.isEmpty()) {
        throw new IllegalArgumentException(ENV_CHANNELS + " holds no channel name: give comma-separated names such"
            + " as 'news,alerts', or unset it for the default '" + DEFAULT_CHANNEL + "'");
      }
    }
    String text = env.get(ENV_TEXT);
    return new BroadcastConfig(channels, text == null || text.isEmpty() ? DEFAULT_TEXT : text);
  }
}
