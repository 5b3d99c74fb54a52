package io.gripcast.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gripcast.BufferedPublisher;
import io.gripcast.PublishResult;
import io.gripcast.Publisher;
import io.gripcast.item.Item;
import io.gripcast.item.WsMessage;
import io.gripcast.testing.PushpinExtension;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Real publishes through a real Pushpin: the published outcome and the buffer gauges. */
class PushpinMetricsTest {

  @RegisterExtension
  static final PushpinExtension PUSHPIN = PushpinExtension.builder().build();

  private static String channel(String prefix) {
    return prefix + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
  }

  @Test
  void publishesToPushpinAreTimedAndCountedPerEndpoint() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    String ch = channel("metrics-secret");
    PublishResult r;
    try (Publisher p = Publisher.builder().endpoint(PUSHPIN.instance().gripUrl())
        .listener(GripcastMetrics.listener(registry)).build()) {
      p.publish(ch, Item.of(WsMessage.text("one")));
      r = p.publish(ch, Item.of(WsMessage.text("two")));
    }
    String ep = r.endpoints().get(0).endpoint();
    Timer t = registry.find("gripcast.publish").tags("endpoint", ep, "outcome", "published").timer();
    assertEquals(2, t.count());
    assertTrue(t.totalTime(TimeUnit.NANOSECONDS) > 0);
    assertEquals(2.0, registry.get("gripcast.items").tags("endpoint", ep, "outcome", "published").counter().count());
    assertEquals(2.0, registry.get("gripcast.attempts").tags("endpoint", ep).counter().count());
    assertTrue(registry.find("gripcast.retries").counters().isEmpty(), "nothing retried");
    Meters.assertNoTagContains(registry, ch, "metrics-secret");
  }

  @Test
  void bufferedPublishesAreCountedAndTheGaugesRead() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    String ch = channel("buffered");
    try (Publisher p = Publisher.builder().endpoint(PUSHPIN.instance().gripUrl())
            .listener(GripcastMetrics.listener(registry)).build();
        BufferedPublisher b = BufferedPublisher.builder(p).capacity(64).linger(Duration.ofMillis(200)).build()) {
      GripcastMetrics.buffer(b).bindTo(registry);
      Gauge capacity = registry.get("gripcast.buffer.capacity").gauge();
      Gauge queued = registry.get("gripcast.buffer.queued").gauge();
      assertEquals(64.0, capacity.value());
      assertEquals(0.0, queued.value());
      List<CompletableFuture<PublishResult>> fs = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        fs.add(b.submit(ch, Item.of(WsMessage.text("m" + i))));
      }
      assertTrue(b.flush(Duration.ofSeconds(10)));
      for (CompletableFuture<PublishResult> f : fs) {
        assertTrue(f.get(5, TimeUnit.SECONDS).success());
      }
      assertEquals(0.0, queued.value());
      assertEquals(0.0, registry.get("gripcast.buffer.inflight").gauge().value());
      String ep = fs.get(0).get().endpoints().get(0).endpoint();
      assertEquals(20.0, registry.get("gripcast.items").tags("endpoint", ep, "outcome", "published").counter().count());
    }
    Meters.assertNoTagContains(registry, ch);
  }
}
