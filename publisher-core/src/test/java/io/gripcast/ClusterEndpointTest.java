package io.gripcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gripcast.config.GripConfigException;
import io.gripcast.item.Item;
import io.gripcast.item.WsMessage;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

/**
 * How a cluster endpoint follows its resolver: new instances join, a failed or empty resolution
 * keeps the known ones. What reaches real subscribers is ZeroMqIntegrationTest's cluster test; here
 * the servers only count requests, so MockWebServer.
 */
class ClusterEndpointTest {

  private static MockWebServer server() throws Exception {
    MockWebServer s = new MockWebServer();
    s.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return new MockResponse.Builder().body("Published\n").build();
      }
    });
    s.start();
    return s;
  }

  private static List<String> endpoints(PublishResult r) {
    return r.endpoints().stream().map(EndpointResult::endpoint).collect(Collectors.toList());
  }

  private static String shown(MockWebServer s) {
    return "http://127.0.0.1:" + s.getPort() + "/publish/ (pushpin.test)";
  }

  @Test
  void theClusterFollowsItsResolverAndKeepsItsInstancesWhenResolutionFails() throws Exception {
    try (MockWebServer a = server(); MockWebServer b = server()) {
      InetSocketAddress aa = new InetSocketAddress("127.0.0.1", a.getPort());
      InetSocketAddress bb = new InetSocketAddress("127.0.0.1", b.getPort());
      AtomicReference<Object> answer = new AtomicReference<>(List.of(aa));
      Resolver resolver = (host, port) -> {
        assertEquals("pushpin.test", host);
        assertEquals(5561, port);
        Object v = answer.get();
        if (v instanceof UnknownHostException e) {
          throw e;
        }
        @SuppressWarnings("unchecked")
        List<InetSocketAddress> list = (List<InetSocketAddress>) v;
        return list;
      };
      try (Publisher p = Publisher.builder().clusterEndpoint("http://pushpin.test:5561").resolver(resolver)
          .resolveInterval(Duration.ofMillis(50)).build()) {
        Item item = Item.of(WsMessage.text("hi"));
        assertEquals(List.of(shown(a)), endpoints(p.publish("c", item)));

        answer.set(List.of(aa, bb));
        assertEquals(List.of(shown(a), shown(b)), awaitEndpoints(p, 2));

        answer.set(new UnknownHostException("pushpin.test"));
        Thread.sleep(200); // several failed resolutions
        assertEquals(List.of(shown(a), shown(b)), endpoints(p.publish("c", item)), "a DNS failure keeps the instances");
        answer.set(List.of());
        Thread.sleep(200);
        assertEquals(List.of(shown(a), shown(b)), endpoints(p.publish("c", item)), "so does an empty answer");

        answer.set(List.of(bb));
        assertEquals(List.of(shown(b)), awaitEndpoints(p, 1));
      }
      assertTrue(a.getRequestCount() >= 3 && b.getRequestCount() >= 3);
    }
  }

  private static List<String> awaitEndpoints(Publisher p, int n) throws InterruptedException {
    List<String> got = List.of();
    for (int i = 0; i < 100; i++) {
      got = endpoints(p.publish("c", Item.of(WsMessage.text("hi"))));
      if (got.size() == n) {
        break;
      }
      Thread.sleep(20);
    }
    return got;
  }

  @Test
  void aNameThatNeverResolvedFailsThePublishSayingWhy() {
    try (Publisher p = Publisher.builder().clusterEndpoint("http://nowhere.test:5561")
        .resolver((host, port) -> {
          throw new UnknownHostException(host);
        }).build()) {
      PublishException e = assertThrows(PublishException.class, () -> p.publish("c", Item.of(WsMessage.text("x"))));
      EndpointResult r = e.result().endpoints().get(0);
      assertEquals(Outcome.UNAVAILABLE, r.outcome());
      assertEquals("http://nowhere.test:5561/publish/ (cluster)", r.endpoint());
      assertTrue(r.message().contains("resolving nowhere.test failed: unknown host"), r.message());
    }
  }

  @Test
  void anHttpsClusterIsRefusedBecauseTlsCouldNotVerifyTheAddresses() {
    GripConfigException e = assertThrows(GripConfigException.class,
        () -> Publisher.builder().clusterEndpoint("https://pushpin.test"));
    assertEquals("scheme", e.part());
  }
}
