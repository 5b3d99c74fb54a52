package io.gripcast.ws;

import io.gripcast.GripException;

/**
 * A request is not a (valid) WebSocket-over-HTTP request: wrong method, wrong content type, no
 * {@code Connection-Id}, a malformed events body, or an event map that is not an API Gateway proxy
 * event. Handlers usually answer it with 400 and {@link #getMessage()}, which reads
 * {@code "Not a WebSocket-over-HTTP request: <why>"}.
 */
public final class NotWebSocketOverHttpException extends GripException {
  private static final long serialVersionUID = 1L;

  private final String reason;

  /**
   * @param reason why the request is not acceptable, e.g. {@code "method GET, expected POST"}
   */
  public NotWebSocketOverHttpException(String reason) {
    this(reason, null);
  }

  /**
   * @param reason why the request is not acceptable
   * @param cause the underlying failure, e.g. a {@link WebSocketEventException}
   */
  public NotWebSocketOverHttpException(String reason, Throwable cause) {
    super("Not a WebSocket-over-HTTP request: " + reason, cause);
    this.reason = reason;
  }

  /** Why the request was refused, without the "Not a WebSocket-over-HTTP request: " lead. */
  public String reason() {
    return reason;
  }
}
