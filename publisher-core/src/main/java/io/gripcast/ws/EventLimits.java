package io.gripcast.ws;

/**
 * Size limits for {@code application/websocket-events} bodies, checked before anything is
 * allocated, so that a body declaring an absurd content length fails fast instead of exhausting
 * memory.
 *
 * <p>Immutable; two limits are equal when both sizes are. Make one with {@link #of(int, int)} or
 * from {@link #defaults()} with {@link #withMaxBodySize(int)} and {@link #withMaxEventSize(int)}.
 */
public final class EventLimits {

  /** Pushpin's limit on a WebSocket-over-HTTP response body: 1,000,000 bytes. */
  public static final int DEFAULT_MAX_BODY_SIZE = 1_000_000;

  private static final EventLimits DEFAULTS = new EventLimits(DEFAULT_MAX_BODY_SIZE, DEFAULT_MAX_BODY_SIZE);

  private final int maxBodySize;
  private final int maxEventSize;

  private EventLimits(int maxBodySize, int maxEventSize) {
    if (maxBodySize < 1) {
      throw new IllegalArgumentException("maxBodySize must be at least 1 byte, but was " + maxBodySize);
    }
    if (maxEventSize < 1) {
      throw new IllegalArgumentException("maxEventSize must be at least 1 byte, but was " + maxEventSize);
    }
    this.maxBodySize = maxBodySize;
    this.maxEventSize = maxEventSize;
  }

  /**
   * Limits of the given sizes.
   *
   * @param maxBodySize see {@link #maxBodySize()}
   * @param maxEventSize see {@link #maxEventSize()}
   * @throws IllegalArgumentException when a size is below 1 byte
   */
  public static EventLimits of(int maxBodySize, int maxEventSize) {
    return new EventLimits(maxBodySize, maxEventSize);
  }

  /** 1,000,000 bytes for both the body and one event. */
  public static EventLimits defaults() {
    return DEFAULTS;
  }

  /**
   * The largest body accepted by the decoder or produced for a response, in bytes (Pushpin accepts
   * at most 1,000,000 bytes of response body from the backend).
   */
  public int maxBodySize() {
    return maxBodySize;
  }

  /** The largest content of one event, in bytes. */
  public int maxEventSize() {
    return maxEventSize;
  }

  /** These limits with another body size. */
  public EventLimits withMaxBodySize(int newMaxBodySize) {
    return new EventLimits(newMaxBodySize, maxEventSize);
  }

  /** These limits with another event size. */
  public EventLimits withMaxEventSize(int newMaxEventSize) {
    return new EventLimits(maxBodySize, newMaxEventSize);
  }

  @Override
  public boolean equals(Object o) {
    return o == this || o instanceof EventLimits l && maxBodySize == l.maxBodySize && maxEventSize == l.maxEventSize;
  }

  @Override
  public int hashCode() {
    return 31 * Integer.hashCode(maxBodySize) + Integer.hashCode(maxEventSize);
  }

  @Override
  public String toString() {
    return "EventLimits[maxBodySize=" + maxBodySize + ", maxEventSize=" + maxEventSize + "]";
  }
}
