package io.gripcast.relay.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gripcast.Publisher;
import io.gripcast.item.Publication;
import io.gripcast.relay.RelayIds;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** What needs no broker: option checks, the mappings, the ids, a source that cannot be created. */
class KafkaRelayBuilderTest {

  @Test
  void missingOptionsAreNamed() {
    try (Publisher p = Publisher.builder().endpoint("http://127.0.0.1:1").build()) {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> KafkaRelay.builder().publisher(p).bootstrapServers("h:1").groupId("g").build());
      assertTrue(e.getMessage().contains("topics"), e.getMessage());
      e = assertThrows(IllegalStateException.class,
          () -> KafkaRelay.builder().publisher(p).bootstrapServers("h:1").groupId("g").topics("t").deadLetterTopic("t").build());
      assertTrue(e.getMessage().contains("loop"), e.getMessage());
      IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> KafkaRelay.builder().topics("a b"));
      assertTrue(bad.getMessage().contains("'a b'"), bad.getMessage());
      bad = assertThrows(IllegalArgumentException.class, () -> KafkaRelay.builder().kafkaProperty("enable.auto.commit", "true"));
      assertTrue(bad.getMessage().contains("enable.auto.commit"), bad.getMessage());
    }
  }

  @Test
  void aSourceThatCannotBeCreatedFailsStartAndLeavesTheRelayTerminated() throws Exception {
    try (Publisher p = Publisher.builder().endpoint("http://127.0.0.1:1").build();
        KafkaRelay relay = KafkaRelay.builder().publisher(p).bootstrapServers("no-such-host.invalid:9092")
            .groupId("g").topics("t").build()) {
      assertThrows(RuntimeException.class, relay::start);
      assertTrue(relay.awaitTermination(Duration.ZERO));
      assertThrows(IllegalStateException.class, relay::start);
    }
  }

  @Test
  void contentMappingFillsTheTemplateAndRefusesWhatIsMissing() {
    RecordMapping m = RecordMapping.content("room-{key}-{header:tenant}-{topic}-{partition}");
    ConsumerRecord<byte[], byte[]> r = new ConsumerRecord<>("orders", 3, 7L, bytes("k1"), bytes("hello"));
    r.headers().add("tenant", bytes("acme"));
    Publication pub = m.map(r).get(0);
    assertEquals("room-k1-acme-orders-3", pub.channel());
    assertEquals(new io.gripcast.item.Content.Text("hello"), pub.item().wsMessage().content());
    ConsumerRecord<byte[], byte[]> noKey = new ConsumerRecord<>("orders", 0, 0L, null, bytes("x"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.map(noKey));
    assertTrue(e.getMessage().contains("no key"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> RecordMapping.content("x-{nope}"));
    assertTrue(e.getMessage().contains("{nope}"), e.getMessage());
    ConsumerRecord<byte[], byte[]> notUtf8 = new ConsumerRecord<>("orders", 0, 0L, bytes("k"), new byte[] {(byte) 0xff});
    notUtf8.headers().add("tenant", bytes("a"));
    e = assertThrows(IllegalArgumentException.class, () -> m.map(notUtf8));
    assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
  }

  @Test
  void idsNameTheirPosition() {
    assertEquals("kafka:orders:3:42", RelayIds.kafka("orders", 3, 42));
    assertEquals("outbox:gripcast_outbox:7", RelayIds.outbox("gripcast_outbox", 7));
    assertThrows(IllegalArgumentException.class, () -> RelayIds.kafka("orders", -1, 0));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
