package io.gripcast.servlet;

import io.gripcast.ws.NotWebSocketOverHttpException;
import io.gripcast.ws.WebSocketContext;
import io.gripcast.ws.WebSocketOptions;
import io.gripcast.ws.WebSocketRequest;
import io.gripcast.ws.WebSocketResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * WebSocket-over-HTTP on servlets: turns an {@link HttpServletRequest} into a
 * {@link WebSocketContext}, and writes a {@link WebSocketResponse} to an
 * {@link HttpServletResponse}.
 *
 * <pre>{@code
 * protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
 *   ServletWebSockets.handle(req, resp, ws -> {
 *     if (ws.isOpening()) {
 *       ws.accept();
 *       ws.subscribe("room");
 *     }
 *     while (ws.canReceive()) {
 *       Content message = ws.receive();
 *       if (message == null) { ws.close(); break; }
 *       ws.send(message);
 *     }
 *   });
 * }
 * }</pre>
 *
 * <p>Route the path through the GRIP proxy with WebSocket-over-HTTP on (Pushpin: the route option
 * {@code over_http}).
 */
public final class ServletWebSockets {
  private ServletWebSockets() {}

  /**
   * The request as a framework-neutral {@link WebSocketRequest}: method, headers, query parameters
   * and body. Reads the body (at most {@code maxBodyBytes}).
   *
   * @throws NotWebSocketOverHttpException when the body is larger than {@code maxBodyBytes}
   * @throws IOException when reading the body fails
   */
  public static WebSocketRequest request(HttpServletRequest request, int maxBodyBytes) throws IOException {
    Objects.requireNonNull(request, "request");
    WebSocketRequest.Builder b = WebSocketRequest.builder().method(request.getMethod());
    for (Enumeration<String> names = request.getHeaderNames(); names.hasMoreElements(); ) {
      String name = names.nextElement();
      for (String value : Collections.list(request.getHeaders(name))) {
        b.header(name, value);
      }
    }
    String query = request.getQueryString();
    if (query != null) {
      b.rawQuery(query);
    }
    return b.body(readBody(request, maxBodyBytes)).build();
  }

  /**
   * A context for the request, with the default options.
   *
   * @throws NotWebSocketOverHttpException when it is not a WebSocket-over-HTTP request (answer 400)
   * @throws IOException when reading the body fails
   */
  public static WebSocketContext context(HttpServletRequest request) throws IOException {
    return context(request, WebSocketOptions.defaults());
  }

  /**
   * A context for the request. The body is read up to the options' body limit.
   *
   * @throws NotWebSocketOverHttpException when it is not a WebSocket-over-HTTP request, or its body
   *     is over the limit (answer 400)
   * @throws IOException when reading the body fails
   */
  public static WebSocketContext context(HttpServletRequest request, WebSocketOptions options) throws IOException {
    Objects.requireNonNull(options, "options");
    return WebSocketContext.from(request(request, options.limits().maxBodySize()), options);
  }

  /**
   * Writes {@code ws} (status, headers, body) to {@code response}.
   *
   * @throws IllegalStateException when the response is already committed
   * @throws IOException when writing fails
   */
  public static void write(WebSocketResponse ws, HttpServletResponse response) throws IOException {
    Objects.requireNonNull(ws, "ws");
    Objects.requireNonNull(response, "response");
    if (response.isCommitted()) {
      throw new IllegalStateException("the response is already committed: nothing may be written before the WebSocket-over-HTTP response");
    }
    response.setStatus(ws.status());
    for (Map.Entry<String, String> h : ws.headers().entrySet()) {
      response.setHeader(h.getKey(), h.getValue());
    }
    byte[] body = ws.body();
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  /**
   * Handles one WebSocket-over-HTTP request with the default options: makes the context, runs
   * {@code handler}, writes the context's response. A request that is not WebSocket-over-HTTP gets
   * 400 with the reason, and the handler is not run.
   */
  public static void handle(HttpServletRequest request, HttpServletResponse response, Consumer<WebSocketContext> handler)
      throws IOException {
    handle(request, response, WebSocketOptions.defaults(), handler);
  }

  /** As {@link #handle(HttpServletRequest, HttpServletResponse, Consumer)}, with {@code options}. */
  public static void handle(HttpServletRequest request, HttpServletResponse response, WebSocketOptions options,
      Consumer<WebSocketContext> handler) throws IOException {
    Objects.requireNonNull(handler, "handler");
    WebSocketContext ws;
    try {
      ws = context(request, options);
    } catch (NotWebSocketOverHttpException e) {
      write(WebSocketResponse.badRequest(e.getMessage()), response);
      return;
    }
    handler.accept(ws);
    write(ws.toResponse(), response);
  }

  private static byte[] readBody(HttpServletRequest request, int maxBodyBytes) throws IOException {
    long declared = request.getContentLengthLong();
    if (declared > maxBodyBytes) {
      throw tooLarge(maxBodyBytes);
    }
    try (InputStream in = request.getInputStream()) {
      // one byte more than allowed tells an over-long body without a Content-Length
      byte[] body = in.readNBytes(maxBodyBytes + 1 > 0 ? maxBodyBytes + 1 : maxBodyBytes);
      if (body.length > maxBodyBytes) {
        throw tooLarge(maxBodyBytes);
      }
      return body;
    }
  }

  private static NotWebSocketOverHttpException tooLarge(int maxBodyBytes) {
    return new NotWebSocketOverHttpException("the request body is larger than " + maxBodyBytes
        + " bytes, the WebSocket-over-HTTP body limit (raise it with WebSocketOptions.limits)");
  }
}
