package io.gripcast.examples.broadcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gripcast.Outcome;
import io.gripcast.PublishException;
import io.gripcast.Publisher;
import io.gripcast.RetryPolicy;
import io.gripcast.config.GripConfigException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The handler's wire behaviour against MockWebServer: what it publishes, when, and how it fails. */
class BroadcastHandlerTest {

  static final ObjectMapper JSON = new ObjectMapper();

  MockWebServer server;
  Publisher publisher;

  @BeforeEach
  void start() throws Exception {
    server = new MockWebServer();
    server.start();
  }

  @AfterEach
  void stop() {
    if (publisher != null) {
      publisher.close();
    }
    server.close();
  }

  Publisher publisher(RetryPolicy retry) {
    publisher = Publisher.builder().endpoint("http://127.0.0.1:" + server.getPort())
        .retryPolicy(retry).build();
    return publisher;
  }

  /** A scheduled event as EventBridge delivers it (the shape in AWS's documentation). */
  static Map<String, Object> scheduledEvent() throws Exception {
    try (InputStream in = BroadcastHandlerTest.class.getResourceAsStream("scheduled-event.json")) {
      return JSON.readValue(in, new TypeReference<LinkedHashMap<String, Object>>() {});
    }
  }

  RecordedRequest take() throws InterruptedException {
    RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
    assertNotNull(r, "no request arrived");
    return r;
  }

  @Test
  void theContentIsTheJsonJacksonWouldWriteForAnyText() throws Exception {
    com.fasterxml.jackson.core.JsonFactory jackson = new com.fasterxml.jackson.core.JsonFactory();
    for (String text : List.of("", "hello", "quote \" backslash \\ slash /", "tab\tnl\ncr\rbs\bff\f",
        "ctl \u0000\u0001\u001f del \u007f", "h\u00e9llo \u2028 \ud83c\udf0d")) {
      java.io.StringWriter expected = new java.io.StringWriter();
      try (com.fasterxml.jackson.core.JsonGenerator g = jackson.createGenerator(expected)) {
        g.writeString(text);
      }
      assertEquals(expected.toString(), BroadcastHandler.jsonString(text), text);
    }
    // and the whole message parses back to its fields
    io.gripcast.item.Item item = BroadcastHandler.item(null, "a \"b\"\n", java.time.Instant.parse("2024-05-01T12:00:00Z"));
    JsonNode n = new ObjectMapper()
        .readTree(((io.gripcast.item.Content.Text) item.wsMessage().content()).value());
    assertEquals("broadcast", n.get("type").asText());
    assertEquals("a \"b\"\n", n.get("text").asText());
    assertEquals("2024-05-01T12:00:00Z", n.get("time").asText());
  }

  @Test
  void publishesToEveryChannelInOneRequestAndFinishesBeforeReturning() throws Exception {
    server.enqueue(new MockResponse.Builder().body("Published\n").build());
    BroadcastHandler handler = new BroadcastHandler(() -> publisher(RetryPolicy.none()),
        new BroadcastConfig(List.of("news", "alerts"), "hello \"world\""));
    Map<String, Object> summary = handler.handleRequest(scheduledEvent(), null);

    assertEquals(1, server.getRequestCount(), "the publish was on the wire before the handler returned");
    RecordedRequest request = take();
    assertEquals("POST", request.getMethod());
    assertEquals("/publish/", request.getUrl().encodedPath());
    JsonNode items = JSON.readTree(request.getBody().utf8()).get("items");
    assertEquals(2, items.size());
    String expectedJson = "{\"type\":\"broadcast\",\"text\":\"hello \\\"world\\\"\",\"time\":\"2019-10-08T16:53:06Z\"}";
    List<String> channels = new ArrayList<>();
    for (JsonNode item : items) {
      channels.add(item.get("channel").asText());
      assertEquals("broadcast-89d1a02d-5ec7-412e-82f5-13505f849b41", item.get("id").asText(),
          "the event id makes a retried invocation idempotent");
      assertEquals(expectedJson, item.at("/formats/ws-message/content").asText());
      assertEquals("event: broadcast\ndata: " + expectedJson + "\n\n", item.at("/formats/http-stream/content").asText());
    }
    assertEquals(List.of("news", "alerts"), channels);

    assertEquals("2019-10-08T16:53:06Z", summary.get("time"));
    assertEquals("broadcast-89d1a02d-5ec7-412e-82f5-13505f849b41", summary.get("itemId"));
    assertEquals(List.of("news", "alerts"), summary.get("channels"));
    assertEquals(2, summary.get("items"));
    assertEquals(List.of(Map.of("endpoint", "http://127.0.0.1:" + server.getPort() + "/publish/", "outcome", "PUBLISHED",
        "status", 200, "attempts", 1, "itemsPublished", 2)), summary.get("endpoints"));
  }

