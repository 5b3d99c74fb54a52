package io.gripcast.relay.kafka;

import static io.gripcast.relay.internal.BuilderArgs.atLeast1;
import static io.gripcast.relay.internal.BuilderArgs.positive;

import io.gripcast.Publisher;
import io.gripcast.relay.Relay;
import io.gripcast.relay.RelayListener;
import io.gripcast.relay.RelayStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Relays Kafka records to a GRIP proxy: consumes topics in a consumer group (start more relays with
 * the same group id to spread the partitions), maps each record with a {@link RecordMapping}, and
 * publishes each partition's records in order, in batches of one {@link Publisher#publishAllAsync}
 * call, several partitions at once. A partition's offset is committed only after the publish of
 * its records up to that offset succeeded under the publisher's success policy.
 *
 * <pre>{@code
 * try (Publisher publisher = Publisher.builder().endpoint("http://localhost:5561").build();
 *     KafkaRelay relay = KafkaRelay.builder()
 *         .publisher(publisher)
 *         .bootstrapServers("localhost:9092")
 *         .groupId("gripcast-relay")
 *         .topics("events")
 *         .build()) {
 *   relay.start();
 *   relay.awaitTermination(Duration.ofDays(365));
 * }
 * }</pre>
 *
 * <p>Every item without an id gets {@link io.gripcast.relay.RelayIds#kafka}: a record published
 * again after a crash or a rebalance carries the same id, and the proxy's id cache drops it
 * (docs/relay.md). A record the mapping rejects, or the proxy rejects with a 4xx on its own, is
 * poison: it goes to the {@linkplain Builder#deadLetterTopic dead-letter topic}, or is skipped with a
 * log line, and its partition goes on. A proxy that is down blocks its partitions (nothing is
 * committed past what it accepted) and is tried again with a growing pause, while the consumer
 * keeps its group membership; partitions are paused while their buffer is full.
 */
public final class KafkaRelay implements Relay {
  private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  private final KafkaRelayLoop loop;

  private KafkaRelay(Builder b) {
    this.loop = new KafkaRelayLoop(b.publisher, b.consumerConfig(), b.producerConfig(), List.copyOf(b.topics),
        b.mapping, b.deadLetterTopic, b.batchSize, b.maxInFlight, b.maxBufferedRecords, b.commitInterval,
        b.retryBackoff, b.maxRetryBackoff, b.closeTimeout, b.listener);
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void start() {
    loop.start();
  }

  @Override
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return loop.awaitTermination(timeout);
  }

  @Override
  public Throwable failure() {
    return loop.failure();
  }

  @Override
  public RelayStats stats() {
    return loop.stats();
  }

  @Override
  public void close() {
    loop.close();
  }

  @Override
  public String toString() {
    return "KafkaRelay{" + loop.describe() + "}";
  }

  /** Options of a {@link KafkaRelay}; {@link #publisher}, {@link #bootstrapServers}, {@link #groupId} and {@link #topics} are required. */
  public static final class Builder {
    private Publisher publisher;
    private String bootstrapServers;
    private String groupId;
    private final List<String> topics = new ArrayList<>();
    private final Map<String, String> kafkaProperties = new LinkedHashMap<>();
    private RecordMapping mapping = RecordMapping.wireJson();
    private String deadLetterTopic;
    private int batchSize = 500;
    private int maxInFlight = 8;
    private int maxBufferedRecords = 2000;
    private Duration commitInterval = Duration.ofSeconds(1);
    private Duration retryBackoff = Duration.ofMillis(500);
    private Duration maxRetryBackoff = Duration.ofSeconds(30);
    private Duration closeTimeout = Duration.ofSeconds(30);
    private RelayListener listener = RelayListener.none();

    private Builder() {}

    /** Where items go. The relay does not close it: close it after the relay. */
    public Builder publisher(Publisher publisher) {
      this.publisher = Objects.requireNonNull(publisher, "publisher");
      return this;
    }

    /** Kafka's {@code bootstrap.servers}, e.g. {@code "broker1:9092,broker2:9092"}. */
    public Builder bootstrapServers(String servers) {
      Objects.requireNonNull(servers, "bootstrapServers");
      if (servers.isBlank()) {
        throw new IllegalArgumentException("bootstrapServers is empty; give host:port[,host:port...]");
      }
      this.bootstrapServers = servers;
      return this;
    }

    /** The consumer group: relays with the same group id share the topics' partitions. */
    public Builder groupId(String groupId) {
      Objects.requireNonNull(groupId, "groupId");
      if (groupId.isBlank()) {
        throw new IllegalArgumentException("groupId is empty");
      }
      this.groupId = groupId;
      return this;
    }

    /** The topics to relay (adds to those given before). */
    public Builder topics(String... topics) {
      return topics(List.of(topics));
    }

    /** The topics to relay (adds to those given before). */
    public Builder topics(Collection<String> topics) {
      for (String t : topics) {
        Objects.requireNonNull(t, "topic");
        if (!TOPIC.matcher(t).matches()) {
          throw new IllegalArgumentException("'" + t + "' is not a Kafka topic name (1 to 249 of a-z A-Z 0-9 . _ -)");
        }
        this.topics.add(t);
      }
      return this;
    }

    /**
     * A Kafka client property for the consumer and the dead-letter producer alike, e.g.
     * {@code security.protocol} or {@code sasl.jaas.config} (never logged by the relay). The relay
     * sets {@code enable.auto.commit=false} and byte-array deserializers itself, and
     * {@code auto.offset.reset=earliest} unless given here.
     */
    public Builder kafkaProperty(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      if (name.equals("enable.auto.commit") || name.endsWith(".deserializer") || name.endsWith(".serializer")) {
        throw new IllegalArgumentException("the relay sets " + name + " itself: offsets are committed after a"
            + " publish succeeds, and records are read as bytes for the mapping");
      }
      kafkaProperties.put(name, value);
      return this;
    }

    /** How records become items (default {@link RecordMapping#wireJson()}). */
    public Builder mapping(RecordMapping mapping) {
      this.mapping = Objects.requireNonNull(mapping, "mapping");
      return this;
    }

    /**
     * Where poison records go, with their key, value and headers, plus headers
     * {@code gripcast.relay.error} and {@code gripcast.relay.source}; null (the default) skips them
     * with a log line instead. A dead-letter send that fails is tried again: the partition waits.
     */
    public Builder deadLetterTopic(String topic) {
      if (topic != null && !TOPIC.matcher(topic).matches()) {
        throw new IllegalArgumentException("'" + topic + "' is not a Kafka topic name (1 to 249 of a-z A-Z 0-9 . _ -)");
      }
      this.deadLetterTopic = topic;
      return this;
    }

    /** Most records of one partition in one publish call (default 500). */
    public Builder batchSize(int records) {
      this.batchSize = atLeast1(records, "batchSize");
      return this;
    }

    /** Most publish calls in flight at once, one per partition at most (default 8). */
    public Builder maxInFlight(int calls) {
      this.maxInFlight = atLeast1(calls, "maxInFlight");
      return this;
    }

    /**
     * Records read but not yet published that one partition may hold before it is paused (default
     * 2000): backpressure while the proxy is slow or down.
     */
    public Builder maxBufferedRecords(int records) {
      this.maxBufferedRecords = atLeast1(records, "maxBufferedRecords");
      return this;
    }

    /** How often published offsets are committed (default 1 s); also on revoke and close. */
    public Builder commitInterval(Duration interval) {
      this.commitInterval = positive(interval, "commitInterval");
      return this;
    }

    /**
     * The pause after a failed publish (after the publisher's own retries), doubled on each further
     * failure up to {@code max} (defaults 500 ms and 30 s).
     */
    public Builder retryBackoff(Duration initial, Duration max) {
      this.retryBackoff = positive(initial, "retryBackoff");
      this.maxRetryBackoff = positive(max, "maxRetryBackoff");
      if (max.compareTo(initial) < 0) {
        throw new IllegalArgumentException("maxRetryBackoff " + max + " is shorter than retryBackoff " + initial);
      }
      return this;
    }

    /** How long {@link KafkaRelay#close()} waits for publishes in flight (default 30 s). */
    public Builder closeTimeout(Duration timeout) {
      this.closeTimeout = positive(timeout, "closeTimeout");
      return this;
    }

    public Builder listener(RelayListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * @throws IllegalStateException naming the missing required option
     */
    public KafkaRelay build() {
      if (publisher == null) {
        throw new IllegalStateException("publisher is not set: give the Publisher the relay publishes through");
      }
      if (bootstrapServers == null) {
        throw new IllegalStateException("bootstrapServers is not set: give the Kafka brokers, host:port[,host:port...]");
      }
      if (groupId == null) {
        throw new IllegalStateException("groupId is not set: relays with the same group id share the partitions");
      }
      if (topics.isEmpty()) {
        throw new IllegalStateException("no topics: give at least one topic to relay");
      }
      if (deadLetterTopic != null && topics.contains(deadLetterTopic)) {
        throw new IllegalStateException("the dead-letter topic " + deadLetterTopic + " is also relayed: poison would loop");
      }
      return new KafkaRelay(this);
    }

    private Map<String, Object> consumerConfig() {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("auto.offset.reset", "earliest");
      c.put("max.poll.records", String.valueOf(Math.max(batchSize, 500)));
      c.putAll(kafkaProperties);
      c.put("bootstrap.servers", bootstrapServers);
      c.put("group.id", groupId);
      c.put("enable.auto.commit", "false");
      c.put("key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
      c.put("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
      return c;
    }

    private Map<String, Object> producerConfig() {
      if (deadLetterTopic == null) {
        return null;
      }
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("acks", "all");
      c.put("max.block.ms", "10000");
      c.put("delivery.timeout.ms", "30000");
      c.put("request.timeout.ms", "10000");
      for (Map.Entry<String, String> e : kafkaProperties.entrySet()) {
        if (!KafkaRelayLoop.CONSUMER_ONLY.contains(e.getKey())) {
          c.put(e.getKey(), e.getValue());
        }
      }
      c.put("bootstrap.servers", bootstrapServers);
      c.put("key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
      c.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
      return c;
    }
  }
}
