package io.gripcast.examples.broadcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gripcast.Publisher;
import io.gripcast.config.GripConfigException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.crac.Core;
import org.junit.jupiter.api.Test;

/**
 * The SnapStart priming, called directly as the runtime would (org-crac's context outside CRaC
 * does not call it): it builds the publisher and the wire body, and sends nothing to the proxy.
 */
class SnapStartPrimingTest {

  static final BroadcastConfig CONFIG = new BroadcastConfig(List.of("news", "alerts"), "primed");

  @Test
  void primingBuildsThePublisherAndSendsNothingAndAPublishAfterRestoreWorks() throws Exception {
    try (MockWebServer server = new MockWebServer()) {
      server.start();
      AtomicInteger builds = new AtomicInteger();
      SharedPublisher shared = new SharedPublisher(() -> {
        builds.incrementAndGet();
        return Publisher.builder().endpoint("http://127.0.0.1:" + server.getPort()).build();
      });
      SnapStartPriming priming = new SnapStartPriming(shared, CONFIG);

      priming.beforeCheckpoint(null);
      priming.afterRestore(null);

      assertEquals(1, builds.get(), "the publisher is built before the snapshot");
      assertEquals(0, server.getRequestCount(), "priming sent a request to the proxy");
      assertNull(server.takeRequest(300, TimeUnit.MILLISECONDS), "priming sent a request to the proxy");
      assertTrue(priming.primedBody().startsWith("{\"items\":[{\"channel\":\"news\",\"id\":\"snapstart-priming\""),
          priming.primedBody());

      // the first invocation after the restore reuses the primed publisher and publishes normally
      server.enqueue(new MockResponse.Builder().code(200).body("Published\n").build());
      new BroadcastHandler(shared, CONFIG).handleRequest(Map.of("id", "after-restore", "time", "2030-01-01T00:00:00Z"), null);
      assertEquals(1, builds.get(), "the primed publisher is reused");
      RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
      assertTrue(r.getBody().utf8().contains("\"id\":\"broadcast-after-restore\""), r.getBody().utf8());
      assertEquals(1, server.getRequestCount());
      shared.get().close();
    }
  }

  @Test
  void aMissingGripUrlDoesNotFailThePrimingAndIsReportedByTheInvocation() {
    SharedPublisher shared = new SharedPublisher(() -> {
      throw new GripConfigException("GRIP_URL", "is not set");
    });
    SnapStartPriming priming = new SnapStartPriming(shared, CONFIG);
    priming.beforeCheckpoint(null); // no exception: a failed checkpoint hook would fail the deployment
    priming.afterRestore(null);
    assertTrue(priming.primedBody().contains("\"alerts\""));
  }

  @Test
  void registeringWithTheGlobalContextOutsideCracIsHarmless() {
    SnapStartPriming priming = SnapStartPriming.register(new SharedPublisher(() -> {
      throw new AssertionError("outside SnapStart/CRaC nothing calls the hooks");
    }), CONFIG);
    assertNull(priming.primedBody());
    assertTrue(Core.getGlobalContext() != null);
  }
}