  @Test
  void aRejectedPublishThrowsWithTheProxysAnswer() throws Exception {
    server.enqueue(new MockResponse.Builder().code(400).body("Invalid format: bad item\n").build());
    BroadcastHandler handler = new BroadcastHandler(() -> publisher(RetryPolicy.defaults()),
        new BroadcastConfig(List.of("news"), "x"));
    PublishException e = assertThrows(PublishException.class, () -> handler.handleRequest(scheduledEvent(), null));
    assertEquals(Outcome.REJECTED, e.result().worstOutcome());
    assertTrue(e.getMessage().contains("Invalid format: bad item"), e.getMessage());
    assertEquals(1, server.getRequestCount(), "a 400 is never retried");
  }

  @Test
  void anUnavailableProxyIsRetriedWithTheSameIdThenSucceeds() throws Exception {
    server.enqueue(new MockResponse.Builder().code(503).body("busy").build());
    server.enqueue(new MockResponse.Builder().body("Published\n").build());
    RetryPolicy fast = RetryPolicy.defaults().withBackoff(Duration.ofMillis(1), 1.0, Duration.ofMillis(1));
    BroadcastHandler handler = new BroadcastHandler(() -> publisher(fast), new BroadcastConfig(List.of("news"), "x"));
    Map<String, Object> summary = handler.handleRequest(scheduledEvent(), null);
    @SuppressWarnings("unchecked")
    Map<String, Object> endpoint = ((List<Map<String, Object>>) summary.get("endpoints")).get(0);
    assertEquals(2, endpoint.get("attempts"));
    assertEquals("PUBLISHED", endpoint.get("outcome"));
    String first = JSON.readTree(take().getBody().utf8()).at("/items/0/id").asText();
    String second = JSON.readTree(take().getBody().utf8()).at("/items/0/id").asText();
    assertEquals(first, second);
  }

  @Test
  void anUnavailableProxyFailsTheInvocationOnceRetriesAreExhausted() throws Exception {
    for (int i = 0; i < 2; i++) {
      server.enqueue(new MockResponse.Builder().code(503).body("busy").build());
    }
    RetryPolicy twice = RetryPolicy.defaults().withMaxAttempts(2).withBackoff(Duration.ofMillis(1), 1.0, Duration.ofMillis(1));
    BroadcastHandler handler = new BroadcastHandler(() -> publisher(twice), new BroadcastConfig(List.of("news"), "x"));
    PublishException e = assertThrows(PublishException.class, () -> handler.handleRequest(scheduledEvent(), null));
    assertTrue(e.retryable(), "Lambda's own retry of the event may succeed later");
    assertEquals(2, server.getRequestCount());
  }

  @Test
  void aPublishThatCannotFinishBeforeTheDeadlineIsCancelledAndReported() throws Exception {
    // the proxy never answers in time; the function has 600 ms left, 500 of which are the margin
    server.enqueue(new MockResponse.Builder().headersDelay(10, TimeUnit.SECONDS).body("Published\n").build());
    BroadcastHandler handler = new BroadcastHandler(() -> publisher(RetryPolicy.none()), new BroadcastConfig(List.of("news"), "x"));
    BroadcastTimeoutException e = assertThrows(BroadcastTimeoutException.class,
        () -> handler.handleRequest(scheduledEvent(), new FakeContext(600)));
    assertTrue(e.getMessage().contains("did not finish before the function's deadline and was cancelled"), e.getMessage());
  }

  @Test
  void theSummaryIsLoggedThroughTheLambdaLogger() throws Exception {
    server.enqueue(new MockResponse.Builder().body("Published\n").build());
    FakeContext context = new FakeContext(60_000);
    new BroadcastHandler(() -> publisher(RetryPolicy.none()), new BroadcastConfig(List.of("news"), "x"))
        .handleRequest(scheduledEvent(), context);
    assertEquals(1, context.logged.size());
    assertTrue(context.logged.get(0).startsWith("published 1 item to 1 endpoint(s)"), context.logged.get(0));
  }

