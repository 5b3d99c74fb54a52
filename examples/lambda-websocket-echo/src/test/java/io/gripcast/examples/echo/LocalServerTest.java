package io.gripcast.examples.echo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The local runner over real HTTP on 127.0.0.1: requests in, events to the handler, results out. */
class LocalServerTest {

  static final MediaType EVENTS = MediaType.get("application/websocket-events");
  static final OkHttpClient HTTP = new OkHttpClient();

  LocalServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  LocalServer echoServer(List<String> binaryMediaTypes) {
    server = LocalServer.builder().handler(new EchoHandler(Optional.empty())).port(0).binaryMediaTypes(binaryMediaTypes).start();
    return server;
  }

  static Request.Builder wsPost(LocalServer s, String pathAndQuery, byte[] events) {
    return new Request.Builder().url(s.uri() + pathAndQuery)
        .header("Connection-Id", "c-123")
        .header("Sec-WebSocket-Extensions", "grip")
        .post(RequestBody.create(events, EVENTS));
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void theEchoAcceptsAndSubscribesOverHttpWithTheExactContentType() throws IOException {
    LocalServer s = echoServer(List.of("application/websocket-events"));
    try (Response r = HTTP.newCall(wsPost(s, "/ws?channel=room1", ascii("OPEN\r\n")).build()).execute()) {
      assertEquals(200, r.code());
      assertEquals(List.of("application/websocket-events"), r.headers("Content-Type"), "exactly, no charset");
      assertEquals("grip", r.header("Sec-WebSocket-Extensions"));
      String expected = "OPEN\r\nTEXT 28\r\nc:{\"type\":\"subscribe\",\"channel\":\"room1\"}\r\n";
      assertEquals(expected, r.body().string());
      assertEquals(Integer.toString(expected.length()), r.header("Content-Length"), "a fixed length, never chunked");
    }
  }

  @Test
  void binaryThatIsNotUtf8SurvivesTheRoundTrip() throws IOException {
    LocalServer s = echoServer(List.of("application/websocket-events"));
    byte[] in = ascii("BINARY 4\r\n\u0000\u00ff\u00fe\u0080\r\nTEXT 2\r\nhi\r\n");
    try (Response r = HTTP.newCall(wsPost(s, "/ws", in).build()).execute()) {
      assertEquals(200, r.code());
      assertArrayEquals(ascii("BINARY 6\r\nm:\u0000\u00ff\u00fe\u0080\r\nTEXT 4\r\nm:hi\r\n"), r.body().bytes());
    }
  }

  @Test
  void anEmptyAnswerHasNoBody() throws IOException {
    LocalServer s = echoServer(List.of("application/websocket-events"));
    try (Response r = HTTP.newCall(wsPost(s, "/ws", new byte[0]).build()).execute()) {
      assertEquals(200, r.code());
      assertEquals("0", r.header("Content-Length"));
      assertEquals("", r.body().string());
    }
  }

  @Test
  void aPlainGetGetsThe400() throws IOException {
    LocalServer s = echoServer(List.of("application/websocket-events"));
    try (Response r = HTTP.newCall(new Request.Builder().url(s.uri() + "/ws").build()).execute()) {
      assertEquals(400, r.code());
      assertEquals("text/plain; charset=utf-8", r.header("Content-Type"));
      assertEquals("Not a WebSocket-over-HTTP request: method GET, expected POST", r.body().string());
    }
  }

  @Test
  void withoutTheBinaryMediaTypeBinaryEventsAreDamagedAndTheAnswerSaysWhatToFix() throws IOException {
    LocalServer s = echoServer(List.of());
    try (Response r = HTTP.newCall(wsPost(s, "/ws", ascii("BINARY 2\r\n\u00ff\u00fe\r\n")).build()).execute()) {
      assertEquals(400, r.code());
      String body = r.body().string();
      assertTrue(body.contains("add application/websocket-events as a binary media type"), body);
    }
  }

  @Test
  void theHandlerReceivesTheProxyEventAndALambdaContext() throws IOException {
    AtomicReference<Map<String, Object>> seen = new AtomicReference<>();
    AtomicReference<Context> context = new AtomicReference<>();
    server = LocalServer.builder().port(0).handler((event, ctx) -> {
      seen.set(event);
      context.set(ctx);
      return Map.of("statusCode", 202, "multiValueHeaders", Map.of("X-Seen", List.of("a", "b")), "body", "ok");
    }).start();
    Request request = new Request.Builder().url(server.uri() + "/a/b?q=%C3%A9&q=2")
        .header("X-Custom", "v")
        .post(RequestBody.create(ascii("x"), MediaType.get("text/plain")))
        .build();
    try (Response r = HTTP.newCall(request).execute()) {
      assertEquals(202, r.code());
      assertEquals(List.of("a", "b"), r.headers("X-Seen"));
      assertEquals("ok", r.body().string());
    }
    Map<String, Object> e = seen.get();
    assertEquals("POST", e.get("httpMethod"));
    assertEquals("/a/b", e.get("path"));
    assertEquals(Map.of("proxy", "a/b"), e.get("pathParameters"));
    assertEquals(Map.of("q", List.of("\u00e9", "2")), e.get("multiValueQueryStringParameters"));
    assertEquals("x", e.get("body"));
    assertEquals(false, e.get("isBase64Encoded"));
    @SuppressWarnings("unchecked")
    Map<String, String> headers = (Map<String, String>) e.get("headers");
    assertEquals("v", headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase("x-custom"))
        .findFirst().orElseThrow().getValue());
    @SuppressWarnings("unchecked")
    Map<String, Object> requestContext = (Map<String, Object>) e.get("requestContext");
    assertEquals(context.get().getAwsRequestId(), requestContext.get("requestId"));
    assertTrue(context.get().getRemainingTimeInMillis() > 0);
    assertNotNull(context.get().getLogger());
  }

