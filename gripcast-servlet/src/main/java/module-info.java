/**
 * Jakarta Servlet 6 support for gripcast: {@link io.gripcast.servlet.GripSigFilter} checks the
 * {@code Grip-Sig} a GRIP proxy signs each request with, {@link io.gripcast.servlet.GripRequest}
 * tells a handler what it found, {@link io.gripcast.servlet.GripResponses} answers with GRIP hold
 * instructions, and {@link io.gripcast.servlet.ServletWebSockets} adapts WebSocket-over-HTTP.
 */
module io.gripcast.servlet {
  // the API takes and returns io.gripcast and servlet types
  requires transitive io.gripcast;
  requires transitive jakarta.servlet;

  exports io.gripcast.servlet;
}
