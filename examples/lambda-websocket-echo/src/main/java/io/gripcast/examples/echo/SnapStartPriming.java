package io.gripcast.examples.echo;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.gripcast.ws.WebSocketEvent;
import io.gripcast.ws.WebSocketEvents;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * Lambda SnapStart priming through the {@code org.crac} hooks: before the snapshot, runs the
 * handler on a made-up WebSocket-over-HTTP request (an HTTP API payload 2.0 event carrying
 * {@code OPEN} and a text message), so the event adapter, the event codec, the GRIP control
 * messages, the response encoding and, when Grip-Sig is checked, the JWT verification are loaded
 * and initialized in the snapshot instead of on the first request after a restore.
 *
 * <p>The echo handler never connects anywhere (it answers in its response; the proxy does the
 * rest), so priming sends nothing. Without a {@code Grip-Sig} header the made-up request is refused
 * when the check is on; that still exercises the verifier. Nothing is cached that must be fresh
 * after a restore (the verifier holds the configured key only, and reads the clock per request to
 * check {@code exp}), so {@link #afterRestore} has nothing to do.
 *
 * <p>Uses gripcast's public API only.
 */
final class SnapStartPriming implements Resource {

  /** Keeps the registered resource reachable: a CRaC context need not hold it strongly. */
  private static final List<SnapStartPriming> REGISTERED = new ArrayList<>();

  static final String PRIMING_CONNECTION_ID = "snapstart-priming";

  private final RequestHandler<Map<String, Object>, Map<String, Object>> handler;
  private volatile Map<String, Object> primedResponse;

  SnapStartPriming(RequestHandler<Map<String, Object>, Map<String, Object>> handler) {
    this.handler = Objects.requireNonNull(handler, "handler");
  }

  /** Registers a priming of {@code handler} with the global CRaC context (outside SnapStart or CRaC, a no-op). */
  static SnapStartPriming register(RequestHandler<Map<String, Object>, Map<String, Object>> handler) {
    SnapStartPriming priming = new SnapStartPriming(handler);
    synchronized (REGISTERED) {
      REGISTERED.add(priming);
    }
    Core.getGlobalContext().register(priming);
    return priming;
  }

  @Override
  public void beforeCheckpoint(Context<? extends Resource> context) {
    try {
      primedResponse = handler.handleRequest(primingEvent(), null);
    } catch (RuntimeException e) {
      // a failed hook would fail the version's publication; the function works, only unprimed
      System.err.println("SnapStartPriming: the priming request failed: " + e);
    }
  }

  @Override
  public void afterRestore(Context<? extends Resource> context) {
    // Nothing: no connection, token, time or random value was cached before the snapshot (see above).
  }

  /** What the handler answered to the priming request, for tests; null before priming. */
  Map<String, Object> primedResponse() {
    return primedResponse;
  }

  /** A WebSocket-over-HTTP request as an HTTP API (payload 2.0) event, as the proxy would send it. */
  static Map<String, Object> primingEvent() {
    byte[] body = WebSocketEvents.encode(WebSocketEvent.open(), WebSocketEvent.text("priming"));
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("content-type", WebSocketEvents.CONTENT_TYPE);
    headers.put("accept", WebSocketEvents.CONTENT_TYPE);
    headers.put("connection-id", PRIMING_CONNECTION_ID);
    headers.put("sec-websocket-extensions", "grip");
    Map<String, Object> http = new LinkedHashMap<>();
    http.put("method", "POST");
    http.put("path", "/ws");
    http.put("protocol", "HTTP/1.1");
    http.put("sourceIp", "127.0.0.1");
    Map<String, Object> requestContext = new LinkedHashMap<>();
    requestContext.put("http", http);
    requestContext.put("routeKey", "POST /{proxy+}");
    requestContext.put("stage", "$default");
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("version", "2.0");
    event.put("routeKey", "POST /{proxy+}");
    event.put("rawPath", "/ws");
    event.put("rawQueryString", "channel=snapstart-priming");
    event.put("queryStringParameters", Map.of("channel", "snapstart-priming"));
    event.put("headers", headers);
    event.put("requestContext", requestContext);
    event.put("body", Base64.getEncoder().encodeToString(body));
    event.put("isBase64Encoded", true);
    return event;
  }
}
