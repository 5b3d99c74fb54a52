package io.gripcast.http;

/**
 * When a GRIP keep-alive is sent: used by {@code Grip-Keep-Alive} for held HTTP streams and by the
 * WebSocket {@code keep-alive} control message.
 */
public enum KeepAliveMode {
  /** Send the keep-alive only after the timeout passes with nothing else sent (the default). */
  IDLE,
  /** Send the keep-alive every timeout, whatever else is sent. */
  INTERVAL
}