  @Test
  void aManualInvocationWithoutEnvelopeUsesTheClockAndAGeneratedId() throws Exception {
    server.enqueue(new MockResponse.Builder().body("Published\n").build());
    Clock clock = Clock.fixed(Instant.parse("2030-01-02T03:04:05Z"), ZoneOffset.UTC);
    Map<String, Object> summary = new BroadcastHandler(() -> publisher(RetryPolicy.none()),
        new BroadcastConfig(List.of("news"), "x"), clock).handleRequest(null, null);
    assertEquals("2030-01-02T03:04:05Z", summary.get("time"));
    assertNull(summary.get("itemId"));
    JsonNode item = JSON.readTree(take().getBody().utf8()).at("/items/0");
    assertTrue(item.get("id").asText().length() >= 20, "the publisher still gives the item an id for its retries");
    assertTrue(item.at("/formats/ws-message/content").asText().contains("\"time\":\"2030-01-02T03:04:05Z\""));
  }

  @Test
  void aBadEventTimeIsRefusedBeforePublishing() {
    BroadcastHandler handler = new BroadcastHandler(() -> publisher(RetryPolicy.none()), new BroadcastConfig(List.of("news"), "x"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> handler.handleRequest(Map.of("time", "yesterday"), null));
    assertTrue(e.getMessage().contains("'yesterday' is not an ISO-8601 instant"), e.getMessage());
    assertEquals(0, server.getRequestCount());
  }

  // ------------------------------------------------------------------ configuration and reuse

  @Test
  void configFromTheEnvironment() {
    assertEquals(new BroadcastConfig(List.of("news"), "scheduled broadcast"), BroadcastConfig.fromEnvironment(Map.of()));
    assertEquals(new BroadcastConfig(List.of("a", "b c", "d"), "hi"), BroadcastConfig.fromEnvironment(
        Map.of("BROADCAST_CHANNELS", " a, b c ,,d,a", "BROADCAST_TEXT", "hi")));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BroadcastConfig.fromEnvironment(Map.of("BROADCAST_CHANNELS", " , ")));
    assertTrue(e.getMessage().startsWith("BROADCAST_CHANNELS holds no channel name"), e.getMessage());
  }

  @Test
  void lambdasHandlerWithoutGripUrlFailsEachInvocationNamingTheVariable() {
    assumeTrue(System.getenv("GRIP_URL") == null || System.getenv("GRIP_URL").isBlank(), "GRIP_URL is set here");
    BroadcastHandler handler = new BroadcastHandler(); // what Lambda creates: nothing is built yet
    for (int i = 0; i < 2; i++) {
      GripConfigException e = assertThrows(GripConfigException.class, () -> handler.handleRequest(scheduledEvent(), null));
      assertTrue(e.getMessage().startsWith("GRIP_URL is not set"), e.getMessage());
    }
  }

  @Test
  void theSharedPublisherIsBuiltOnceOnFirstUseAndAFailedBuildIsRetried() throws Exception {
    int[] builds = {0};
    SharedPublisher shared = new SharedPublisher(() -> {
      builds[0]++;
      if (builds[0] == 1) {
        throw new IllegalStateException("GRIP_URL is not set (expected by the test)");
      }
      return publisher(RetryPolicy.none());
    });
    assertEquals(0, builds[0], "nothing is built before the first invocation");
    assertThrows(IllegalStateException.class, shared::get);
    Publisher first = shared.get();
    List<Thread> threads = new ArrayList<>();
    List<Publisher> seen = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < 8; i++) {
      Thread t = new Thread(() -> seen.add(shared.get()));
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join(5000);
    }
    assertEquals(8, seen.size());
    seen.forEach(p -> assertSame(first, p));
    assertEquals(2, builds[0]);
  }

  /** A Lambda context with a fixed remaining time and a logger that records. */
  static final class FakeContext implements Context {
    final int remaining;
    final List<String> logged = new ArrayList<>();

    FakeContext(int remaining) {
      this.remaining = remaining;
    }

    @Override public String getAwsRequestId() { return "test"; }
    @Override public String getLogGroupName() { return "test"; }
    @Override public String getLogStreamName() { return "test"; }
    @Override public String getFunctionName() { return "test"; }
    @Override public String getFunctionVersion() { return "$LATEST"; }
    @Override public String getInvokedFunctionArn() { return "arn:aws:lambda:local:000000000000:function:test"; }
    @Override public CognitoIdentity getIdentity() { return null; }
    @Override public ClientContext getClientContext() { return null; }
    @Override public int getRemainingTimeInMillis() { return remaining; }
    @Override public int getMemoryLimitInMB() { return 512; }

    @Override
    public LambdaLogger getLogger() {
      return new LambdaLogger() {
        @Override
        public void log(String message) {
          logged.add(message);
        }

        @Override
        public void log(byte[] message) {
          logged.add(new String(message, java.nio.charset.StandardCharsets.UTF_8));
        }
      };
    }
  }
}
