package io.gripcast.item;

/** The WebSocket frame type of a ws-message; by default text content gives TEXT, bytes give BINARY. */
public enum WsType {
  TEXT,
  BINARY,
  PING,
  PONG
}
