package io.gripcast.lambda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gripcast.item.Content;
import io.gripcast.ws.EventLimits;
import io.gripcast.ws.NotWebSocketOverHttpException;
import io.gripcast.ws.WebSocketContext;
import io.gripcast.ws.WebSocketEvent;
import io.gripcast.ws.WebSocketEvents;
import io.gripcast.ws.WebSocketOptions;
import io.gripcast.ws.WebSocketRequest;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LambdaWebSocketsTest {

  static final ObjectMapper JSON = new ObjectMapper();

  /** An event as the Lambda Java runtime hands it to a RequestHandler<Map<String, Object>, ...>. */
  static Map<String, Object> event(String name) throws Exception {
    try (InputStream in = LambdaWebSocketsTest.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing fixture " + name);
      }
      return JSON.readValue(in, new TypeReference<LinkedHashMap<String, Object>>() {});
    }
  }

  /** The echo handler the docs show, as the example module will write it. */
  static Map<String, Object> echo(Map<String, Object> event) {
    WebSocketContext ws;
    try {
      ws = LambdaWebSockets.context(event);
    } catch (NotWebSocketOverHttpException e) {
      return LambdaWebSockets.badRequest(e.getMessage());
    }
    if (ws.isOpening()) {
      ws.accept();
      ws.queryParameter("channel").ifPresent(ws::subscribe);
    }
    while (ws.canReceive()) {
      Content message = ws.receive();
      if (message == null) {
        ws.close();
        break;
      }
      ws.send(message);
    }
    return LambdaWebSockets.response(ws);
  }

  @SuppressWarnings("unchecked")
  static Map<String, String> headers(Map<String, Object> result) {
    return (Map<String, String>) result.get("headers");
  }

  static List<WebSocketEvent> events(Map<String, Object> result) {
    assertEquals(Boolean.TRUE, result.get("isBase64Encoded"));
    return WebSocketEvents.decode(Base64.getDecoder().decode((String) result.get("body")));
  }

  // ------------------------------------------------------------------ REST API (payload 1.0)

  @Test
  void restApiOpeningIsAcceptedAndSubscribedToTheUrlsChannel() throws Exception {
    Map<String, Object> result = echo(event("v1-rest-open.json"));
    assertEquals(List.of("statusCode", "headers", "body", "isBase64Encoded"), List.copyOf(result.keySet()));
    assertEquals(200, result.get("statusCode"));
    assertEquals(Map.of("Content-Type", "application/websocket-events", "Sec-WebSocket-Extensions", "grip"), headers(result));
    assertEquals(List.of(WebSocketEvent.open(), WebSocketEvent.text("c:{\"type\":\"subscribe\",\"channel\":\"room1\"}")),
        events(result));
  }

  @Test
  void restApiBase64BodyIsDecodedAndEveryMessageEchoed() throws Exception {
    Map<String, Object> result = echo(event("v1-rest-messages-base64.json"));
    assertEquals(200, result.get("statusCode"));
    assertEquals(Map.of("Content-Type", "application/websocket-events"), headers(result));
    assertEquals(List.of(
            WebSocketEvent.text("m:hello"),
            WebSocketEvent.binary(new byte[] {'m', ':', 0, (byte) 0xff, (byte) 0xfe, (byte) 0x80}),
            WebSocketEvent.close()),
        events(result));
  }

  @Test
  void restApiPlainBodyHeadersMetaAndQuery() throws Exception {
    WebSocketContext ws = LambdaWebSockets.context(event("v1-rest-text-plain.json"));
    assertEquals("9d41929f-327c-4a10-a426-0ec87cfd5edb", ws.connectionId());
    assertEquals(Map.of("user", "alice"), ws.meta());
    assertEquals(Optional.of("room1"), ws.queryParameter("channel"));
    assertTrue(ws.isGripMode());
    assertTrue(ws.request().header("grip-sig").isPresent()); // for Grip-Sig verification
    assertEquals(Content.text("hello"), ws.receive());
    assertFalse(ws.canReceive());
  }

  @Test
  void restApiMultiValueHeadersWinOverSingleValueHeaders() throws Exception {
    Map<String, Object> event = event("v1-rest-text-plain.json");
    event.put("headers", Map.of("Content-Type", "text/plain")); // what a stale single-value map might say
    event.put("multiValueHeaders", Map.of(
        "Content-Type", List.of("application/websocket-events"),
        "Connection-Id", List.of("abc"),
        "Meta-Tag", List.of("one", "two")));
    event.put("multiValueQueryStringParameters", Map.of("channel", List.of("a", "b")));
    WebSocketContext ws = LambdaWebSockets.context(event);
    assertEquals("abc", ws.connectionId());
    assertEquals(Map.of("tag", "one"), ws.meta());
    assertEquals(List.of("one", "two"), ws.request().headerValues("meta-tag"));
    assertEquals(Map.of("channel", List.of("a", "b")), ws.queryParameters());
    assertFalse(ws.isGripMode()); // the multi-value map offered no grip extension
  }

  @Test
  void restApiGetIsABadRequest() throws Exception {
    Map<String, Object> result = echo(event("v1-rest-get.json"));
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("statusCode", 400);
    expected.put("headers", Map.of("Content-Type", "text/plain; charset=utf-8"));
    expected.put("body", "Not a WebSocket-over-HTTP request: method GET, expected POST");
    expected.put("isBase64Encoded", false);
    assertEquals(expected, result);
  }

  // ------------------------------------------------------------------ HTTP API (payload 2.0)

  @Test
  void httpApiOpeningPlainBodyWithRawQueryString() throws Exception {
    WebSocketContext ws = LambdaWebSockets.context(event("v2-http-open.json"));
    assertEquals(Map.of("channel", List.of("room 1"), "debug", List.of("")), ws.queryParameters());
    Map<String, Object> result = echo(event("v2-http-open.json"));
    assertEquals(200, result.get("statusCode"));
    assertEquals("grip", headers(result).get("Sec-WebSocket-Extensions"));
    assertEquals(List.of(WebSocketEvent.open(), WebSocketEvent.text("c:{\"type\":\"subscribe\",\"channel\":\"room 1\"}")),
        events(result));
  }

  @Test
  void httpApiOpeningBase64Body() throws Exception {
    Map<String, Object> event = event("v2-http-open-base64.json");
    WebSocketContext ws = LambdaWebSockets.context(event);
    assertTrue(ws.isOpening());
    assertEquals(Map.of(), ws.queryParameters());
    assertEquals(List.of(WebSocketEvent.open()), events(echo(event)));
  }

  @Test
  void httpApiBase64BodyWithTextBinaryAndPing() throws Exception {
    Map<String, Object> event = event("v2-http-messages-base64.json");
    WebSocketContext ws = LambdaWebSockets.context(event);
    assertEquals(Map.of("user", "alice"), ws.meta());
    assertEquals(Optional.of("room 1"), ws.queryParameter("channel"));
    assertEquals(List.of(
            new WebSocketEvent.Pong("pp".getBytes(StandardCharsets.US_ASCII)),
            WebSocketEvent.text("m:h\u00e9llo"),
            WebSocketEvent.binary(new byte[] {'m', ':', (byte) 0xc3, 0x28, (byte) 0xa0})),
        events(echo(event)));
  }

  @Test
  void httpApiQueryFallsBackToQueryStringParameters() throws Exception {
    Map<String, Object> event = event("v2-http-open.json");
    event.put("rawQueryString", "");
    event.put("queryStringParameters", Map.of("channel", "x,y"));
    assertEquals(Map.of("channel", List.of("x,y")), LambdaWebSockets.request(event).queryParameters());
  }

  @Test
  void httpApiWrongContentTypeIsABadRequest() throws Exception {
    Map<String, Object> result = echo(event("v2-http-wrong-content-type.json"));
    assertEquals(400, result.get("statusCode"));
    assertEquals(false, result.get("isBase64Encoded"));
    assertEquals("Not a WebSocket-over-HTTP request: Content-Type is \"application/json\", expected application/websocket-events",
        result.get("body"));
  }

  @Test
  void httpApiNonPostIsABadRequest() throws Exception {
    Map<String, Object> event = event("v2-http-open.json");
    @SuppressWarnings("unchecked")
    Map<String, Object> http = (Map<String, Object>) ((Map<String, Object>) event.get("requestContext")).get("http");
    http.put("method", "PUT");
    assertEquals("Not a WebSocket-over-HTTP request: method PUT, expected POST", echo(event).get("body"));
  }

  // ------------------------------------------------------------------ events that are wrong

  @Test
  void aBinaryBodyThatApiGatewayDidNotBase64EncodeGetsAHint() throws Exception {
    Map<String, Object> event = event("v1-rest-text-plain.json");
    // what arrives when the binary media type is missing: bytes re-read as text
    event.put("body", "BINARY 3\r\n\u00ff\u00fe\u00fd\r\n");
    NotWebSocketOverHttpException e = assertThrows(NotWebSocketOverHttpException.class, () -> LambdaWebSockets.context(event));
    assertTrue(e.getMessage().contains("add application/websocket-events as a binary media type"), e.getMessage());
    assertTrue(e.getMessage().contains("at byte 13"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"{}", "{\"version\":\"1.0\",\"path\":\"/ws\"}", "{\"version\":\"2.0\",\"requestContext\":{}}",
      "{\"httpMethod\":\"POST\",\"headers\":[\"x\"]}", "{\"httpMethod\":\"POST\",\"body\":5}",
      "{\"httpMethod\":\"POST\",\"headers\":{\"a\":1}}", "{\"httpMethod\":\"POST\",\"isBase64Encoded\":3}"})
  void eventsOfAnotherShapeAreRefusedClearly(String json) throws Exception {
    Map<String, Object> event = JSON.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() {});
    NotWebSocketOverHttpException e = assertThrows(NotWebSocketOverHttpException.class, () -> LambdaWebSockets.context(event));
    assertTrue(e.getMessage().startsWith("Not a WebSocket-over-HTTP request: the "), e.getMessage());
    assertEquals(400, echo(event).get("statusCode"));
  }

  @Test
  void base64BodiesAreCheckedAgainstTheLimitBeforeDecodingAndMustBeValid() throws Exception {
    Map<String, Object> event = event("v2-http-messages-base64.json");
    String big = Base64.getEncoder().encodeToString(new byte[4000]);
    event.put("body", big);
    NotWebSocketOverHttpException tooBig = assertThrows(NotWebSocketOverHttpException.class,
        () -> LambdaWebSockets.context(event, WebSocketOptions.builder().limits(EventLimits.of(1000, 1000)).build()));
    assertTrue(tooBig.getMessage().contains("over the limit of 1000 bytes"), tooBig.getMessage());

    event.put("body", "not*base64!");
    assertTrue(assertThrows(NotWebSocketOverHttpException.class, () -> LambdaWebSockets.context(event))
        .getMessage().contains("isBase64Encoded is true but the body is not valid base64"));

    Map<String, Object> plain = event("v1-rest-text-plain.json");
    plain.put("body", "x".repeat(2000));
    assertTrue(assertThrows(NotWebSocketOverHttpException.class, () -> LambdaWebSockets.request(plain, EventLimits.of(1000, 1000)))
        .getMessage().contains("over the limit of 1000 bytes"));
  }

  @Test
  void aMissingBodyIsEmpty() throws Exception {
    Map<String, Object> event = event("v2-http-open.json");
    event.remove("body");
    WebSocketContext ws = LambdaWebSockets.context(event);
    assertEquals(List.of(), ws.incomingEvents());
    assertEquals(List.of(), events(LambdaWebSockets.response(ws)));
  }

  @Test
  void responsesAreAlwaysBase64SoBinarySurvives() throws Exception {
    WebSocketContext ws = LambdaWebSockets.context(event("v1-rest-text-plain.json"));
    ws.send(new byte[] {(byte) 0xff, 0});
    ws.close(4001, "bye");
    ws.setMeta("User", "bob");
    Map<String, Object> result = LambdaWebSockets.response(ws);
    assertEquals(Map.of("Content-Type", "application/websocket-events", "Set-Meta-User", "bob"), headers(result));
    byte[] body = Base64.getDecoder().decode((String) result.get("body"));
    assertArrayEquals(WebSocketEvents.encode(WebSocketEvent.binary(new byte[] {'m', ':', (byte) 0xff, 0}), WebSocketEvent.close(4001, "bye")), body);
    assertThrows(UnsupportedOperationException.class, () -> result.put("x", 1));
  }

  @Test
  void aRejectedOpeningKeepsItsStatus() throws Exception {
    WebSocketContext ws = LambdaWebSockets.context(event("v1-rest-open.json"));
    ws.reject(403, "forbidden");
    Map<String, Object> result = LambdaWebSockets.response(ws);
    assertEquals(403, result.get("statusCode"));
    assertEquals("forbidden", new String(Base64.getDecoder().decode((String) result.get("body")), StandardCharsets.UTF_8));
  }

  @Test
  void theRequestAloneCanBeRead() throws Exception {
    WebSocketRequest r = LambdaWebSockets.request(event("v1-rest-get.json"));
    assertEquals("GET", r.method());
    assertEquals(Optional.of("text/html"), r.header("accept"));
    assertEquals(0, r.bodyLength());
  }
}
