package io.gripcast.ws;

/**
 * Size limits for {@code application/websocket-events} bodies, checked before anything is
 * allocated, so that a body declaring an absurd content length fails fast instead of exhausting
 * memory.
 *
 * @param maxBodySize the largest body accepted by the decoder or produced for a response, in bytes
 *     (Pushpin accepts at most 1,000,000 bytes of response body from the backend)
 * @param maxEventSize the largest content of one event, in bytes
 */
public record EventLimits(int maxBodySize, int maxEventSize) {

  /** Pushpin's limit on a WebSocket-over-HTTP response body: 1,000,000 bytes. */
  public static final int DEFAULT_MAX_BODY_SIZE = 1_000_000;

  private static final EventLimits DEFAULTS = new EventLimits(DEFAULT_MAX_BODY_SIZE, DEFAULT_MAX_BODY_SIZE);

  public EventLimits {
    if (maxBodySize < 1) {
      throw new IllegalArgumentException("maxBodySize must be at least 1 byte, but was " + maxBodySize);
    }
    if (maxEventSize < 1) {
      throw new IllegalArgumentException("maxEventSize must be at least 1 byte, but was " + maxEventSize);
    }
  }

  /** 1,000,000 bytes for both the body and one event. */
  public static EventLimits defaults() {
    return DEFAULTS;
  }
}
