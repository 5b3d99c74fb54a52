package io.gripcast.ws;

import java.nio.charset.StandardCharsets;

/** Which close codes and reasons a backend may send (RFC 6455 §7.4). */
final class CloseCodes {
  private CloseCodes() {}

  /** The WebSocket limit on a close reason: a 125-byte control frame less the 2-byte code. */
  static final int MAX_REASON_BYTES = 123;

  /**
   * Checks a code and reason about to be sent. 1005 (no status) is allowed only without a reason:
   * it is written as a CLOSE event without content.
   */
  static void checkSendable(int code, String reason) {
    if (code == WebSocketEvent.Close.NO_STATUS) {
      return; // the Close record already refuses a reason without a code
    }
    if (code < 1000 || code > 4999 || code == 1004 || code == 1006 || code == 1015) {
      throw new IllegalArgumentException(
          "close code " + code + " cannot be sent: use 1000 (normal), another registered code (1001-3999),"
              + " or 4000-4999 for your application; never 0, 1004, 1006 or 1015");
    }
    int n = reason.getBytes(StandardCharsets.UTF_8).length;
    if (n > MAX_REASON_BYTES) {
      throw new IllegalArgumentException(
          "close reason is " + n + " UTF-8 bytes; WebSocket allows at most " + MAX_REASON_BYTES);
    }
  }
}
