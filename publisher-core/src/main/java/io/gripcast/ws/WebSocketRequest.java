package io.gripcast.ws;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A framework-neutral HTTP request, as a WebSocket-over-HTTP handler receives it. A plain value:
 * nothing is checked here beyond nulls; {@link WebSocketContext#from(WebSocketRequest)} decides
 * whether it is a WebSocket-over-HTTP request.
 *
 * <p>Header names are case-insensitive: they are stored in lower case, and repeated names (in any
 * case) are merged in order. Query parameters keep their case and order.
 *
 * <p>Immutable; two requests are equal when method, headers, query parameters and body bytes are.
 * Make one with {@link #of(String, Map, byte[])} or {@link #builder()}.
 *
 * <p>{@link #toString()} lists header names only, never values: {@code Grip-Sig} and meta values
 * may be sensitive.
 */
public final class WebSocketRequest {

  private final String method;
  private final Map<String, List<String>> headers;
  private final Map<String, List<String>> queryParameters;
  private final byte[] body;

  private WebSocketRequest(
      String method, Map<String, List<String>> headers, Map<String, List<String>> queryParameters, byte[] body) {
    this.method = Objects.requireNonNull(method, "method must not be null");
    this.headers = copyHeaders(headers);
    this.queryParameters = copyMultimap(queryParameters, "query parameter");
    this.body = body == null ? new byte[0] : body.clone();
  }

  /** A request without query parameters. */
  public static WebSocketRequest of(String method, Map<String, List<String>> headers, byte[] body) {
    return new WebSocketRequest(method, headers, Map.of(), body);
  }

  /** An empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this request's values. */
  public Builder toBuilder() {
    Builder b = new Builder().method(method).headers(headers).body(body);
    queryParameters.forEach((name, values) -> values.forEach(v -> b.queryParameter(name, v)));
    return b;
  }

  /** The HTTP method, e.g. {@code POST}. */
  public String method() {
    return method;
  }

  /** Header values by lower-case name. */
  public Map<String, List<String>> headers() {
    return headers;
  }

  /** Decoded query parameters of the request URL (the client's WebSocket URL). */
  public Map<String, List<String>> queryParameters() {
    return queryParameters;
  }

  /** A copy of the body bytes; empty when there is none. */
  public byte[] body() {
    return body.clone();
  }

  /** The number of body bytes, without copying them. */
  public int bodyLength() {
    return body.length;
  }

  /** The first value of a header (any case), if present. */
  public Optional<String> header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /** All values of a header (any case), in order; empty when absent. */
  public List<String> headerValues(String name) {
    return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
  }

  /** The first value of a query parameter (exact name), if present. */
  public Optional<String> queryParameter(String name) {
    List<String> values = queryParameters.get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  @Override
  public boolean equals(Object o) {
    return o == this
        || o instanceof WebSocketRequest r
            && method.equals(r.method)
            && headers.equals(r.headers)
            && queryParameters.equals(r.queryParameters)
            && Arrays.equals(body, r.body);
  }

  @Override
  public int hashCode() {
    return Objects.hash(method, headers, queryParameters, Arrays.hashCode(body));
  }

  @Override
  public String toString() {
    return "WebSocketRequest[method=" + method + ", headers=" + headers.keySet() + ", queryParameters="
        + queryParameters.keySet() + ", body=" + body.length + " bytes]";
  }

  /**
   * Parses a raw query string ({@code a=1&b=x%20y}) into decoded parameters, in order. Both
   * {@code %20} and {@code +} decode to a space, as browsers' {@code URLSearchParams} and servlet
   * containers treat query strings (a literal plus arrives as {@code %2B}). A malformed percent
   * escape is kept as written rather than failing the request.
   */
  public static Map<String, List<String>> parseQuery(String rawQuery) {
    LinkedHashMap<String, List<String>> out = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return Map.of();
    }
    String q = rawQuery.startsWith("?") ? rawQuery.substring(1) : rawQuery;
    for (String part : q.split("&")) {
      if (part.isEmpty()) {
        continue;
      }
      int eq = part.indexOf('=');
      String name = decodeQueryPart(eq < 0 ? part : part.substring(0, eq));
      String value = eq < 0 ? "" : decodeQueryPart(part.substring(eq + 1));
      out.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return copyMultimap(out, "query parameter");
  }

  private static String decodeQueryPart(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }

  private static Map<String, List<String>> copyHeaders(Map<String, List<String>> in) {
    if (in == null || in.isEmpty()) {
      return Map.of();
    }
    LinkedHashMap<String, List<String>> merged = new LinkedHashMap<>();
    in.forEach((name, values) -> {
      Objects.requireNonNull(name, "header name must not be null");
      Objects.requireNonNull(values, () -> "values of header " + name + " must not be null");
      List<String> target = merged.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>());
      for (String v : values) {
        target.add(Objects.requireNonNull(v, () -> "a value of header " + name + " is null"));
      }
    });
    return freeze(merged);
  }

  private static Map<String, List<String>> copyMultimap(Map<String, List<String>> in, String what) {
    if (in == null || in.isEmpty()) {
      return Map.of();
    }
    LinkedHashMap<String, List<String>> copy = new LinkedHashMap<>();
    in.forEach((name, values) -> {
      Objects.requireNonNull(name, what + " name must not be null");
      Objects.requireNonNull(values, () -> "values of " + what + " " + name + " must not be null");
      List<String> list = new ArrayList<>(values.size());
      for (String v : values) {
        list.add(Objects.requireNonNull(v, () -> "a value of " + what + " " + name + " is null"));
      }
      copy.put(name, list);
    });
    return freeze(copy);
  }

  private static Map<String, List<String>> freeze(LinkedHashMap<String, List<String>> map) {
    LinkedHashMap<String, List<String>> out = new LinkedHashMap<>();
    map.forEach((k, v) -> out.put(k, List.copyOf(v)));
    return Collections.unmodifiableMap(out);
  }

  /** Builds a {@link WebSocketRequest}. Not thread-safe. */
  public static final class Builder {
    private String method = "POST";
    private final LinkedHashMap<String, List<String>> headers = new LinkedHashMap<>();
    private final LinkedHashMap<String, List<String>> query = new LinkedHashMap<>();
    private byte[] body = new byte[0];

    private Builder() {}

    /** The HTTP method; POST unless set. */
    public Builder method(String method) {
      this.method = method;
      return this;
    }

    /** Adds one header value; names are case-insensitive. */
    public Builder header(String name, String value) {
      Objects.requireNonNull(name, "header name");
      Objects.requireNonNull(value, () -> "value of header " + name);
      headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(value);
      return this;
    }

    /** Adds every value of every header. */
    public Builder headers(Map<String, List<String>> headers) {
      if (headers != null) {
        headers.forEach((name, values) -> {
          Objects.requireNonNull(values, () -> "values of header " + name);
          values.forEach(v -> header(name, v));
        });
      }
      return this;
    }

    /** Adds one decoded query parameter. */
    public Builder queryParameter(String name, String value) {
      Objects.requireNonNull(name, "query parameter name");
      Objects.requireNonNull(value, () -> "value of query parameter " + name);
      query.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
      return this;
    }

    /** Adds the parameters of a raw query string; see {@link WebSocketRequest#parseQuery}. */
    public Builder rawQuery(String rawQuery) {
      parseQuery(rawQuery).forEach((name, values) -> values.forEach(v -> queryParameter(name, v)));
      return this;
    }

    /** The body; copied. Null means empty. */
    public Builder body(byte[] body) {
      this.body = body == null ? new byte[0] : body.clone();
      return this;
    }

    public WebSocketRequest build() {
      return new WebSocketRequest(method, headers, query, body);
    }
  }
}
