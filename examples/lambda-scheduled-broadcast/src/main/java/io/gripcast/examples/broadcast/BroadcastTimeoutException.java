package io.gripcast.examples.broadcast;

import io.gripcast.GripException;

/**
 * The publish did not finish before the function's deadline, and was cancelled so that nothing is
 * left running when the handler returns. The items may or may not have reached the proxy; a retry
 * of the same scheduled event reuses their ids, so the proxy drops what it already has.
 */
public final class BroadcastTimeoutException extends GripException {
  private static final long serialVersionUID = 1L;

  BroadcastTimeoutException(String message) {
    super(message);
  }
}
