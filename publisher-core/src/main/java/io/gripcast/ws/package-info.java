/**
 * WebSocket-over-HTTP for backends behind a GRIP proxy (Pushpin with {@code over_http}, Fastly
 * Fanout): the {@code application/websocket-events} codec ({@link io.gripcast.ws.WebSocketEvents},
 * {@link io.gripcast.ws.WebSocketEvent}), the per-request {@link io.gripcast.ws.WebSocketContext},
 * and its {@link io.gripcast.ws.WebSocketResponse}.
 *
 * <p>Pure: no network, no framework. A handler turns its framework's request into a
 * {@link io.gripcast.ws.WebSocketRequest} (or calls
 * {@link io.gripcast.ws.WebSocketContext#fromRequest}), works with the context, and writes the
 * response's status, headers and body back. Jackson is used inside for control messages and never
 * appears in a signature.
 */
package io.gripcast.ws;
