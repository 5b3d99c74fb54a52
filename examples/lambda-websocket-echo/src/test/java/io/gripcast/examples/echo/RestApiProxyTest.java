package io.gripcast.examples.echo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The API Gateway REST proxy emulation, without HTTP: requests to events, results to replies. */
class RestApiProxyTest {

  static final RestApiProxy PROXY = new RestApiProxy(List.of("application/websocket-events"));
  static final RestApiProxy.RequestInfo INFO = new RestApiProxy.RequestInfo("req-1", "127.0.0.1", 1_700_000_000_000L);

  static Map<String, List<String>> headers(String... nameValues) {
    Map<String, List<String>> h = new LinkedHashMap<>();
    for (int i = 0; i < nameValues.length; i += 2) {
      h.computeIfAbsent(nameValues[i], n -> new java.util.ArrayList<>()).add(nameValues[i + 1]);
    }
    return h;
  }

  @Test
  void aWebSocketEventsPostBecomesABase64ProxyEvent() {
    byte[] body = {'B', 'I', 'N', 'A', 'R', 'Y', ' ', '2', '\r', '\n', 0, (byte) 0xff, '\r', '\n'};
    Map<String, Object> e = PROXY.event("POST", "/ws", "channel=room%201&x=a+b&x=2&flag",
        headers("Content-Type", "application/websocket-events", "Connection-Id", "c1", "Meta-Tag", "one", "Meta-Tag", "two"),
        body, INFO);
    assertEquals("POST", e.get("httpMethod"));
    assertEquals("/ws", e.get("path"));
    assertEquals("/{proxy+}", e.get("resource"));
    assertEquals(Map.of("proxy", "ws"), e.get("pathParameters"));
    assertEquals(Map.of("Content-Type", "application/websocket-events", "Connection-Id", "c1", "Meta-Tag", "two"),
        e.get("headers"), "single-value headers keep the last value, as API Gateway does");
    assertEquals(Map.of("Content-Type", List.of("application/websocket-events"), "Connection-Id", List.of("c1"),
        "Meta-Tag", List.of("one", "two")), e.get("multiValueHeaders"));
    assertEquals(Map.of("channel", "room 1", "x", "2", "flag", ""), e.get("queryStringParameters"));
    assertEquals(Map.of("channel", List.of("room 1"), "x", List.of("a b", "2"), "flag", List.of("")),
        e.get("multiValueQueryStringParameters"));
    assertEquals(true, e.get("isBase64Encoded"));
    assertArrayEquals(body, Base64.getDecoder().decode((String) e.get("body")));
    @SuppressWarnings("unchecked")
    Map<String, Object> context = (Map<String, Object>) e.get("requestContext");
    assertEquals("req-1", context.get("requestId"));
    assertEquals("POST", context.get("httpMethod"));
    assertEquals(Map.of("sourceIp", "127.0.0.1"), withoutNulls(context.get("identity")));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> withoutNulls(Object map) {
    Map<String, Object> out = new LinkedHashMap<>();
    ((Map<String, Object>) map).forEach((k, v) -> {
      if (v != null) {
        out.put(k, v);
      }
    });
    return out;
  }

  @Test
  void theBinaryMediaTypeMatchesWhateverTheParametersAndCase() {
    Map<String, Object> e = PROXY.event("POST", "/", null,
        headers("content-type", "Application/WebSocket-Events; charset=utf-8"), new byte[] {1}, INFO);
    assertEquals(true, e.get("isBase64Encoded"));
    assertNull(e.get("pathParameters"));
    assertNull(e.get("queryStringParameters"));
    assertNull(e.get("multiValueQueryStringParameters"));
  }

  @Test
  void otherBodiesArriveAsTextAndBytesThatAreNotUtf8AreDamagedAsInApiGateway() {
    Map<String, Object> json = PROXY.event("POST", "/x", null, headers("Content-Type", "application/json"),
        "{\"a\":\"\u00e9\"}".getBytes(StandardCharsets.UTF_8), INFO);
    assertEquals(false, json.get("isBase64Encoded"));
    assertEquals("{\"a\":\"\u00e9\"}", json.get("body"));

    RestApiProxy noBinaryTypes = new RestApiProxy(List.of());
    Map<String, Object> damaged = noBinaryTypes.event("POST", "/ws", null,
        headers("Content-Type", "application/websocket-events"), new byte[] {'B', (byte) 0xff}, INFO);
    assertEquals(false, damaged.get("isBase64Encoded"));
    assertEquals("B\ufffd", damaged.get("body"));
  }

  @Test
  void wildcardBinaryMediaTypes() {
    byte[] one = {1};
    assertEquals(true, new RestApiProxy(List.of("*/*")).event("POST", "/", null, headers("Content-Type", "text/plain"), one, INFO)
        .get("isBase64Encoded"));
    RestApiProxy application = new RestApiProxy(List.of("application/*"));
    assertEquals(true, application.event("POST", "/", null, headers("Content-Type", "application/x"), one, INFO).get("isBase64Encoded"));
    assertEquals(false, application.event("POST", "/", null, headers("Content-Type", "text/x"), one, INFO).get("isBase64Encoded"));
    assertEquals(false, application.event("POST", "/", null, headers(), one, INFO).get("isBase64Encoded"));
  }

  @Test
  void aRequestWithoutBodyHasANullBody() {
    Map<String, Object> e = PROXY.event("GET", "/ws", "", headers("Accept", "*/*"), new byte[0], INFO);
    assertNull(e.get("body"));
    assertEquals(false, e.get("isBase64Encoded"));
  }

  @Test
  void badBinaryMediaTypesAreRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RestApiProxy(List.of("websocket-events")));
    assertTrue(e.getMessage().contains("type/subtype"), e.getMessage());
  }

  // ------------------------------------------------------------------ results

  @Test
  void aBase64ResultIsDecodedAndItsHeadersKept() {
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("statusCode", 200);
    result.put("headers", Map.of("Content-Type", "application/websocket-events"));
    result.put("body", Base64.getEncoder().encodeToString(new byte[] {0, (byte) 0xff}));
    result.put("isBase64Encoded", true);
    RestApiProxy.Reply reply = PROXY.reply(result);
    assertEquals(200, reply.status());
    assertEquals(List.of(Map.entry("Content-Type", "application/websocket-events")), reply.headers());
    assertArrayEquals(new byte[] {0, (byte) 0xff}, reply.body());
  }

  @Test
  void headersAndMultiValueHeadersMergeAsInApiGateway() {
    Map<String, Object> headers = new LinkedHashMap<>();
    headers.put("X-One", "1");
    headers.put("x-two", "single");
    headers.put("Content-Length", "999");
    headers.put("X-Number", 5);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("statusCode", "201");
    result.put("headers", headers);
    result.put("multiValueHeaders", Map.of("X-Two", List.of("a", "b")));
    result.put("body", "caf\u00e9");
    RestApiProxy.Reply reply = PROXY.reply(result);
    assertEquals(201, reply.status());
    assertEquals(List.of(Map.entry("X-One", "1"), Map.entry("X-Number", "5"), Map.entry("X-Two", "a"), Map.entry("X-Two", "b")),
        reply.headers(), "a name in both takes the multi-value list; framing headers are the server's");
    assertArrayEquals("caf\u00e9".getBytes(StandardCharsets.UTF_8), reply.body());
  }

  @Test
  void resultsApiGatewayWouldRefuse() {
    assertTrue(malformed(null).contains("returned null"));
    assertTrue(malformed("text").contains("java.lang.String"));
    assertTrue(malformed(Map.of("body", "x")).contains("statusCode is missing"));
    assertTrue(malformed(Map.of("statusCode", 2.5)).contains("statusCode is '2.5'"));
    assertTrue(malformed(Map.of("statusCode", 99)).contains("not an HTTP status"));
    assertTrue(malformed(Map.of("statusCode", 200, "body", 5)).contains("body must be a string"));
    assertTrue(malformed(Map.of("statusCode", 200, "headers", List.of())).contains("headers must be an object"));
    assertTrue(malformed(Map.of("statusCode", 200, "body", "%%", "isBase64Encoded", true)).contains("not valid base64"));
    assertTrue(malformed(Map.of("statusCode", 200, "headers", Map.of("X", "a\r\nInjected: 1"))).contains("CR or LF"));
  }

  static String malformed(Object result) {
    return assertThrows(RestApiProxy.MalformedResultException.class, () -> PROXY.reply(result)).getMessage();
  }

  @Test
  void internalErrorIsApiGateways502() {
    RestApiProxy.Reply r = RestApiProxy.internalError();
    assertEquals(502, r.status());
    assertEquals("{\"message\": \"Internal server error\"}", new String(r.body(), StandardCharsets.UTF_8));
  }
}