  @Test
  void aThrowingHandlerGets502LikeApiGateway() throws IOException {
    RequestHandler<Map<String, Object>, Map<String, Object>> broken = (event, ctx) -> {
      throw new IllegalStateException("boom (expected by the test)");
    };
    server = LocalServer.builder().port(0).handler(broken).start();
    try (Response r = HTTP.newCall(new Request.Builder().url(server.uri() + "/").build()).execute()) {
      assertEquals(502, r.code());
      assertEquals("{\"message\": \"Internal server error\"}", r.body().string());
    }
  }

  @Test
  void aMalformedResultGets502() throws IOException {
    server = LocalServer.builder().port(0).handler((event, ctx) -> Map.of("body", "no status")).start();
    try (Response r = HTTP.newCall(new Request.Builder().url(server.uri() + "/").build()).execute()) {
      assertEquals(502, r.code());
    }
  }

  @Test
  void aBodyOverApiGatewaysLimitGets413WithoutCallingTheHandler() throws IOException {
    AtomicReference<Object> called = new AtomicReference<>();
    server = LocalServer.builder().port(0).handler((event, ctx) -> {
      called.set(event);
      return Map.of("statusCode", 200);
    }).start();
    byte[] big = new byte[RestApiProxy.MAX_REQUEST_BYTES + 1];
    try (Response r = HTTP.newCall(new Request.Builder().url(server.uri() + "/")
        .post(RequestBody.create(big, EVENTS)).build()).execute()) {
      assertEquals(413, r.code());
    }
    assertEquals(null, called.get());
  }

  // ------------------------------------------------------------------ command line

  @Test
  void launchWithPortZeroPrintsThePortItListensOn() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    server = LocalServer.launch(new String[] {"--port", "0"}, new PrintStream(out, true, StandardCharsets.UTF_8));
    String printed = out.toString(StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("Listening on http://127\\.0\\.0\\.1:(\\d+)/").matcher(printed);
    assertTrue(m.find(), printed);
    assertEquals(server.port(), Integer.parseInt(m.group(1)));
    try (Response r = HTTP.newCall(new Request.Builder().url("http://127.0.0.1:" + m.group(1) + "/").build()).execute()) {
      assertEquals(400, r.code());
    }
  }

  @Test
  void aTakenPortIsReportedClearly() {
    server = LocalServer.builder().port(0).handler(new EchoHandler(Optional.empty())).start();
    UncheckedIOException e = assertThrows(UncheckedIOException.class,
        () -> LocalServer.builder().port(server.port()).handler(new EchoHandler(Optional.empty())).start());
    assertTrue(e.getMessage().startsWith("cannot listen on 127.0.0.1:" + server.port()), e.getMessage());
  }

  @Test
  void argumentsAreParsedWithDefaults() {
    assertEquals(new LocalServer.Options("127.0.0.1", 8080, List.of("application/websocket-events")), LocalServer.parseArgs());
    assertEquals(new LocalServer.Options("0.0.0.0", 0, List.of()),
        LocalServer.parseArgs("--port", "0", "--bind=0.0.0.0", "--binary-media-types", ""));
    assertEquals(List.of("application/websocket-events", "image/*"),
        LocalServer.parseArgs("--binary-media-types=application/websocket-events, image/*").binaryMediaTypes());
  }

  @Test
  void badArgumentsSayWhatIsWrong() {
    assertEquals("--port must be a number from 0 to 65535 (0 picks a free port), but was 'abc'", badArgs("--port", "abc"));
    assertEquals("--port must be a number from 0 to 65535 (0 picks a free port), but was '70000'", badArgs("--port=70000"));
    assertEquals("--port needs a value", badArgs("--port"));
    assertEquals("unknown argument '--prot'", badArgs("--prot", "1"));
    assertTrue(badArgs("--binary-media-types", "websocket").contains("type/subtype"));
  }

  static String badArgs(String... args) {
    return assertThrows(IllegalArgumentException.class, () -> LocalServer.parseArgs(args)).getMessage();
  }
}
