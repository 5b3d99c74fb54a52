package io.gripcast.examples.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gripcast.auth.GripSigVerifier;
import io.gripcast.ws.WebSocketEvent;
import io.gripcast.ws.WebSocketEvents;
import io.gripcast.testing.PushpinExtension;
import io.gripcast.testing.PushpinInstance;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The SnapStart priming, called directly as the runtime would (org-crac's context outside CRaC
 * does not call it): the handler answers the made-up request in memory, and after it the echo
 * works through a real Pushpin.
 */
class SnapStartPrimingTest {

  static final EchoHandler PRIMED = new EchoHandler(Optional.empty());
  static final LocalServer SERVER = LocalServer.builder().handler(PRIMED).port(0).start();

  @RegisterExtension
  static final PushpinExtension PUSHPIN = PushpinExtension.builder()
      .configure(b -> b.origin(SERVER.uri().getAuthority()).overHttp(true))
      .build();

  @AfterAll
  static void stop() {
    SERVER.close();
  }

  @Test
  void primingRunsTheWholeRequestPathInMemory() {
    SnapStartPriming priming = new SnapStartPriming(new EchoHandler(Optional.empty()));
    assertNull(priming.primedResponse());
    priming.beforeCheckpoint(null);
    priming.afterRestore(null);
    Map<String, Object> response = priming.primedResponse();
    assertEquals(200, response.get("statusCode"));
    @SuppressWarnings("unchecked")
    Map<String, String> headers = (Map<String, String>) response.get("headers");
    assertEquals("application/websocket-events", headers.get("Content-Type"));
    List<WebSocketEvent> events = WebSocketEvents.decode(Base64.getDecoder().decode((String) response.get("body")));
    assertEquals(WebSocketEvent.open(), events.get(0));
    assertEquals(WebSocketEvent.text("m:priming"), events.get(events.size() - 1));
  }

  @Test
  void withGripSigOnTheUnsignedPrimingRequestIsRefusedWithoutFailingTheHook() {
    SnapStartPriming priming = new SnapStartPriming(new EchoHandler(Optional.of(GripSigVerifier.of(
        "a-test-only-secret-of-32-bytes!!"))));
    priming.beforeCheckpoint(null);
    assertEquals(403, priming.primedResponse().get("statusCode"));
  }

  @Test
  void afterPrimingAndARestoreTheEchoWorksThroughPushpin(PushpinInstance pushpin) throws Exception {
    SnapStartPriming priming = new SnapStartPriming(PRIMED);
    priming.beforeCheckpoint(null);
    priming.afterRestore(null);
    try (EchoEndToEndTest.Client c = EchoEndToEndTest.Client.connect(pushpin.webSocketUri("/ws?channel=primed"))) {
      c.send("after restore");
      assertEquals("after restore", c.next());
    }
  }

  @Test
  void registeringWithTheGlobalContextOutsideCracIsHarmless() {
    SnapStartPriming priming = SnapStartPriming.register(new EchoHandler(Optional.empty()));
    assertNull(priming.primedResponse(), "outside SnapStart/CRaC nothing calls the hooks");
    assertTrue(SnapStartPriming.primingEvent().containsKey("requestContext"));
  }
}
