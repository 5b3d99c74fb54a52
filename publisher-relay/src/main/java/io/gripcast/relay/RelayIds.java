package io.gripcast.relay;

import java.util.Objects;

/**
 * Deterministic item ids: the same source position gives the same id in every run, so an item
 * published again after a crash or a rebalance is dropped by the proxy's id cache instead of
 * reaching subscribers twice (docs/relay.md: within Pushpin's {@code id_cache_ttl}).
 */
public final class RelayIds {
  private RelayIds() {}

  /**
   * The id of the item read from a Kafka record: {@code kafka:<topic>:<partition>:<offset>}. Kafka
   * topic names hold only {@code [a-zA-Z0-9._-]}, so the parts cannot run into each other.
   */
  public static String kafka(String topic, int partition, long offset) {
    Objects.requireNonNull(topic, "topic");
    if (topic.isEmpty()) {
      throw new IllegalArgumentException("topic is empty");
    }
    if (partition < 0 || offset < 0) {
      throw new IllegalArgumentException(
          "partition and offset must be >= 0, got partition " + partition + ", offset " + offset);
    }
    return "kafka:" + topic + ':' + partition + ':' + offset;
  }

  /**
   * The id of the item read from an outbox row: {@code outbox:<table>:<rowId>}. The table name keeps
   * two outboxes publishing to one channel from colliding.
   */
  public static String outbox(String table, long rowId) {
    Objects.requireNonNull(table, "table");
    if (table.isEmpty()) {
      throw new IllegalArgumentException("table is empty");
    }
    return "outbox:" + table + ':' + rowId;
  }
}
