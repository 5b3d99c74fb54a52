package io.gripcast.examples.echo;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What API Gateway's REST API does around a Lambda proxy integration: an HTTP request becomes a
 * payload 1.0 proxy event ({@code httpMethod}, {@code path}, {@code headers},
 * {@code multiValueHeaders}, {@code queryStringParameters}, {@code multiValueQueryStringParameters},
 * {@code body}, {@code isBase64Encoded}, ...), and the function's result map ({@code statusCode},
 * {@code headers}, {@code multiValueHeaders}, {@code body}, {@code isBase64Encoded}) becomes the
 * HTTP response. The only class of the local runner that knows those field names.
 *
 * <p>Like API Gateway, a request body whose media type is one of the API's binary media types
 * arrives base64-encoded with {@code isBase64Encoded: true}; any other body arrives as UTF-8 text
 * (bytes that are not UTF-8 are replaced, which is how binary events get damaged when the binary
 * media type is missing). Immutable.
 */
final class RestApiProxy {

  /** API Gateway's limit on a request payload. */
  static final int MAX_REQUEST_BYTES = 10 * 1024 * 1024;

  /** What the proxy integration needs to say about the request besides the HTTP message. */
  record RequestInfo(String requestId, String sourceIp, long epochMillis) {}

  /** An HTTP response: status, headers in order (a name may repeat), body. */
  record Reply(int status, List<Map.Entry<String, String>> headers, byte[] body) {
    Reply {
      headers = List.copyOf(headers);
      body = body.clone();
    }

    @Override
    public byte[] body() {
      return body.clone();
    }
  }

