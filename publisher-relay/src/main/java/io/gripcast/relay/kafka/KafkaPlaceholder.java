package io.gripcast.relay.kafka;

/** Keeps the exported package non-empty until the Kafka relay lands. */
final class KafkaPlaceholder {
  private KafkaPlaceholder() {}
}
