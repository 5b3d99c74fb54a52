package io.gripcast.http;

/** The kind of GRIP hold ({@code Grip-Hold}). */
public enum HoldMode {
  /**
   * Long-polling: the request is held until something is published (the published http-response
   * completes it) or the timeout passes (the backend's own response is sent).
   */
  RESPONSE,
  /** Streaming: the backend's response body is sent now, and published content is appended. */
  STREAM
}