  /** A Lambda result API Gateway would refuse ("Malformed Lambda proxy response"). */
  static final class MalformedResultException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MalformedResultException(String message) {
      super(message);
    }
  }

  private final List<String> binaryMediaTypes;

  /**
   * @param binaryMediaTypes the API's binary media types, e.g. {@code application/websocket-events};
   *     {@code type/*} and {@code *}{@code /*} match as in API Gateway
   */
  RestApiProxy(List<String> binaryMediaTypes) {
    List<String> types = new ArrayList<>();
    for (String t : binaryMediaTypes) {
      String type = Objects.requireNonNull(t, "binary media type").trim().toLowerCase(Locale.ROOT);
      if (!type.matches("[a-z0-9!#$&^_.+*-]+/[a-z0-9!#$&^_.+*-]+")) {
        throw new IllegalArgumentException("binary media type '" + t + "' is not of the form type/subtype"
            + " (e.g. application/websocket-events, image/*, */*)");
      }
      types.add(type);
    }
    this.binaryMediaTypes = List.copyOf(types);
  }

  List<String> binaryMediaTypes() {
    return binaryMediaTypes;
  }

  /** The REST API (payload 1.0) proxy event for one request. Header names may come in any case. */
  Map<String, Object> event(String method, String rawPath, String rawQuery, Map<String, List<String>> headers,
      byte[] body, RequestInfo info) {
    String path = rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
    LinkedHashMap<String, Object> single = new LinkedHashMap<>();
    LinkedHashMap<String, Object> multi = new LinkedHashMap<>();
    headers.forEach((name, values) -> {
      if (!values.isEmpty()) {
        single.put(name, values.get(values.size() - 1)); // API Gateway keeps the last value
        multi.put(name, List.copyOf(values));
      }
    });
    LinkedHashMap<String, Object> query = new LinkedHashMap<>();
    LinkedHashMap<String, List<String>> multiQuery = new LinkedHashMap<>();
    if (rawQuery != null && !rawQuery.isEmpty()) {
      for (String pair : rawQuery.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String name = decode(eq < 0 ? pair : pair.substring(0, eq));
        String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
        query.put(name, value);
        multiQuery.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
      }
    }
    boolean binary = isBinary(lastValue(headers, "content-type"));

    LinkedHashMap<String, Object> identity = new LinkedHashMap<>();
    identity.put("sourceIp", info.sourceIp());
    identity.put("userAgent", lastValue(headers, "user-agent"));
    LinkedHashMap<String, Object> context = new LinkedHashMap<>();
    context.put("accountId", "000000000000");
    context.put("apiId", "local");
    context.put("resourcePath", "/{proxy+}");
    context.put("httpMethod", method);
    context.put("path", path);
    context.put("protocol", "HTTP/1.1");
    context.put("requestId", info.requestId());
    context.put("requestTimeEpoch", info.epochMillis());
    context.put("stage", "local");
    context.put("identity", Collections.unmodifiableMap(identity));

    LinkedHashMap<String, Object> event = new LinkedHashMap<>();
    event.put("resource", "/{proxy+}");
    event.put("path", path);
    event.put("httpMethod", method);
    event.put("headers", single.isEmpty() ? null : Collections.unmodifiableMap(single));
    event.put("multiValueHeaders", multi.isEmpty() ? null : Collections.unmodifiableMap(multi));
    event.put("queryStringParameters", query.isEmpty() ? null : Collections.unmodifiableMap(query));
    event.put("multiValueQueryStringParameters", multiQuery.isEmpty() ? null : unmodifiable(multiQuery));
    event.put("pathParameters", path.equals("/") ? null : Map.of("proxy", path.substring(1)));
    event.put("stageVariables", null);
    event.put("requestContext", Collections.unmodifiableMap(context));
    if (body.length == 0) {
      event.put("body", null);
      event.put("isBase64Encoded", false);
    } else if (binary) {
      event.put("body", Base64.getEncoder().encodeToString(body));
      event.put("isBase64Encoded", true);
    } else {
      event.put("body", new String(body, StandardCharsets.UTF_8)); // invalid bytes become U+FFFD
      event.put("isBase64Encoded", false);
    }
    return Collections.unmodifiableMap(event); // values may be null, as in the JSON API Gateway sends
  }

  /**
   * The HTTP response for a Lambda proxy result, merging {@code headers} and
   * {@code multiValueHeaders} as API Gateway does (a name in both takes the multi-value list).
   *
   * @throws MalformedResultException when API Gateway would refuse the result (answer 502)
   */
  Reply reply(Object result) {
    if (!(result instanceof Map)) {
      throw new MalformedResultException("the function returned " + (result == null ? "null" : result.getClass().getName())
          + ", not a map with statusCode, headers, body and isBase64Encoded");
    }
    Map<?, ?> map = (Map<?, ?>) result;
    Object code = map.get("statusCode");
    int status;
    if (code instanceof Number && ((Number) code).doubleValue() == ((Number) code).intValue()) {
      status = ((Number) code).intValue();
    } else if (code instanceof String && ((String) code).matches("[0-9]{3}")) {
      status = Integer.parseInt((String) code);
    } else {
      throw new MalformedResultException("statusCode is " + (code == null ? "missing" : "'" + code + "'")
          + ": it must be an integer HTTP status");
    }
    if (status < 100 || status > 599) {
      throw new MalformedResultException("statusCode " + status + " is not an HTTP status (100-599)");
    }

    List<Map.Entry<String, String>> headers = new ArrayList<>();
    Map<?, ?> multi = mapField(map, "multiValueHeaders");
    Map<?, ?> single = mapField(map, "headers");
    if (single != null) {
      single.forEach((name, value) -> {
        if (value != null && (multi == null || !containsIgnoreCase(multi, name.toString()))) {
          addHeader(headers, name.toString(), value.toString());
        }
      });
    }
    if (multi != null) {
      multi.forEach((name, values) -> {
        if (!(values instanceof List)) {
          throw new MalformedResultException("multiValueHeaders." + name + " must be a list");
        }
        for (Object v : (List<?>) values) {
          if (v != null) {
            addHeader(headers, name.toString(), v.toString());
          }
        }
      });
    }

    Object body = map.get("body");
    if (body != null && !(body instanceof String)) {
      throw new MalformedResultException("body must be a string, but is " + body.getClass().getSimpleName());
    }
    Object flag = map.get("isBase64Encoded");
    boolean base64 = Boolean.TRUE.equals(flag) || "true".equals(flag);
    byte[] bytes;
    if (body == null) {
      bytes = new byte[0];
    } else if (base64) {
      try {
        bytes = Base64.getDecoder().decode((String) body);
      } catch (IllegalArgumentException e) {
        throw new MalformedResultException("isBase64Encoded is true but the body is not valid base64: " + e.getMessage());
      }
    } else {
      bytes = ((String) body).getBytes(StandardCharsets.UTF_8);
    }
    return new Reply(status, headers, bytes);
  }

  /** API Gateway's answer when the function failed or returned something it cannot use. */
  static Reply internalError() {
    return json(502, "{\"message\": \"Internal server error\"}");
  }

  /** API Gateway's answer to a request over its payload limit. */
  static Reply tooLarge() {
    return json(413, "{\"message\":\"Request Too Long\"}");
  }

  private static Reply json(int status, String body) {
    return new Reply(status, List.of(Map.entry("Content-Type", "application/json")), body.getBytes(StandardCharsets.UTF_8));
  }

  private boolean isBinary(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semicolon = contentType.indexOf(';');
    String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    int slash = type.indexOf('/');
    for (String pattern : binaryMediaTypes) {
      if (pattern.equals("*/*") || pattern.equals(type)
          || pattern.endsWith("/*") && slash > 0 && type.substring(0, slash + 1).equals(pattern.substring(0, pattern.length() - 1))) {
        return true;
      }
    }
    return false;
  }

  /** The framing headers belong to the HTTP server, as they belong to API Gateway. */
  private static void addHeader(List<Map.Entry<String, String>> headers, String name, String value) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.equals("content-length") || lower.equals("transfer-encoding") || lower.equals("connection")) {
      return;
    }
    if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
      throw new MalformedResultException("header " + name + " has a CR or LF in its value");
    }
    headers.add(Map.entry(name, value));
  }

  private static Map<?, ?> mapField(Map<?, ?> result, String field) {
    Object v = result.get(field);
    if (v != null && !(v instanceof Map)) {
      throw new MalformedResultException(field + " must be an object, but is " + v.getClass().getSimpleName());
    }
    return (Map<?, ?>) v;
  }

  private static boolean containsIgnoreCase(Map<?, ?> map, String name) {
    for (Object k : map.keySet()) {
      if (k.toString().equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  private static String lastValue(Map<String, List<String>> headers, String lowerName) {
    String found = null;
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase(lowerName) && !e.getValue().isEmpty()) {
        found = e.getValue().get(e.getValue().size() - 1);
      }
    }
    return found;
  }

  /** Percent-decodes a query component ({@code +} is a space); malformed escapes stay as written. */
  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8); // bytes that are not UTF-8 become U+FFFD
    } catch (IllegalArgumentException e) {
      return s;
    }
  }

  private static Map<String, List<String>> unmodifiable(Map<String, List<String>> m) {
    LinkedHashMap<String, List<String>> copy = new LinkedHashMap<>();
    m.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    return Collections.unmodifiableMap(copy);
  }
}
