package io.gripcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gripcast.item.HttpStream;
import io.gripcast.item.Item;
import io.gripcast.item.WsMessage;
import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Publishing to an {@code https://} endpoint, the way Fastly Fanout users do: OkHttp (chosen by
 * the default {@link HttpTransport#AUTOMATIC}) with the caller's {@link OkHttpClient}, here one
 * that trusts a certificate made for the test. Every case runs over HTTP/1.1 and over HTTP/2,
 * since OkHttp negotiates HTTP/2 with any TLS server that offers it (as Fanout does), and
 * timeouts, cancels and retries work on streams there, not on connections.
 *
 * <p>That the selector transport refuses an https:// endpoint at build() is in PublisherWireTest.
 */
class PublisherTlsTest {
  private static final ObjectMapper M = new ObjectMapper();
  private static final RetryPolicy QUICK =
      RetryPolicy.builder().maxAttempts(4).backoff(Duration.ofMillis(20), 2.0, Duration.ofMillis(100)).jitter(0.0).totalBudget(Duration.ofSeconds(10)).build();

  /** A self-signed certificate for the loopback names: the server presents it and the test's client trusts it. */
  private static final HeldCertificate LOCALHOST = new HeldCertificate.Builder()
      .commonName("localhost").addSubjectAlternativeName("localhost").addSubjectAlternativeName("127.0.0.1")
      .build();
  private static final HandshakeCertificates SERVER_SIDE =
      new HandshakeCertificates.Builder().heldCertificate(LOCALHOST).build();
  private static final HandshakeCertificates CLIENT_SIDE =
      new HandshakeCertificates.Builder().addTrustedCertificate(LOCALHOST.certificate()).build();
  /** The caller's client: the publisher derives its own from it and must leave it working on close. */
  private static final OkHttpClient TRUSTING = new OkHttpClient.Builder()
      .sslSocketFactory(CLIENT_SIDE.sslSocketFactory(), CLIENT_SIDE.trustManager()).build();

  /** Runs a case over HTTP/1.1 and HTTP/2; a failure names the protocol (see {@link OverBothTransports}). */
  @Target(ElementType.METHOD)
  @Retention(RetentionPolicy.RUNTIME)
  @ParameterizedTest(name = "over TLS, {0}")
  @EnumSource(value = Protocol.class, names = {"HTTP_1_1", "HTTP_2"})
  @ExtendWith(OverBothTransports.NameTheCase.class)
  @interface OverTls {}

  private MockWebServer server;
  private final TestPublishing.Recorder recorder = new TestPublishing.Recorder();
  private final List<PublishListener.Attempt> attempts = recorder.attempts;
  private final List<PublishListener.Retry> retries = recorder.retries;

  /** An https server with {@code certificates}, speaking {@code protocol} (HTTP/2 offered by ALPN, else HTTP/1.1 only). */
  private MockWebServer start(Protocol protocol, HandshakeCertificates certificates) throws IOException {
    server = new MockWebServer();
    server.useHttps(certificates.sslSocketFactory());
    server.setProtocols(protocol == Protocol.HTTP_2 ? List.of(Protocol.HTTP_2, Protocol.HTTP_1_1) : List.of(Protocol.HTTP_1_1));
    server.start();
    return server;
  }

  private MockWebServer start(Protocol protocol) throws IOException {
    return start(protocol, SERVER_SIDE);
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    TRUSTING.connectionPool().evictAll(); // connections to this test's server end with it
  }

  @AfterAll
  static void stopClient() {
    TRUSTING.dispatcher().executorService().shutdown();
  }

  private String base() {
    return "https://" + server.getHostName() + ":" + server.getPort();
  }

  private Publisher.Builder publisher(String gripUrl) {
    return Publisher.builder().endpoint(gripUrl).okHttpClient(TRUSTING).retryPolicy(QUICK).listener(recorder);
  }

  private RecordedRequest take() throws InterruptedException {
    RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
    assertNotNull(r, "no request arrived");
    return r;
  }

  private static MockResponse status(int code, String body) {
    return new MockResponse.Builder().code(code).body(body).build();
  }

  @OverTls
  void publishesTheRightRequestWithABearerToken(Protocol protocol) throws Exception {
    start(protocol);
    server.enqueue(status(200, "Published\n"));
    try (Publisher p = publisher(base() + "/service/SID?key=tok%2Ben").build()) {
      assertEquals(List.of(base() + "/service/SID/publish/"), p.endpoints(), "no key in what the publisher shows");
      PublishResult r = p.publish("news", Item.of(WsMessage.text("hi"), HttpStream.text("hi\n")));
      EndpointResult e = r.endpoints().get(0);
      assertEquals(Outcome.PUBLISHED, e.outcome());
      assertEquals(200, e.status());
      assertEquals(1, e.attempts());
      assertEquals(1, e.itemsPublished());
    }
    RecordedRequest req = take();
    assertNotNull(req.getHandshake(), "the request came over TLS");
    assertEquals(protocol == Protocol.HTTP_2 ? "HTTP/2" : "HTTP/1.1", req.getVersion());
    assertEquals("POST", req.getMethod());
    assertEquals("/service/SID/publish/", req.getUrl().encodedPath());
    assertNull(req.getUrl().query(), "the key must not leak into the publish URL");
    assertEquals("Bearer tok+en", req.getHeaders().get("Authorization"));
    assertEquals("application/json", req.getHeaders().get("Content-Type"));
    assertEquals(String.valueOf(req.getBodySize()), req.getHeaders().get("Content-Length"));
    TestPublishing.assertNewsBody(req);
  }

  @OverTls
  void signsAJwtForAnEndpointWithIssAndKey(Protocol protocol) throws Exception {
    start(protocol);
    server.enqueue(status(200, "Published\n"));
    try (Publisher p = publisher(base() + "?iss=realm&key=changeme").build()) {
      assertTrue(p.publish("c", Item.of(WsMessage.text("x"))).success());
    }
    RecordedRequest req = take();
    assertNull(req.getUrl().query(), "iss and key must not leak into the publish URL");
    String auth = req.getHeaders().get("Authorization");
    assertTrue(auth.startsWith("Bearer "), auth);
    String[] parts = auth.substring(7).split("\\.");
    assertEquals(3, parts.length);
    assertEquals("realm", M.readTree(Base64.getUrlDecoder().decode(parts[1])).get("iss").asText());
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec("changeme".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    byte[] sig = mac.doFinal((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    assertEquals(Base64.getUrlEncoder().withoutPadding().encodeToString(sig), parts[2], "signed with the key");
  }

  @OverTls
  void serviceUnavailableIsRetriedWithTheSameIds(Protocol protocol) throws Exception {
    start(protocol);
    server.enqueue(status(503, "busy\n"));
    server.enqueue(status(503, "busy\n"));
    server.enqueue(status(200, "Published\n"));
    try (Publisher p = publisher(base() + "?key=k").build()) {
      EndpointResult r = p.publish("c", Item.of(WsMessage.text("x"))).endpoints().get(0);
      assertEquals(Outcome.PUBLISHED, r.outcome());
      assertEquals(3, r.attempts());
    }
    assertEquals(2, retries.size());
    assertEquals("HTTP 503", retries.get(0).reason());
    RecordedRequest first = take();
    assertEquals(first.getBody(), take().getBody(), "a retry must resend the same ids");
    assertEquals(first.getBody(), take().getBody(), "a retry must resend the same ids");
  }

  @OverTls
  void unauthorizedIsAuthRefusedAndNotRetried(Protocol protocol) throws Exception {
    start(protocol);
    server.enqueue(status(401, "invalid token\n"));
    try (Publisher p = publisher(base() + "?key=wrong-s3cr3t").build()) {
      PublishException e = assertThrows(PublishException.class, () -> p.publish("c", Item.of(WsMessage.text("x"))));
      EndpointResult r = e.result().endpoints().get(0);
      assertEquals(Outcome.AUTH_REFUSED, r.outcome());
      assertEquals(401, r.status());
      assertEquals(1, r.attempts());
      assertEquals("invalid token", r.message(), "the proxy's own words");
      assertFalse(e.retryable());
      assertFalse((e.getMessage() + e.result()).contains("wrong-s3cr3t"), "no key in the failure");
    }
    assertEquals(1, server.getRequestCount());
    assertTrue(retries.isEmpty());
  }

  @OverTls
  void readTimeoutAfterTheWholeRequestIsRetriedThenReportedUnknown(Protocol protocol) throws Exception {
    start(protocol);
    for (int i = 0; i < 2; i++) {
      server.enqueue(new MockResponse.Builder().headersDelay(2, TimeUnit.SECONDS).body("late\n").build());
    }
    try (Publisher p = publisher(base()).retryPolicy(QUICK.withMaxAttempts(2)).readTimeout(Duration.ofMillis(200)).build()) {
      PublishException e = assertThrows(PublishException.class, () -> p.publish("c", Item.of(WsMessage.text("x"))));
      EndpointResult r = e.result().endpoints().get(0);
      assertEquals(Outcome.UNKNOWN, r.outcome(), "the proxy may have taken the request");
      assertEquals(2, r.attempts());
      assertEquals(0, r.status());
      assertTrue(r.message().startsWith("the request went out, but no answer could be read (timed out"), r.message());
      assertTrue(e.retryable());
    }
    assertEquals(2, server.getRequestCount(), "both attempts sent the whole request");
    assertEquals(1, retries.size());
    assertTrue(retries.get(0).reason().startsWith("no readable answer: timed out"), retries.get(0).reason());
  }

  @OverTls
  void anUntrustedCertificateIsUnavailableAndTheMessageNamesTheTlsProblem(Protocol protocol) throws Exception {
    start(protocol);
    server.enqueue(status(200, "Published\n"));
    // no okHttpClient: the platform's trust store, which does not know the test's self-signed certificate
    try (Publisher p = Publisher.builder().endpoint(base() + "?iss=realm&key=s3cr3t-key").retryPolicy(QUICK.withMaxAttempts(2))
        .listener(recorder).build()) {
      PublishException e = assertThrows(PublishException.class, () -> p.publish("c", Item.of(WsMessage.text("x"))));
      EndpointResult r = e.result().endpoints().get(0);
      assertEquals(Outcome.UNAVAILABLE, r.outcome(), "nothing was sent: the handshake failed");
      assertEquals(0, r.status());
      assertInstanceOf(SSLException.class, r.failure());
      assertTrue(r.message().startsWith("SSLHandshakeException: "), r.message());
      assertTrue(r.message().contains("certification path"), "says why the handshake failed: " + r.message());
      String all = e.getMessage() + e.result() + r.failure();
      assertFalse(all.contains("s3cr3t-key"), "leaked the key: " + all);
      assertEquals(1, r.attempts(), "the same certificate comes back on a retry: not retried");
    }
    assertEquals(0, server.getRequestCount(), "no request may go out over an untrusted connection");
  }

  @OverTls
  void aCertificateForAnotherHostIsUnavailableAndSaysSo(Protocol protocol) throws Exception {
    HeldCertificate other = new HeldCertificate.Builder().commonName("pushpin.example")
        .addSubjectAlternativeName("pushpin.example").build();
    start(protocol, new HandshakeCertificates.Builder().heldCertificate(other).build());
    server.enqueue(status(200, "Published\n"));
    // trusted, but made out to another name than the one the GRIP_URL connects to
    HandshakeCertificates trust = new HandshakeCertificates.Builder().addTrustedCertificate(other.certificate()).build();
    OkHttpClient trustsOther = TRUSTING.newBuilder().sslSocketFactory(trust.sslSocketFactory(), trust.trustManager()).build();
    try (Publisher p = publisher(base() + "?key=s3cr3t-key").okHttpClient(trustsOther).build()) { // default retries
      PublishException e = assertThrows(PublishException.class, () -> p.publish("c", Item.of(WsMessage.text("x"))));
      EndpointResult r = e.result().endpoints().get(0);
      assertEquals(Outcome.UNAVAILABLE, r.outcome());
      assertEquals(1, r.attempts(), "a certificate for another host is not retried");
      assertTrue(r.message().startsWith("SSLPeerUnverifiedException: Hostname " + server.getHostName() + " not verified"),
          r.message());
      assertFalse((e.getMessage() + e.result()).contains("s3cr3t-key"));
    }
    assertEquals(0, server.getRequestCount());
  }

  @OverTls
  void aClusterOfAnHttpsAndAnHttpEndpointGetsTheSameItemsOverTheirOwnTransports(Protocol protocol) throws Exception {
    start(protocol);
    server.enqueue(status(503, "busy\n"));
    server.enqueue(status(200, "Published\n"));
    try (MockWebServer plain = new MockWebServer()) {
      plain.start();
      plain.enqueue(status(200, "Published\n"));
      // AUTOMATIC: OkHttp for the https:// endpoint, the selector transport for the http:// one
      try (Publisher p = publisher(base() + "?key=k").endpoint("http://127.0.0.1:" + plain.getPort()).build()) {
        PublishResult r = p.publish("c", Item.of(WsMessage.text("x")));
        assertTrue(r.success());
        assertEquals(2, r.endpoints().get(0).attempts(), "the https endpoint retried its 503 on its own");
        assertEquals(1, r.endpoints().get(1).attempts());
      }
      RecordedRequest overPlain = plain.takeRequest(5, TimeUnit.SECONDS);
      assertNotNull(overPlain);
      assertNull(overPlain.getHandshake());
      assertEquals("close", overPlain.getHeaders().get("Connection"), "sent by the selector transport");
      RecordedRequest overTls = take();
      assertNotNull(overTls.getHandshake());
      assertEquals(overTls.getBody(), overPlain.getBody(), "the same ids at every endpoint, so a cluster deduplicates alike");
      assertEquals(overTls.getBody(), take().getBody(), "and the retry resends them");
    }
  }

  @OverTls
  void cancellingTheFutureCancelsTheOkHttpCallOfTheCallersClient(Protocol protocol) throws Exception {
    start(protocol);
    server.enqueue(new MockResponse.Builder().onResponseStart(SocketEffect.Stall.INSTANCE).build());
    CountDownLatch cancelled = new CountDownLatch(1);
    OkHttpClient mine = TRUSTING.newBuilder().eventListener(new EventListener() {
      @Override
      public void canceled(Call call) {
        cancelled.countDown();
      }
    }).build();
    try (Publisher p = publisher(base()).okHttpClient(mine).build()) {
      CompletableFuture<PublishResult> f = p.publishAsync("c", Item.of(WsMessage.text("x")));
      take(); // the request is on the wire, its answer will never come
      assertTrue(f.cancel(true));
      assertTrue(cancelled.await(5, TimeUnit.SECONDS), "the OkHttp call was not cancelled");
      assertThrows(CancellationException.class, f::join);
      Thread.sleep(100); // a retry, were one planned, would have started by now
    }
    assertEquals(1, server.getRequestCount());
    assertEquals(1, attempts.size(), "a cancelled publish is not retried");
  }

  @OverTls
  void closeCancelsARequestInFlightAndLeavesTheCallersClientWorking(Protocol protocol) throws Exception {
    start(protocol);
    server.enqueue(new MockResponse.Builder().onResponseStart(SocketEffect.Stall.INSTANCE).build());
    server.enqueue(status(200, "still here\n"));
    Publisher p = publisher(base()).closeTimeout(Duration.ofMillis(100)).build();
    CompletableFuture<PublishResult> f = p.publishAsync("c", Item.of(WsMessage.text("x")));
    take();
    TestPublishing.closeCancels(p, f);
    assertThrows(IllegalStateException.class, () -> p.publish("c", Item.of(WsMessage.text("x"))));
    // the dispatcher and the connection pool are the caller's: closing the publisher keeps them
    try (okhttp3.Response after = TRUSTING.newCall(new okhttp3.Request.Builder().url(server.url("/")).build()).execute()) {
      assertEquals("still here\n", after.body().string());
    }
  }
}
