package io.gripcast.lambda;

import io.gripcast.ws.EventLimits;
import io.gripcast.ws.NotWebSocketOverHttpException;
import io.gripcast.ws.WebSocketContext;
import io.gripcast.ws.WebSocketEventException;
import io.gripcast.ws.WebSocketOptions;
import io.gripcast.ws.WebSocketRequest;
import io.gripcast.ws.WebSocketResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * WebSocket-over-HTTP for AWS Lambda behind API Gateway, without AWS classes: the event and the
 * result are the {@code Map<String, Object>} a {@code RequestHandler<Map<String, Object>,
 * Map<String, Object>>} receives and returns.
 *
 * <p>Both proxy integrations are understood, told apart by their shape:
 *
 * <ul>
 *   <li>REST API (payload 1.0, also ALB): {@code httpMethod}, {@code headers} /
 *       {@code multiValueHeaders}, {@code queryStringParameters} /
 *       {@code multiValueQueryStringParameters}, {@code body}, {@code isBase64Encoded};
 *   <li>HTTP API and function URLs (payload 2.0): {@code "version": "2.0"},
 *       {@code requestContext.http.method}, {@code headers} (lower case, repeated values joined
 *       with commas), {@code rawQueryString}, {@code body}, {@code isBase64Encoded}.
 * </ul>
 *
 * <pre>{@code
 * public Map<String, Object> handleRequest(Map<String, Object> event, Context lambda) {
 *   WebSocketContext ws;
 *   try {
 *     ws = LambdaWebSockets.context(event);
 *   } catch (NotWebSocketOverHttpException e) {
 *     return LambdaWebSockets.badRequest(e.getMessage());
 *   }
 *   if (ws.isOpening()) {
 *     ws.accept();
 *     ws.queryParameter("channel").ifPresent(ws::subscribe);
 *   }
 *   while (ws.canReceive()) {
 *     Content message = ws.receive();
 *     if (message == null) {
 *       ws.close();
 *       break;
 *     }
 *     ws.send(message);
 *   }
 *   return LambdaWebSockets.response(ws);
 * }
 * }</pre>
 *
 * <p>In API Gateway, add {@code application/websocket-events} as a binary media type, or binary
 * event bodies are damaged on the way in.
 */
public final class LambdaWebSockets {

  private LambdaWebSockets() {}

  /**
   * The request carried by an API Gateway proxy event, with the default body limit. Nothing about
   * WebSocket-over-HTTP is checked yet: see {@link #context(Map)}.
   *
   * @throws NotWebSocketOverHttpException when the event is not an API Gateway proxy event, or its
   *     body is not valid base64 or over the limit
   */
  public static WebSocketRequest request(Map<String, Object> event) {
    return request(event, EventLimits.defaults());
  }

  /**
   * The request carried by an API Gateway proxy event. The body limit is checked before the body
   * is decoded.
   *
   * @throws NotWebSocketOverHttpException when the event is not an API Gateway proxy event, or its
   *     body is not valid base64 or over the limit
   */
  public static WebSocketRequest request(Map<String, Object> event, EventLimits limits) {
    return ApiGatewayEvent.parse(event, limits).request();
  }

  /**
   * A WebSocket context for an API Gateway proxy event, with the default options.
   *
   * @throws NotWebSocketOverHttpException when the event is not a WebSocket-over-HTTP request
   *     (answer with {@link #badRequest(String)})
   */
  public static WebSocketContext context(Map<String, Object> event) {
    return context(event, WebSocketOptions.defaults());
  }

  /**
   * A WebSocket context for an API Gateway proxy event.
   *
   * @throws NotWebSocketOverHttpException when the event is not a WebSocket-over-HTTP request
   *     (answer with {@link #badRequest(String)})
   */
  public static WebSocketContext context(Map<String, Object> event, WebSocketOptions options) {
    Objects.requireNonNull(options, "options");
    ApiGatewayEvent parsed = ApiGatewayEvent.parse(event, options.limits());
    try {
      return WebSocketContext.from(parsed.request(), options);
    } catch (NotWebSocketOverHttpException e) {
      if (!parsed.base64() && e.getCause() instanceof WebSocketEventException) {
        throw new NotWebSocketOverHttpException(
            e.reason() + " (the event body was not base64-encoded: in API Gateway, add application/websocket-events"
                + " as a binary media type)",
            e.getCause());
      }
      throw e;
    }
  }

  /** The Lambda result for the context's response; see {@link #response(WebSocketResponse)}. */
  public static Map<String, Object> response(WebSocketContext context) {
    return response(Objects.requireNonNull(context, "context").toResponse());
  }

  /**
   * The Lambda result for a response:
   * {@code {"statusCode": 200, "headers": {...}, "body": "<base64>", "isBase64Encoded": true}}. The
   * body is always base64 so that binary events survive; the same shape suits both payload
   * versions.
   */
  public static Map<String, Object> response(WebSocketResponse response) {
    Objects.requireNonNull(response, "response");
    LinkedHashMap<String, Object> out = new LinkedHashMap<>();
    out.put("statusCode", response.status());
    out.put("headers", Collections.unmodifiableMap(new LinkedHashMap<>(response.headers())));
    out.put("body", Base64.getEncoder().encodeToString(response.body()));
    out.put("isBase64Encoded", Boolean.TRUE);
    return Collections.unmodifiableMap(out);
  }

  /**
   * A 400 result with a plain-text body:
   * {@code {"statusCode": 400, "headers": {"Content-Type": "text/plain; charset=utf-8"}, "body":
   * message, "isBase64Encoded": false}}. Use it with a {@link NotWebSocketOverHttpException}'s
   * message.
   */
  public static Map<String, Object> badRequest(String message) {
    Objects.requireNonNull(message, "message");
    WebSocketResponse r = WebSocketResponse.badRequest(message);
    LinkedHashMap<String, Object> out = new LinkedHashMap<>();
    out.put("statusCode", r.status());
    out.put("headers", Collections.unmodifiableMap(new LinkedHashMap<>(r.headers())));
    out.put("body", new String(r.body(), StandardCharsets.UTF_8));
    out.put("isBase64Encoded", Boolean.FALSE);
    return Collections.unmodifiableMap(out);
  }
}
