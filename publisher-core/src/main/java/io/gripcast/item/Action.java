package io.gripcast.item;

/**
 * What a format asks the proxy to do. {@link #SEND} delivers content; {@link #HINT} tells the proxy
 * to re-request the origin (ignored for WebSocket subscribers); {@link #CLOSE} ends the subscriber's
 * stream or WebSocket (meaningless for long-poll responses).
 */
public enum Action {
  SEND,
  HINT,
  CLOSE
}
