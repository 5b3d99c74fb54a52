package io.gripcast.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A channel a held request subscribes to, with the options of {@code Grip-Channel}.
 *
 * <p>Any non-empty name without control characters is valid in the {@code application/grip-instruct}
 * body; the {@code Grip-Channel} header is stricter (printable ASCII without {@code , ; "} or
 * spaces), which {@link GripInstruct#headers()} checks.
 *
 * <p>A record: its shape is fixed by the protocol.
 *
 * @param name the channel name
 * @param prevId the id of the last item the client has seen on this channel, or null; Pushpin
 *     uses it to detect missed items
 * @param filters subscription filters such as {@code skip-self}, in order
 */
public record GripChannel(String name, String prevId, List<String> filters) {

  public GripChannel {
    Objects.requireNonNull(name, "channel name must not be null");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("channel name must not be empty");
    }
    noControls(name, "channel name");
    if (prevId != null) {
      if (prevId.isEmpty()) {
        throw new IllegalArgumentException("prev-id of channel " + name + " must not be empty when given (use null)");
      }
      noControls(prevId, "prev-id of channel " + name);
    }
    filters = filters == null ? List.of() : List.copyOf(filters);
    for (String f : filters) {
      if (f.isBlank()) {
        throw new IllegalArgumentException("filter names of channel " + name + " must not be blank: " + filters);
      }
      noControls(f, "filter of channel " + name);
    }
  }

  /** A channel without prev-id or filters. */
  public static GripChannel of(String name) {
    return new GripChannel(name, null, List.of());
  }

  /** This channel with a prev-id. */
  public GripChannel withPrevId(String prevId) {
    return new GripChannel(name, prevId, filters);
  }

  /** This channel with one more filter. */
  public GripChannel withFilter(String filter) {
    List<String> more = new ArrayList<>(filters);
    more.add(Objects.requireNonNull(filter, "filter"));
    return new GripChannel(name, prevId, more);
  }

  private static void noControls(String s, String what) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw new IllegalArgumentException(what + " \"" + s.replaceAll("\\p{Cntrl}", "?") + "\" has a control character at index " + i);
      }
    }
  }
}
