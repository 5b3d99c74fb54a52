package io.gripcast.ws;

import java.util.Objects;

/**
 * How a {@link WebSocketContext} behaves. Immutable and thread-safe: build one at start-up and
 * share it between requests.
 *
 * <ul>
 *   <li>{@code messagePrefix} ({@code "m:"}): the GRIP message prefix put before every TEXT and
 *       BINARY message in GRIP mode. Use the same value on every request of a connection: it is
 *       announced once, in the accepting response.
 *   <li>{@code channelPrefix} ({@code ""}): put before every channel name in subscribe and
 *       unsubscribe, e.g. the value of {@code GRIP_PREFIX}.
 *   <li>{@code limits} (1,000,000 bytes): request and response body limits.
 *   <li>{@code autoPong} (true): answer every client PING with a PONG of the same content.
 *       Pushpin does not answer pings itself in WebSocket-over-HTTP mode, so without this a
 *       client's ping goes unanswered.
 *   <li>{@code grip} (true): use GRIP mode when the proxy offers it. Turn off only for a plain
 *       WebSocket-over-HTTP gateway where messages must go out unprefixed.
 * </ul>
 */
public final class WebSocketOptions {

  /** The default GRIP message prefix. */
  public static final String DEFAULT_MESSAGE_PREFIX = "m:";

  private static final WebSocketOptions DEFAULTS = builder().build();

  private final String messagePrefix;
  private final String channelPrefix;
  private final EventLimits limits;
  private final boolean autoPong;
  private final boolean grip;

  private WebSocketOptions(Builder b) {
    this.messagePrefix = b.messagePrefix;
    this.channelPrefix = b.channelPrefix;
    this.limits = b.limits;
    this.autoPong = b.autoPong;
    this.grip = b.grip;
  }

  /** The defaults: prefix {@code m:}, no channel prefix, 1,000,000-byte limits, auto-pong, GRIP. */
  public static WebSocketOptions defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these options. */
  public Builder toBuilder() {
    return new Builder().messagePrefix(messagePrefix).channelPrefix(channelPrefix).limits(limits).autoPong(autoPong).grip(grip);
  }

  public String messagePrefix() {
    return messagePrefix;
  }

  public String channelPrefix() {
    return channelPrefix;
  }

  public EventLimits limits() {
    return limits;
  }

  public boolean autoPong() {
    return autoPong;
  }

  public boolean grip() {
    return grip;
  }

  @Override
  public String toString() {
    return "WebSocketOptions[messagePrefix=\"" + messagePrefix + "\", channelPrefix=\"" + channelPrefix + "\", limits="
        + limits + ", autoPong=" + autoPong + ", grip=" + grip + "]";
  }

  /** Builds {@link WebSocketOptions}. Not thread-safe. */
  public static final class Builder {
    private String messagePrefix = DEFAULT_MESSAGE_PREFIX;
    private String channelPrefix = "";
    private EventLimits limits = EventLimits.defaults();
    private boolean autoPong = true;
    private boolean grip = true;

    private Builder() {}

    /**
     * The GRIP message prefix. It goes into the {@code Sec-WebSocket-Extensions} response header,
     * so it must be printable ASCII without {@code "} or {@code \}. It may be empty, in which case
     * sending text that starts with {@code c:} is refused (the proxy would take it for a control
     * message).
     */
    public Builder messagePrefix(String messagePrefix) {
      Objects.requireNonNull(messagePrefix, "messagePrefix must not be null (use \"\" for none)");
      for (int i = 0; i < messagePrefix.length(); i++) {
        char c = messagePrefix.charAt(i);
        if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
          throw new IllegalArgumentException(
              "messagePrefix \"" + messagePrefix + "\" has an unusable character at index " + i
                  + ": it is sent in a header, so use printable ASCII without '\"' or '\\'");
        }
      }
      if (messagePrefix.startsWith("c:")) {
        throw new IllegalArgumentException(
            "messagePrefix \"" + messagePrefix + "\" starts with \"c:\", the control-message prefix; pick another");
      }
      this.messagePrefix = messagePrefix;
      return this;
    }

    /** Put before every channel name in subscribe and unsubscribe (e.g. {@code GRIP_PREFIX}). */
    public Builder channelPrefix(String channelPrefix) {
      this.channelPrefix = Objects.requireNonNull(channelPrefix, "channelPrefix must not be null (use \"\" for none)");
      return this;
    }

    public Builder limits(EventLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    public Builder autoPong(boolean autoPong) {
      this.autoPong = autoPong;
      return this;
    }

    public Builder grip(boolean grip) {
      this.grip = grip;
      return this;
    }

    public WebSocketOptions build() {
      return new WebSocketOptions(this);
    }
  }
}
