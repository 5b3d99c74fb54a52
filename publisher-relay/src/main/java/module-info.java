/**
 * gripcast relay: publishes what a durable source holds (a Kafka topic, a PostgreSQL outbox table)
 * through a {@link io.gripcast.Publisher}, with item ids derived from the source position, so a replay
 * after a crash carries the same ids and the proxy's id cache drops the duplicates.
 *
 * <p>Each source's client library is optional: an application requires the one it uses
 * ({@code kafka.clients} for {@link io.gripcast.relay.kafka}, {@code org.postgresql.jdbc} or another
 * JDBC driver for {@link io.gripcast.relay.outbox}).
 */
module io.gripcast.relay {
  // the API takes and returns io.gripcast types (Publisher, Item)
  requires transitive io.gripcast;
  // optional sources: present only when the application uses them
  requires static kafka.clients;
  requires static org.postgresql.jdbc;
  requires java.sql;

  exports io.gripcast.relay;
  exports io.gripcast.relay.kafka;
  exports io.gripcast.relay.outbox;
}
