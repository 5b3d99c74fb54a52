package io.gripcast.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gripcast.auth.GripSigVerifier;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The filter in a real Tomcat: what reaches the application, what is refused, and why. */
class GripSigFilterTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final WhoAmIServlet strictApp = new WhoAmIServlet();
  private static TestTomcat tomcat;

  @BeforeAll
  static void start() {
    GripSigFilter strict = GripSigFilter.builder().verifyKey(Tokens.OTHER_KEY).verifyKey(Tokens.KEY).build();
    GripSigFilter lenient = GripSigFilter.builder().verifyKey(Tokens.KEY).requireSigned(false).build();
    tomcat = new TestTomcat()
        .filter("/strict/*", strict)
        .filter("/lenient/*", lenient)
        .servlet("/strict/*", strictApp)
        .servlet("/lenient/*", new WhoAmIServlet())
        .servlet("/unfiltered/*", new WhoAmIServlet())
        .start();
  }

  @AfterAll
  static void stop() throws Exception {
    tomcat.close();
  }

  private static HttpResponse<String> get(String path, String gripSig) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(tomcat.uri(path)).timeout(Duration.ofSeconds(10));
    if (gripSig != null) {
      b.header("Grip-Sig", gripSig);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aValidSignatureReachesTheAppMarkedProxiedAndSigned() throws Exception {
    HttpResponse<String> r = get("/strict/x", Tokens.valid(Tokens.KEY));
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("proxied=true signed=true status=VALID attrs=true/true", r.body());
  }

  @Test
  void anyConfiguredKeyIsAccepted() throws Exception {
    assertEquals(200, get("/strict/x", Tokens.valid(Tokens.OTHER_KEY)).statusCode());
  }

  @Test
  void noSignatureIsRefusedBeforeTheApp() throws Exception {
    int before = strictApp.calls.get();
    HttpResponse<String> r = get("/strict/x", null);
    assertEquals(403, r.statusCode());
    assertTrue(r.body().contains("no Grip-Sig header"), r.body());
    assertEquals(before, strictApp.calls.get(), "the application must not run for a refused request");
  }

  @Test
  void aWrongKeyIsRefusedWithoutEchoingTheToken() throws Exception {
    String token = Tokens.valid("a-third-key-nobody-configured-0123456789");
    HttpResponse<String> r = get("/strict/x", token);
    assertEquals(403, r.statusCode());
    assertTrue(r.body().contains("BAD_SIGNATURE"), r.body());
    assertFalse(r.body().contains(token.substring(token.lastIndexOf('.') + 1)), "the refusal must not quote the token");
  }

  @Test
  void anExpiredSignatureIsRefused() throws Exception {
    HttpResponse<String> r = get("/strict/x", Tokens.sign(Tokens.KEY, Duration.ofMinutes(-10)));
    assertEquals(403, r.statusCode());
    assertTrue(r.body().contains("EXPIRED"), r.body());
  }

  @Test
  void lenientModeLetsEverythingThroughMarked() throws Exception {
    assertEquals("proxied=false signed=false status=MISSING attrs=false/false", get("/lenient/x", null).body());
    assertEquals("proxied=true signed=false status=BAD_SIGNATURE attrs=true/false",
        get("/lenient/x", Tokens.valid(Tokens.OTHER_KEY)).body());
    assertEquals("proxied=true signed=true status=VALID attrs=true/true",
        get("/lenient/x", Tokens.valid(Tokens.KEY)).body());
  }

  @Test
  void theAccessorSaysSoWhenNoFilterRan() throws Exception {
    HttpResponse<String> r = get("/unfiltered/x", Tokens.valid(Tokens.KEY));
    assertEquals(200, r.statusCode());
    assertTrue(r.body().startsWith("unfiltered: no GripSigFilter ran for this request"), r.body());
  }

  @Test
  void aFilterNeedsAKeyAndKeepsItSecret() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> GripSigFilter.builder().build());
    assertTrue(e.getMessage().contains("verifyKey"), e.getMessage());
    GripSigFilter f = GripSigFilter.of(GripSigVerifier.of(Tokens.KEY));
    assertFalse(f.toString().contains(Tokens.KEY), f.toString());
    assertTrue(f.requiresSigned());
  }
}
