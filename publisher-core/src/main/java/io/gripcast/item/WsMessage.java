package io.gripcast.item;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * The {@code ws-message} format: a frame for WebSocket subscribers (including WebSocket-over-HTTP
 * connections), or a close of the connection.
 *
 * <p>Immutable; two messages are equal when all their values are. Make one with the factories
 * ({@link #text(String)}, {@link #close(int, String)}, ...) or with {@link #builder()}.
 */
public final class WsMessage implements Format {

  /** The WebSocket protocol limit on a close reason (125-byte control frame less the 2-byte code). */
  public static final int MAX_CLOSE_REASON_BYTES = 123;

  private final Action action;
  private final Content content;
  private final WsType type;
  private final Integer closeCode;
  private final String closeReason;
  private final List<String> contentFilters;

  private WsMessage(
      Action action, Content content, WsType type, Integer closeCode, String closeReason, List<String> contentFilters) {
    Validation.required(action, "ws-message action");
    contentFilters = Validation.contentFilters(contentFilters, "ws-message");
    if (content instanceof Content.Text t) {
      Validation.utf8Text(t.value(), "ws-message content");
    }
    Validation.utf8Text(closeReason, "ws-message close reason");
    switch (action) {
      case SEND -> {
        if (closeCode != null || closeReason != null) {
          throw new IllegalArgumentException(
              "ws-message close code and reason are only for action CLOSE, not SEND (code " + closeCode
                  + ", reason " + Validation.quote(closeReason) + ")");
        }
        if (content == null && (type == null || type == WsType.TEXT || type == WsType.BINARY)) {
          throw new IllegalArgumentException(
              "ws-message of type " + (type == null ? "text (default)" : type.name().toLowerCase())
                  + " needs content: use WsMessage.text(..) or WsMessage.binary(..)");
        }
      }
      case CLOSE -> {
        if (content != null || type != null) {
          throw new IllegalArgumentException("ws-message CLOSE carries no content or frame type; give a code and reason instead");
        }
        if (closeCode != null) {
          int c = closeCode;
          if (c < 1000 || c > 4999 || c == 1004 || c == 1005 || c == 1006 || c == 1015) {
            throw new IllegalArgumentException(
                "ws-message close code must be 1000-4999 and not the reserved 1004, 1005, 1006 or 1015, but was "
                    + c + " (use 1000 for a normal close, 4000-4999 for your application's codes)");
          }
        }
        if (closeReason != null) {
          if (closeCode == null) {
            throw new IllegalArgumentException("ws-message close reason " + Validation.quote(closeReason) + " needs a close code too");
          }
          int n = closeReason.getBytes(StandardCharsets.UTF_8).length;
          if (n > MAX_CLOSE_REASON_BYTES) {
            throw new IllegalArgumentException(
                "ws-message close reason is " + n + " UTF-8 bytes; WebSocket allows at most " + MAX_CLOSE_REASON_BYTES);
          }
        }
      }
      case HINT -> {
        if (content != null || type != null || closeCode != null || closeReason != null) {
          throw new IllegalArgumentException("ws-message HINT carries nothing but the action");
        }
      }
    }
    this.action = action;
    this.content = content;
    this.type = type;
    this.closeCode = closeCode;
    this.closeReason = closeReason;
    this.contentFilters = contentFilters;
  }

  /** A text frame. */
  public static WsMessage text(String text) {
    return new WsMessage(Action.SEND, Content.text(text), null, null, null, List.of());
  }

  /** A binary frame; the bytes are copied. */
  public static WsMessage binary(byte[] bytes) {
    return new WsMessage(Action.SEND, Content.bytes(bytes), null, null, null, List.of());
  }

  /** A frame carrying {@code content}, of its default type. */
  public static WsMessage of(Content content) {
    return new WsMessage(Action.SEND, Validation.required(content, "ws-message content"), null, null, null, List.of());
  }

  /** A frame of an explicit type; content may be null for ping and pong. */
  public static WsMessage of(WsType type, Content content) {
    return new WsMessage(Action.SEND, content, Validation.required(type, "ws-message type"), null, null, List.of());
  }

  /** An empty ping frame. */
  public static WsMessage ping() {
    return of(WsType.PING, null);
  }

  /** An empty pong frame. */
  public static WsMessage pong() {
    return of(WsType.PONG, null);
  }

  /** Closes the connection; the proxy sends close code 1000. */
  public static WsMessage close() {
    return new WsMessage(Action.CLOSE, null, null, null, null, List.of());
  }

  /** Closes the connection with a code and an optional reason. */
  public static WsMessage close(int code, String reason) {
    return new WsMessage(Action.CLOSE, null, null, code, reason, List.of());
  }

  /** A hint; Pushpin ignores hints for WebSockets, but pushpin-publish sends one, so it is expressible. */
  public static WsMessage hint() {
    return new WsMessage(Action.HINT, null, null, null, null, List.of());
  }

  /**
   * A builder for any message, the factories' cases included: action SEND and nothing else until
   * set. {@link Builder#build()} checks the combination as the factories do.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this message's values. */
  public Builder toBuilder() {
    return new Builder().action(action).content(content).type(type).closeCode(closeCode).closeReason(closeReason)
        .contentFilters(contentFilters);
  }

  /** This message with the given content filters. */
  public WsMessage withContentFilters(List<String> filters) {
    return new WsMessage(action, content, type, closeCode, closeReason, filters);
  }

  /** SEND (a frame), CLOSE (close the connection) or HINT (ignored by Pushpin for WebSockets). */
  @Override
  public Action action() {
    return action;
  }

  /** The frame's payload, or null; required for text and binary frames, optional for ping and pong. */
  public Content content() {
    return content;
  }

  /** The frame type, or null for the default (TEXT for text content, BINARY for bytes). */
  public WsType type() {
    return type;
  }

  /** Close status for CLOSE (1000-4999, not the reserved 1004, 1005, 1006, 1015), or null. */
  public Integer closeCode() {
    return closeCode;
  }

  /** Close reason for CLOSE (at most 123 UTF-8 bytes), or null. */
  public String closeReason() {
    return closeReason;
  }

  /** Content filters that must equal the subscription's (usually empty); unmodifiable. */
  public List<String> contentFilters() {
    return contentFilters;
  }

  @Override
  public boolean equals(Object o) {
    return o == this
        || o instanceof WsMessage m
            && action == m.action
            && Objects.equals(content, m.content)
            && type == m.type
            && Objects.equals(closeCode, m.closeCode)
            && Objects.equals(closeReason, m.closeReason)
            && contentFilters.equals(m.contentFilters);
  }

  @Override
  public int hashCode() {
    return Objects.hash(action, content, type, closeCode, closeReason, contentFilters);
  }

  @Override
  public String toString() {
    return "WsMessage[action=" + action + ", content=" + content + ", type=" + type + ", closeCode=" + closeCode
        + ", closeReason=" + closeReason + ", contentFilters=" + contentFilters + "]";
  }

  /** Builds a {@link WsMessage}. Not thread-safe. */
  public static final class Builder {
    private Action action = Action.SEND;
    private Content content;
    private WsType type;
    private Integer closeCode;
    private String closeReason;
    private List<String> contentFilters = List.of();

    private Builder() {}

    /** SEND unless set. */
    public Builder action(Action action) {
      this.action = action;
      return this;
    }

    public Builder content(Content content) {
      this.content = content;
      return this;
    }

    /** The frame type; null (the default) picks TEXT or BINARY from the content. */
    public Builder type(WsType type) {
      this.type = type;
      return this;
    }

    /** The close code, for CLOSE only; null for none. */
    public Builder closeCode(Integer closeCode) {
      this.closeCode = closeCode;
      return this;
    }

    /** The close reason, for CLOSE with a code only; null for none. */
    public Builder closeReason(String closeReason) {
      this.closeReason = closeReason;
      return this;
    }

    /** The content filters; null means none. */
    public Builder contentFilters(List<String> filters) {
      this.contentFilters = filters;
      return this;
    }

    /**
     * The message.
     *
     * @throws IllegalArgumentException when the values do not fit together or a value is invalid,
     *     with the same messages as the factories
     * @throws NullPointerException when the action was set to null
     */
    public WsMessage build() {
      return new WsMessage(action, content, type, closeCode, closeReason, contentFilters);
    }
  }
}
