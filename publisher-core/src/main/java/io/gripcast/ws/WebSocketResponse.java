package io.gripcast.ws;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The HTTP response a WebSocket-over-HTTP handler sends back: write the status, every header and
 * the body as they are. Produced by {@link WebSocketContext#toResponse()}, or by
 * {@link #badRequest(String)} for a request that was not WebSocket-over-HTTP.
 *
 * <p>A record: its shape is fixed by the protocol.
 *
 * @param status the HTTP status: 200 for events; another status only to reject an opening request
 * @param headers header values by name, in order (names as they should be written)
 * @param body the body bytes, copied in and out
 */
public record WebSocketResponse(int status, Map<String, String> headers, byte[] body) {

  public WebSocketResponse {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("HTTP status must be 100-599, but was " + status);
    }
    Objects.requireNonNull(headers, "headers");
    LinkedHashMap<String, String> copy = new LinkedHashMap<>();
    headers.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "header name"), Objects.requireNonNull(v, () -> "value of header " + k)));
    headers = Collections.unmodifiableMap(copy);
    body = Objects.requireNonNull(body, "body").clone();
  }

  /**
   * A 400 response with a plain-text body, for requests that are not WebSocket-over-HTTP; typically
   * {@code badRequest(e.getMessage())} for a {@link NotWebSocketOverHttpException}.
   */
  public static WebSocketResponse badRequest(String message) {
    return plain(400, message);
  }

  static WebSocketResponse plain(int status, String message) {
    Objects.requireNonNull(message, "message");
    return new WebSocketResponse(
        status, Map.of("Content-Type", "text/plain; charset=utf-8"), message.getBytes(StandardCharsets.UTF_8));
  }

  /** A copy of the body. */
  @Override
  public byte[] body() {
    return body.clone();
  }

  /** The value of a header, looked up without regard to case. */
  public Optional<String> header(String name) {
    for (Map.Entry<String, String> e : headers.entrySet()) {
      if (e.getKey().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
        return Optional.of(e.getValue());
      }
    }
    return Optional.empty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WebSocketResponse r && status == r.status && headers.equals(r.headers) && Arrays.equals(body, r.body);
  }

  @Override
  public int hashCode() {
    return Objects.hash(status, headers, Arrays.hashCode(body));
  }

  @Override
  public String toString() {
    return "WebSocketResponse[status=" + status + ", headers=" + headers.keySet() + ", body=" + body.length + " bytes]";
  }
}
