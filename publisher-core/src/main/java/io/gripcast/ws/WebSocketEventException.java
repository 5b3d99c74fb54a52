package io.gripcast.ws;

import io.gripcast.GripException;

/**
 * An {@code application/websocket-events} body could not be decoded (or events could not be
 * encoded). The message names the byte offset into the body and what was expected there.
 */
public final class WebSocketEventException extends GripException {
  private static final long serialVersionUID = 1L;

  private final int offset;

  WebSocketEventException(int offset, String detail) {
    super("invalid application/websocket-events body at byte " + offset + ": " + detail);
    this.offset = offset;
  }

  WebSocketEventException(String message) {
    super(message);
    this.offset = -1;
  }

  /** The byte offset into the body where decoding failed, or -1 for an encoding error. */
  public int offset() {
    return offset;
  }
}
