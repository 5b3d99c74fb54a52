package io.gripcast.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gripcast.EndpointResult;
import io.gripcast.Outcome;
import io.gripcast.PublishException;
import io.gripcast.PublishResult;
import io.gripcast.Publisher;
import io.gripcast.RetryPolicy;
import io.gripcast.SuccessPolicy;
import io.gripcast.item.HttpStream;
import io.gripcast.item.Item;
import io.gripcast.item.WsMessage;
import io.gripcast.testing.PushpinExtension;
import io.gripcast.testing.PushpinInstance;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One publisher, several real Pushpin instances. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIntegrationTest {

  @RegisterExtension
  static final PushpinExtension PUSHPIN = PushpinExtension.builder().instances(3).overHttp(true).build();

  private static final RetryPolicy SHORT =
      RetryPolicy.builder().maxAttempts(3).backoff(Duration.ofMillis(50), 2.0, Duration.ofMillis(200)).jitter(0.2).totalBudget(Duration.ofSeconds(2)).build();

  private static List<String> gripUrls(List<PushpinInstance> instances) {
    return instances.stream().map(PushpinInstance::gripUrl).collect(Collectors.toList());
  }

  @Test
  @Order(1)
  void onePublishReachesTheSubscribersOfEveryInstance() throws Exception {
    List<PushpinInstance> all = PUSHPIN.instances();
    String ch = "cluster-" + ProcessHandle.current().pid();
    List<Subscribers.Stream> streams = new ArrayList<>();
    try (Publisher publisher = Publisher.builder().endpoints(gripUrls(all)).build()) {
      for (PushpinInstance p : all) {
        Subscribers.Stream s = new Subscribers.Stream(p.clientUri("/stream?channel=" + ch));
        streams.add(s);
        s.readAtLeast("stream open\n".length());
        assertTrue(p.awaitSubscribed(ch, Duration.ofSeconds(10)));
      }
      PublishResult r = publisher.publish(ch, Item.of(HttpStream.text("to all\n")));
      assertEquals(3, r.endpoints().size());
      publisher.publish(ch, Item.of(HttpStream.close()));
      for (Subscribers.Stream s : streams) {
        s.readToEnd();
        assertEquals("stream open\nto all\n", new String(s.received(), StandardCharsets.UTF_8));
      }
    } finally {
      streams.forEach(Subscribers.Stream::close);
    }
  }

  @Test
  @Order(2)
  void withOneInstanceStoppedAllFailsAnySucceedsAndLiveSubscribersGetEverything() throws Exception {
    List<PushpinInstance> all = PUSHPIN.instances();
    String ch = "cluster-down-" + ProcessHandle.current().pid();
    List<Subscribers.Ws> live = new ArrayList<>();
    try {
      for (PushpinInstance p : all.subList(0, 2)) {
        live.add(new Subscribers.Ws(p.webSocketUri("/ws?channel=" + ch)));
        assertTrue(p.awaitSubscribed(ch, Duration.ofSeconds(10)));
      }
      all.get(2).stop();
      List<String> urls = gripUrls(all);
      try (Publisher allPolicy = Publisher.builder().endpoints(urls).retryPolicy(SHORT).build();
          Publisher anyPolicy = Publisher.builder().endpoints(urls).retryPolicy(SHORT)
              .successPolicy(SuccessPolicy.ANY).build()) {
        for (int i = 0; i < 10; i++) {
          int n = i;
          PublishException e = assertThrows(PublishException.class,
              () -> allPolicy.publish(ch, Item.of(WsMessage.text("all-" + n))));
          List<Outcome> outcomes = e.result().endpoints().stream().map(EndpointResult::outcome).collect(Collectors.toList());
          assertEquals(List.of(Outcome.PUBLISHED, Outcome.PUBLISHED, Outcome.UNAVAILABLE), outcomes);
          assertEquals(0, e.result().endpoints().get(2).itemsPublished());
          assertTrue(e.result().endpoints().get(2).attempts() > 1, "the dead endpoint is retried");
          assertTrue(e.retryable());
        }
        for (int i = 0; i < 10; i++) {
          PublishResult r = anyPolicy.publish(ch, Item.of(WsMessage.text("any-" + i)));
          assertTrue(r.success());
          assertEquals(1, r.failures().size());
          assertEquals(all.get(2).publishUrl().toString(), r.failures().get(0).endpoint());
        }
      }
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        expected.add("all-" + i);
      }
      for (int i = 0; i < 10; i++) {
        expected.add("any-" + i);
      }
      for (Subscribers.Ws ws : live) {
        assertEquals(expected, ws.texts(20, Duration.ofSeconds(10)));
        assertEquals(null, ws.next(Duration.ofMillis(200)), "no duplicate after the last item");
      }
    } finally {
      live.forEach(Subscribers.Ws::close);
    }
  }
}
