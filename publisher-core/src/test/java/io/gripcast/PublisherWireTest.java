package io.gripcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gripcast.item.HttpStream;
import io.gripcast.item.Item;
import io.gripcast.item.WsMessage;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Exact wire assertions against MockWebServer: what a publish puts on the wire. The cases about
 * the request itself run over both transports ({@link OverBothTransports}); those about choosing
 * the transport, or that fail before anything is sent, run once.
 */
class PublisherWireTest {
  private static final ObjectMapper M = new ObjectMapper();
  private MockWebServer server;

  @BeforeEach
  void start() throws Exception {
    server = new MockWebServer();
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private String base() {
    return "http://127.0.0.1:" + server.getPort();
  }

  private RecordedRequest take() throws InterruptedException {
    RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
    assertTrue(r != null, "no request arrived");
    return r;
  }

  @OverBothTransports
  void postsFixedLengthJsonToPublishPath(HttpTransport transport) throws Exception {
    server.enqueue(new MockResponse.Builder().body("Published\n").build());
    try (Publisher p = Publisher.builder().endpoint(base()).transport(transport).build()) {
      PublishResult r = p.publish("news", Item.of(WsMessage.text("hi"), HttpStream.text("hi\n")));
      assertTrue(r.success());
      assertEquals(200, r.endpoints().get(0).status());
      assertEquals(1, r.endpoints().get(0).attempts());
      assertEquals(1, r.endpoints().get(0).itemsPublished());
    }
    RecordedRequest req = take();
    assertEquals("POST", req.getMethod());
    assertEquals("/publish/", req.getUrl().encodedPath());
    assertNull(req.getUrl().query());
    assertEquals("application/json", req.getHeaders().get("Content-Type"));
    assertEquals(String.valueOf(req.getBodySize()), req.getHeaders().get("Content-Length"));
    assertNull(req.getHeaders().get("Transfer-Encoding"), "Pushpin answers 411 to a chunked body");
    assertNull(req.getHeaders().get("Authorization"));
    // the headers both send alike (Connection and Accept-Encoding are each client's own: see below)
    assertEquals("127.0.0.1:" + server.getPort(), req.getHeaders().get("Host"));
    assertEquals("text/plain", req.getHeaders().get("Accept"));
    TestPublishing.assertNewsBody(req);
  }

  @Test
  void theTransportIsANamedChoiceAndAClientAloneDoesNotMovePlainHttpToOkHttp() throws Exception {
    for (int i = 0; i < 3; i++) {
      server.enqueue(new MockResponse.Builder().body("Published\n").build());
    }
    try (Publisher p = Publisher.builder().endpoint(base()).build()) {
      p.publish("c", Item.of(WsMessage.text("x")));
    }
    RecordedRequest nio = take();
    assertTrue(nio.getHeaders().get("User-Agent").startsWith("gripcast/"), nio.getHeaders().get("User-Agent"));
    assertEquals("close", nio.getHeaders().get("Connection"), "Pushpin closes every connection anyway");
    assertEquals("127.0.0.1:" + server.getPort(), nio.getHeaders().get("Host"));
    assertEquals("text/plain", nio.getHeaders().get("Accept"));
    okhttp3.OkHttpClient mine = new okhttp3.OkHttpClient();
    try {
      try (Publisher p = Publisher.builder().endpoint(base()).okHttpClient(mine).build()) {
        p.publish("c", Item.of(WsMessage.text("x")));
      }
      assertEquals("close", take().getHeaders().get("Connection"), "AUTOMATIC keeps http:// on the selector transport");
      try (Publisher p = Publisher.builder().endpoint(base()).okHttpClient(mine).transport(HttpTransport.OKHTTP).build()) {
        p.publish("c", Item.of(WsMessage.text("x")));
      }
    } finally {
      mine.dispatcher().executorService().shutdown();
      mine.connectionPool().evictAll();
    }
    RecordedRequest ok = take();
    // OkHttp's own headers tell the transports apart; both say who they are the same way
    assertEquals("Keep-Alive", ok.getHeaders().get("Connection"));
    assertEquals("gzip", ok.getHeaders().get("Accept-Encoding"));
    assertEquals(nio.getHeaders().get("User-Agent"), ok.getHeaders().get("User-Agent"));
    assertEquals(M.readTree(nio.getBody().utf8()).get("items").size(), M.readTree(ok.getBody().utf8()).get("items").size());
  }

  @Test
  void selectorTransportRefusesHttpsEndpointsAtBuildTime() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Publisher.builder()
        .endpoint("https://api.example.com/realm?key=c2VjcmV0").transport(HttpTransport.SELECTOR).build());
    assertTrue(e.getMessage().contains("https://api.example.com") && e.getMessage().contains("transport(OKHTTP)"), e.getMessage());
    assertFalse(e.getMessage().contains("c2VjcmV0"), "no secret in the message");
  }

  @OverBothTransports
  void basePathKeepsOneSlashBeforePublish(HttpTransport transport) throws Exception {
    server.enqueue(new MockResponse.Builder().body("Published\n").build());
    try (Publisher p = Publisher.builder().endpoint(base() + "/realm/x/").transport(transport).build()) {
      p.publish("c", Item.of(WsMessage.text("x")));
    }
    assertEquals("/realm/x/publish/", take().getUrl().encodedPath());
  }

  @OverBothTransports
  void oneItemOnSeveralChannelsIsOneRequestWithOneIdPerItem(HttpTransport transport) throws Exception {
    server.enqueue(new MockResponse.Builder().body("Published\n").build());
    try (Publisher p = Publisher.builder().endpoint(base()).transport(transport).build()) {
      PublishResult r = p.publish(List.of("a", "b", "c"), Item.of(WsMessage.text("x")));
      assertEquals(3, r.items());
    }
    JsonNode items = M.readTree(take().getBody().utf8()).get("items");
    assertEquals(3, items.size());
    assertEquals("a", items.get(0).get("channel").asText());
    assertEquals("c", items.get(2).get("channel").asText());
    assertEquals(items.get(0).get("id"), items.get(2).get("id"));
    assertEquals(1, server.getRequestCount());
  }

  @OverBothTransports
  void userIdsAreKeptAndGenerationCanBeTurnedOff(HttpTransport transport) throws Exception {
    server.enqueue(new MockResponse.Builder().body("Published\n").build());
    try (Publisher p = Publisher.builder().endpoint(base()).transport(transport).idempotentIds(false).build()) {
      p.publishAll(List.of(
          Item.builder().id("mine").format(WsMessage.text("1")).build().on("c"),
          Item.of(WsMessage.text("2")).on("c")));
    }
    JsonNode items = M.readTree(take().getBody().utf8()).get("items");
    assertEquals("mine", items.get(0).get("id").asText());
    assertTrue(items.get(1).get("id") == null);
  }

  @OverBothTransports
  void longListsAreSplitUnderTheBodyLimitInOrder(HttpTransport transport) throws Exception {
    for (int i = 0; i < 20; i++) {
      server.enqueue(new MockResponse.Builder().body("Published\n").build());
    }
    List<io.gripcast.item.Publication> ps = new java.util.ArrayList<>();
    for (int i = 0; i < 100; i++) {
      ps.add(Item.of(WsMessage.text("m" + i)).on("c"));
    }
    PublishResult r;
    try (Publisher p = Publisher.builder().endpoint(base()).transport(transport).maxBodyBytes(1_000).build()) {
      r = p.publishAll(ps);
    }
    int requests = server.getRequestCount();
    assertTrue(requests > 1);
    assertEquals(requests, r.endpoints().get(0).requests());
    assertEquals(100, r.endpoints().get(0).itemsPublished());
    int next = 0;
    for (int i = 0; i < requests; i++) {
      RecordedRequest req = take();
      assertTrue(req.getBodySize() <= 1_000);
      for (JsonNode it : M.readTree(req.getBody().utf8()).get("items")) {
        assertEquals("m" + next++, it.at("/formats/ws-message/content").asText());
      }
    }
    assertEquals(100, next);
  }

  @OverBothTransports
  void aRejectedRequestStopsTheRestOfALongListAndSaysHowFarItGot(HttpTransport transport) throws Exception {
    server.enqueue(new MockResponse.Builder().body("Published\n").build());
    server.enqueue(new MockResponse.Builder().code(400).body("Invalid format.\n").build());
    List<io.gripcast.item.Publication> ps = new java.util.ArrayList<>();
    for (int i = 0; i < 100; i++) {
      ps.add(Item.of(WsMessage.text("m" + i)).on("c"));
    }
    try (Publisher p = Publisher.builder().endpoint(base()).transport(transport).maxBodyBytes(1_000).build()) {
      PublishException e = assertThrows(PublishException.class, () -> p.publishAll(ps));
      EndpointResult r = e.result().endpoints().get(0);
      assertEquals(Outcome.REJECTED, r.outcome());
      assertEquals(1, r.requests(), "the first request went through");
      int firstBatch = M.readTree(take().getBody().utf8()).get("items").size();
      assertTrue(firstBatch > 0 && firstBatch < 100, firstBatch + " items in the first request");
      assertEquals(firstBatch, r.itemsPublished());
      assertEquals(2, r.attempts());
      assertEquals("Invalid format.", r.message());
    }
    assertEquals(2, server.getRequestCount(), "nothing is sent after the rejected request");
  }

  @Test
  void oversizeItemFailsBeforeAnythingIsSent() {
    try (Publisher p = Publisher.builder().endpoint(base()).maxBodyBytes(100).build()) {
      PayloadTooLargeException e = org.junit.jupiter.api.Assertions.assertThrows(PayloadTooLargeException.class,
          () -> p.publish("c", Item.of(WsMessage.text("x".repeat(200)))));
      assertTrue(e.getMessage().contains("100-byte"), e.getMessage());
    }
    assertEquals(0, server.getRequestCount());
  }

  @Test
  void emptyListSendsNothingAndSucceeds() {
    try (Publisher p = Publisher.builder().endpoint(base()).build()) {
      PublishResult r = p.publishAll(List.of());
      assertTrue(r.success());
      assertEquals(0, r.items());
    }
    assertEquals(0, server.getRequestCount());
  }

  @OverBothTransports
  void jwtEndpointSendsAFreshHs256TokenWithIssAndExpAndReusesIt(HttpTransport transport) throws Exception {
    server.enqueue(new MockResponse.Builder().body("Published\n").build());
    server.enqueue(new MockResponse.Builder().body("Published\n").build());
    long before = System.currentTimeMillis() / 1000;
    try (Publisher p = Publisher.builder().endpoint(base() + "?iss=realm&key=changeme").transport(transport)
        .tokenTtl(java.time.Duration.ofMinutes(5)).build()) {
      p.publish("c", Item.of(WsMessage.text("x")));
      p.publish("c", Item.of(WsMessage.text("y")));
    }
    RecordedRequest first = take();
    RecordedRequest second = take();
    assertEquals("/publish/", first.getUrl().encodedPath());
    assertNull(first.getUrl().query(), "iss and key must not leak into the publish URL");
    String auth = first.getHeaders().get("Authorization");
    assertTrue(auth.startsWith("Bearer "), auth);
    assertEquals(auth, second.getHeaders().get("Authorization"), "the token is reused, not minted per request");
    String[] parts = auth.substring(7).split("\\.");
    assertEquals(3, parts.length);
    java.util.Base64.Decoder d = java.util.Base64.getUrlDecoder();
    JsonNode header = M.readTree(d.decode(parts[0]));
    JsonNode claims = M.readTree(d.decode(parts[1]));
    assertEquals("HS256", header.get("alg").asText());
    assertEquals("realm", claims.get("iss").asText());
    long exp = claims.get("exp").asLong();
    assertTrue(exp >= before + 300 - 2 && exp <= before + 300 + 5, "exp " + exp + " vs now " + before);
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec("changeme".getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
    byte[] sig = mac.doFinal((parts[0] + "." + parts[1]).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    assertEquals(java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(sig), parts[2]);
  }

  @OverBothTransports
  void keyWithoutIssIsABearerToken(HttpTransport transport) throws Exception {
    server.enqueue(new MockResponse.Builder().body("Published\n").build());
    try (Publisher p = Publisher.builder().endpoint(base() + "/service/SID?key=tok%2Ben+plus").transport(transport).build()) {
      p.publish("c", Item.of(WsMessage.text("x")));
    }
    RecordedRequest r = take();
    assertEquals("/service/SID/publish/", r.getUrl().encodedPath());
    assertEquals("Bearer tok+en+plus", r.getHeaders().get("Authorization"));
  }

  @OverBothTransports
  void userinfoIsBasicAuth(HttpTransport transport) throws Exception {
    server.enqueue(new MockResponse.Builder().body("Published\n").build());
    try (Publisher p = Publisher.builder().endpoint("http://us%C3%A9r:p%40ss@127.0.0.1:" + server.getPort()).transport(transport).build()) {
      assertEquals(List.of("http://127.0.0.1:" + server.getPort() + "/publish/"), p.endpoints());
      p.publish("c", Item.of(WsMessage.text("x")));
    }
    String expected = "Basic " + java.util.Base64.getEncoder()
        .encodeToString("usér:p@ss".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertEquals(expected, take().getHeaders().get("Authorization"));
  }

  @OverBothTransports
  void secretsNeverAppearInResultsOrExceptions(HttpTransport transport) {
    server.enqueue(new MockResponse.Builder().code(500).body("boom\n").build());
    try (Publisher p = Publisher.builder().endpoint("http://bob:hunter2@127.0.0.1:" + server.getPort() + "?iss=r&key=s3cr3t-key").transport(transport)
        .retryPolicy(RetryPolicy.none()).build()) {
      PublishException e = org.junit.jupiter.api.Assertions.assertThrows(PublishException.class,
          () -> p.publish("c", Item.of(WsMessage.text("x"))));
      String all = e.getMessage() + e.result() + p;
      for (String secret : List.of("hunter2", "s3cr3t-key")) {
        assertTrue(!all.contains(secret), "leaked " + secret + ": " + all);
      }
    }
  }

  @Test
  void anEndpointBehindASystemProxyGoesThroughOkHttpWhichUsesTheProxy() throws Exception {
    server.enqueue(new MockResponse.Builder().body("Published\n").build());
    java.net.ProxySelector original = java.net.ProxySelector.getDefault();
    java.net.Proxy proxy = new java.net.Proxy(java.net.Proxy.Type.HTTP,
        new java.net.InetSocketAddress("127.0.0.1", server.getPort()));
    java.net.ProxySelector.setDefault(new java.net.ProxySelector() {
      @Override
      public List<java.net.Proxy> select(java.net.URI uri) {
        return List.of(proxy);
      }

      @Override
      public void connectFailed(java.net.URI uri, java.net.SocketAddress sa, java.io.IOException e) {}
    });
    try (Publisher p = Publisher.builder().endpoint("http://pushpin.internal.example:5561").build()) {
      assertTrue(p.publish("c", Item.of(WsMessage.text("via proxy"))).success());
    } finally {
      java.net.ProxySelector.setDefault(original);
    }
    RecordedRequest r = take();
    assertEquals("pushpin.internal.example", r.getUrl().host(), "the proxy got the absolute request for the endpoint");
    assertEquals("/publish/", r.getUrl().encodedPath());
    assertEquals("Keep-Alive", r.getHeaders().get("Connection"), "sent by OkHttp, not by the selector transport");
  }

  @OverBothTransports
  void theChannelPrefixGoesInFrontOfEveryChannelOnTheWire(HttpTransport transport) throws Exception {
    server.enqueue(new MockResponse.Builder().body("Published\n").build());
    Item item = Item.of(WsMessage.text("hi"));
    try (Publisher p = Publisher.builder().endpoint(base()).transport(transport).channelPrefix("app.").build()) {
      assertTrue(p.publish(List.of("news", "sport"), item).success());
    }
    JsonNode items = M.readTree(take().getBody().utf8()).get("items");
    assertEquals("app.news", items.get(0).get("channel").asText());
    assertEquals("app.sport", items.get(1).get("channel").asText());
    assertEquals(items.get(0).get("id"), items.get(1).get("id"), "one item, one id, whatever the prefix");
  }

  @Test
  void aChannelPrefixIsCheckedAndGripPrefixIsReadWithGripUrl() throws Exception {
    assertThrows(NullPointerException.class, () -> Publisher.builder().channelPrefix(null));
    assertThrows(IllegalArgumentException.class, () -> Publisher.builder().channelPrefix("bad\uD800"));
    server.enqueue(new MockResponse.Builder().body("Published\n").build());
    server.enqueue(new MockResponse.Builder().body("Published\n").build());
    java.util.Map<String, String> env = java.util.Map.of("GRIP_URL", base(), "GRIP_PREFIX", "env-");
    try (Publisher p = Publisher.builder().endpointFromEnvironment(env).build()) {
      p.publish("news", Item.of(WsMessage.text("hi")));
    }
    assertEquals("env-news", M.readTree(take().getBody().utf8()).at("/items/0/channel").asText());
    try (Publisher p = Publisher.builder().endpointFromEnvironment(env).channelPrefix("").build()) {
      p.publish("news", Item.of(WsMessage.text("hi")));
    }
    assertEquals("news", M.readTree(take().getBody().utf8()).at("/items/0/channel").asText(),
        "a later channelPrefix call overrides GRIP_PREFIX");
  }
}
