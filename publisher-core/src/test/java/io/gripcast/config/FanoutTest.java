package io.gripcast.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gripcast.Publisher;
import io.gripcast.auth.Auth;
import io.gripcast.auth.GripSigVerifier;
import io.gripcast.item.Item;
import io.gripcast.item.WsMessage;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

/** {@link Fanout}: the endpoint built from a service id and an API token, and Fanout's verify key. */
class FanoutTest {

  @Test
  void theEndpointIsFastlysPublishUrlWithTheTokenAsABearerKeyAndFanoutsVerifySettings() {
    Endpoint e = Fanout.endpoint("SU1Z0isxPaozGVKXdv0eY", "tok-123");
    assertEquals("https://api.fastly.com/service/SU1Z0isxPaozGVKXdv0eY/publish/", e.publishUri().toString());
    Auth.Bearer bearer = assertInstanceOf(Auth.Bearer.class, e.auth());
    assertEquals(io.gripcast.auth.Secret.ofUtf8("tok-123"), bearer.token());
    assertEquals("fastly:SU1Z0isxPaozGVKXdv0eY", e.verifyIssuer().orElseThrow());
    assertTrue(e.warnings().isEmpty(), e.warnings().toString());
    assertEquals(Fanout.MAX_BODY_BYTES, e.maxBodyBytes().getAsInt(), "Fanout's own body limit, not Pushpin's");
    assertFalse(e.redacted().contains("tok-123"), e.redacted());
    assertEquals(Fanout.endpoint("SU1Z0isxPaozGVKXdv0eY", "tok-123").publishUri(),
        GripUrl.parse("https://api.fastly.com/service/SU1Z0isxPaozGVKXdv0eY?key=tok-123").publishUri(),
        "the same endpoint as the GRIP URL Fastly documents");
    GripSigVerifier v = GripSigVerifier.forEndpoint(e).orElseThrow();
    assertEquals("ES256", v.algorithm());
    assertEquals("fastly:SU1Z0isxPaozGVKXdv0eY", v.expectedIssuer().orElseThrow());
  }

  @Test
  void theVerifyKeyIsFanoutsP256KeyAsJsGripPublishesItInBothForms() {
    GripSigVerifier pem = GripSigVerifier.of(Fanout.VERIFY_KEY);
    assertEquals("ES256", pem.algorithm());
    assertFalse(pem.isWeakKey());
    // the JWK form of the same key (js-grip's PUBLIC_KEY_FASTLY_FANOUT_JWK, grip-spec §2.4)
    String jwk = "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"CKo5A1ebyFcnmVV8SE5On-8G81JyBjSvcrx4VLetWCg\","
        + "\"y\":\"7gwJqaU6N8TP88--twjkwoB36f-pT3QsmI46nPhjO7M\"}";
    assertEquals("ES256", GripSigVerifier.of(jwk).algorithm());
    // that both are the same key is checked where the parsed key is visible: auth.FanoutVerifyKeyTest
  }

  @Test
  void aBadServiceIdOrTokenIsAConfigErrorNamingThePartWithoutTheToken() {
    for (String bad : new String[] {"", "a/b", "a b", "..", "id?x=1", "é"}) {
      GripConfigException e = assertThrows(GripConfigException.class, () -> Fanout.endpoint(bad, "tok"), bad);
      assertEquals("serviceId", e.part(), bad);
    }
    GripConfigException empty = assertThrows(GripConfigException.class, () -> Fanout.endpoint("svc", ""));
    assertEquals("apiToken", empty.part());
    GripConfigException spaced = assertThrows(GripConfigException.class,
        () -> Fanout.endpoint("svc", "sec ret-token"));
    assertEquals("apiToken", spaced.part());
    assertFalse(spaced.getMessage().contains("sec ret-token"), spaced.getMessage());
    assertThrows(NullPointerException.class, () -> Fanout.endpoint(null, "tok"));
    assertThrows(NullPointerException.class, () -> Fanout.endpoint("svc", null));
  }

  @Test
  void publishingPostsToTheServicesPublishPathWithTheBearerToken() throws Exception {
    try (MockWebServer server = new MockWebServer()) {
      server.start();
      server.enqueue(new MockResponse.Builder().body("Published\n").build());
      Endpoint e = Fanout.endpoint("http://127.0.0.1:" + server.getPort(), "svc_1-A", "fastly-token");
      try (Publisher p = Publisher.builder().endpoint(e).build()) {
        assertTrue(p.publish("news", Item.of(WsMessage.text("hi"))).success());
      }
      RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
      assertEquals("POST", r.getMethod());
      assertEquals("/service/svc_1-A/publish/", r.getUrl().encodedPath());
      assertEquals("Bearer fastly-token", r.getHeaders().get("Authorization"));
    }
  }
}
