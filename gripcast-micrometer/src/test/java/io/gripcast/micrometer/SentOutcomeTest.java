package io.gripcast.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.gripcast.EndpointResult;
import io.gripcast.Outcome;
import io.gripcast.PublishListener;
import io.gripcast.PublishResult;
import io.gripcast.SuccessPolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A ZeroMQ endpoint's items are handed to a socket and never acknowledged: the item counter must
 * not report them as published next to an HTTP endpoint's acknowledged ones.
 */
class SentOutcomeTest {
  @Test
  void zeroMqItemsAreCountedAsSentAndHttpItemsAsPublished() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    PublishListener listener = GripcastMetrics.listener(registry);
    String zmq = "tcp://127.0.0.1:5560";
    String http = "http://127.0.0.1:5561/publish/";
    listener.onResult(PublishResult.of(SuccessPolicy.ALL, 3, List.of(
        EndpointResult.builder(zmq, Outcome.SENT).itemsPublished(3).elapsed(Duration.ofMillis(1)).build(),
        EndpointResult.builder(http, Outcome.PUBLISHED).status(200).itemsPublished(3)
            .elapsed(Duration.ofMillis(2)).build())));

    assertEquals(3.0, registry.get("gripcast.items").tags("endpoint", zmq, "outcome", "sent").counter().count());
    assertNull(registry.find("gripcast.items").tags("endpoint", zmq, "outcome", "published").counter());
    assertEquals(3.0, registry.get("gripcast.items").tags("endpoint", http, "outcome", "published").counter().count());
    assertEquals(1, registry.get("gripcast.publish").tags("endpoint", zmq, "outcome", "sent").timer().count());
  }
}
