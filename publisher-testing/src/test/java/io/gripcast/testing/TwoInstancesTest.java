package io.gripcast.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two instances started concurrently by one extension are independent. */
class TwoInstancesTest {

  @RegisterExtension
  static PushpinExtension pushpin = PushpinExtension.builder().instances(2).build();

  private static final Duration WAIT = Duration.ofSeconds(10);

  @Test
  void distinctPortsProcessesAndDirs() {
    List<PushpinInstance> all = pushpin.instances();
    assertEquals(2, all.size());
    PushpinInstance a = all.get(0);
    PushpinInstance b = all.get(1);
    Set<Integer> ports = new HashSet<>(List.of(a.clientPort(), a.controlPort(), b.clientPort(), b.controlPort()));
    assertEquals(4, ports.size(), ports::toString);
    assertNotEquals(a.runnerPid(), b.runnerPid());
    assertNotEquals(a.handlerPid(), b.handlerPid());
    assertNotEquals(a.directory(), b.directory());
  }

  @Test
  void eachInstanceDeliversOnlyItsOwnPublishes() throws Exception {
    PushpinInstance a = pushpin.instance(0);
    PushpinInstance b = pushpin.instance(1);
    String ch = "same-" + UUID.randomUUID(); // the same channel name on both
    try (StreamSubscriber subA = StreamSubscriber.open(a.clientUri("/stream?channel=" + ch));
         StreamSubscriber subB = StreamSubscriber.open(b.clientUri("/stream?channel=" + ch))) {
      assertTrue(a.awaitSubscribed(ch, WAIT), a::handlerLog);
      assertTrue(b.awaitSubscribed(ch, WAIT), b::handlerLog);
      assertEquals(200, a.publish(item(ch, "from a")).status());
      assertEquals(200, b.publish(item(ch, "from b")).status());
      assertTrue(subA.awaitContains("from a\n", WAIT), subA::body);
      assertTrue(subB.awaitContains("from b\n", WAIT), subB::body);
      assertFalse(subA.body().contains("from b"), subA::body);
      assertFalse(subB.body().contains("from a"), subB::body);
    }
  }

  private static String item(String ch, String text) {
    return "{\"items\":[{\"channel\":\"" + ch + "\",\"formats\":{\"http-stream\":{\"content\":\"" + text + "\\n\"}}}]}";
  }
}
