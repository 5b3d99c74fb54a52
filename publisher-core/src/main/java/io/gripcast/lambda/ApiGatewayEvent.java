package io.gripcast.lambda;

import io.gripcast.ws.EventLimits;
import io.gripcast.ws.NotWebSocketOverHttpException;
import io.gripcast.ws.WebSocketRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Reads an API Gateway proxy event map (payload 1.0 or 2.0) into a {@link WebSocketRequest}. The
 * only class that knows the event's field names.
 *
 * @param request the request
 * @param base64 whether the event body was base64-encoded
 */
record ApiGatewayEvent(WebSocketRequest request, boolean base64) {

  static ApiGatewayEvent parse(Map<String, Object> event, EventLimits limits) {
    if (event == null) {
      throw new NotWebSocketOverHttpException("the Lambda event is null");
    }
    boolean v2 = "2.0".equals(event.get("version"));
    WebSocketRequest.Builder b = WebSocketRequest.builder();

    if (v2) {
      Map<String, Object> http = map(map(event, "requestContext"), "http", "requestContext.http");
      Object method = http == null ? null : http.get("method");
      if (!(method instanceof String)) {
        throw new NotWebSocketOverHttpException("the HTTP API (payload 2.0) event has no requestContext.http.method");
      }
      b.method((String) method);
      // payload 2.0 headers are lower case, repeated values already joined with commas
      Map<String, Object> headers = map(event, "headers");
      if (headers != null) {
        headers.forEach((name, value) -> b.header(name, string(value, "headers." + name)));
      }
      Object raw = event.get("rawQueryString");
      if (raw instanceof String && !((String) raw).isEmpty()) {
        b.rawQuery((String) raw);
      } else {
        Map<String, Object> query = map(event, "queryStringParameters");
        if (query != null) {
          query.forEach((name, value) -> b.queryParameter(name, string(value, "queryStringParameters." + name)));
        }
      }
    } else if (event.get("httpMethod") instanceof String) {
      b.method((String) event.get("httpMethod"));
      // multiValueHeaders has every value; headers only the last one of each name
      Map<String, Object> multi = map(event, "multiValueHeaders");
      if (multi != null) {
        multi.forEach((name, values) -> {
          for (Object v : list(values, "multiValueHeaders." + name)) {
            b.header(name, string(v, "multiValueHeaders." + name));
          }
        });
      } else {
        Map<String, Object> headers = map(event, "headers");
        if (headers != null) {
          headers.forEach((name, value) -> b.header(name, string(value, "headers." + name)));
        }
      }
      Map<String, Object> multiQuery = map(event, "multiValueQueryStringParameters");
      if (multiQuery != null) {
        multiQuery.forEach((name, values) -> {
          for (Object v : list(values, "multiValueQueryStringParameters." + name)) {
            b.queryParameter(name, string(v, "multiValueQueryStringParameters." + name));
          }
        });
      } else {
        Map<String, Object> query = map(event, "queryStringParameters");
        if (query != null) {
          query.forEach((name, value) -> b.queryParameter(name, string(value, "queryStringParameters." + name)));
        }
      }
    } else {
      throw new NotWebSocketOverHttpException(
          "the Lambda event is neither an API Gateway REST API proxy event (payload 1.0, with httpMethod) nor an"
              + " HTTP API one (payload 2.0, with \"version\": \"2.0\")");
    }

    boolean base64 = isBase64(event.get("isBase64Encoded"));
    Object body = event.get("body");
    if (body != null && !(body instanceof String)) {
      throw new NotWebSocketOverHttpException("the event's body must be a string, but is " + body.getClass().getSimpleName());
    }
    b.body(body == null ? new byte[0] : bodyBytes((String) body, base64, limits.maxBodySize()));
    return new ApiGatewayEvent(b.build(), base64);
  }

  private static byte[] bodyBytes(String body, boolean base64, int maxBodySize) {
    if (base64) {
      // check the decoded size before decoding: 4 base64 characters give at most 3 bytes
      long atLeast = (long) body.length() / 4 * 3 - 2;
      if (atLeast > maxBodySize) {
        throw new NotWebSocketOverHttpException(
            "the body decodes to about " + atLeast + " bytes, over the limit of " + maxBodySize + " bytes (EventLimits.maxBodySize)");
      }
      try {
        return Base64.getDecoder().decode(body);
      } catch (IllegalArgumentException e) {
        throw new NotWebSocketOverHttpException("isBase64Encoded is true but the body is not valid base64: " + e.getMessage(), e);
      }
    }
    if (body.length() > maxBodySize) { // every char is at least one UTF-8 byte
      throw new NotWebSocketOverHttpException(
          "the body is over the limit of " + maxBodySize + " bytes (EventLimits.maxBodySize)");
    }
    return body.getBytes(StandardCharsets.UTF_8);
  }

  private static boolean isBase64(Object flag) {
    if (flag == null) {
      return false;
    }
    if (flag instanceof Boolean) {
      return (Boolean) flag;
    }
    if (flag instanceof String) {
      return Boolean.parseBoolean((String) flag);
    }
    throw new NotWebSocketOverHttpException("the event's isBase64Encoded must be a boolean, but is " + flag);
  }

  private static Map<String, Object> map(Map<String, Object> parent, String field) {
    return map(parent, field, field);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Map<String, Object> parent, String field, String path) {
    if (parent == null) {
      return null;
    }
    Object v = parent.get(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Map)) {
      throw new NotWebSocketOverHttpException("the event's " + path + " must be an object, but is " + v.getClass().getSimpleName());
    }
    return (Map<String, Object>) v;
  }

  private static List<?> list(Object v, String path) {
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List)) {
      throw new NotWebSocketOverHttpException("the event's " + path + " must be a list, but is " + v.getClass().getSimpleName());
    }
    return (List<?>) v;
  }

  private static String string(Object v, String path) {
    if (!(v instanceof String)) {
      throw new NotWebSocketOverHttpException(
          "the event's " + path + " must be a string, but is " + (v == null ? "null" : v.getClass().getSimpleName()));
    }
    return (String) v;
  }
}
