package io.gripcast.relay.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gripcast.Publisher;
import io.gripcast.RetryPolicy;
import io.gripcast.relay.RelayStats;
import io.gripcast.build.KafkaBroker;
import io.gripcast.testing.PushpinExtension;
import io.gripcast.testing.PushpinInstance;
import io.gripcast.testing.WebSocketSubscriber;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A real Kafka broker, the relay, a real Pushpin and a real WebSocket subscriber. */
@ExtendWith(SharedKafka.class)
class KafkaRelayPushpinTest {

  @RegisterExtension
  static final PushpinExtension PUSHPIN = PushpinExtension.builder()
      // a relay publishes in bursts (a batch per partition, several at once); with Pushpin's default
      // 8 KiB client buffer a WebSocket subscriber that falls behind loses messages (performance.md,
      // "When a subscriber misses items"), which would hide what the relay delivered
      .configure(b -> b.messageRate(1_000_000).messageHwm(1_000_000).set("runner.client_buffer_size", "1048576"))
      .build();

  private final KafkaBroker kafka;

  KafkaRelayPushpinTest(KafkaBroker kafka) {
    this.kafka = kafka;
  }

  static String unique(String prefix) {
    return prefix + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
  }

  static WebSocketSubscriber subscribe(PushpinInstance pushpin, String channel) throws Exception {
    WebSocketSubscriber ws = WebSocketSubscriber.open(pushpin.webSocketUri("/ws?channel=" + channel));
    assertTrue(pushpin.awaitSubscribed(channel, Duration.ofSeconds(15)), "pushpin saw the subscription to " + channel);
    return ws;
  }

  static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
      }
      Thread.sleep(50);
    }
  }

  @Test
  void tenThousandEventsReachASubscriberExactlyOnceInOrderPerPartition() throws Exception {
    PushpinInstance pushpin = PUSHPIN.instance();
    String topic = unique("events");
    String channel = unique("ch");
    int partitions = 4;
    int perPartition = 2500;
    kafka.createTopic(topic, partitions);
    try (WebSocketSubscriber ws = subscribe(pushpin, channel);
        Publisher publisher = Publisher.builder().endpoint(pushpin.gripUrl()).build();
        KafkaRelay relay = relayBuilder(publisher, topic, unique("group"))
            .batchSize(200)
            .build()) {
      relay.start();
      SharedKafka.produce(kafka, topic, partitions, 0, perPartition, channel);
      List<String> got = Deliveries.take(ws, partitions * perPartition, Duration.ofSeconds(120), Duration.ofSeconds(2));
      Deliveries.assertExactlyOnceInOrder(got, partitions, 0, perPartition);
      await("all offsets committed", Duration.ofSeconds(20),
          () -> kafka.committedTotal(relayGroup(relay), topic) == (long) partitions * perPartition);
      RelayStats stats = relay.stats();
      assertEquals(partitions * perPartition, stats.published());
      assertEquals(0, stats.skipped());
      assertTrue(stats.commits() > 0);
      assertNull(relay.failure());
    }
  }

  @Test
  void aSecondRelayInTheGroupTakesPartitionsOverWithoutLossOrRepeats() throws Exception {
    PushpinInstance pushpin = PUSHPIN.instance();
    String topic = unique("shared");
    String channel = unique("ch");
    String group = unique("group");
    int partitions = 4;
    kafka.createTopic(topic, partitions);
    SharedKafka.produce(kafka, topic, partitions, 0, 500, channel);
    try (WebSocketSubscriber ws = subscribe(pushpin, channel);
        Publisher publisher = Publisher.builder().endpoint(pushpin.gripUrl()).build();
        KafkaRelay first = relayInGroup(publisher, topic, group);
        KafkaRelay second = relayInGroup(publisher, topic, group)) {
      first.start();
      List<String> got = new ArrayList<>(Deliveries.take(ws, 400, Duration.ofSeconds(60), Duration.ZERO));
      // the rebalance: the first relay lets go of half its partitions, committing what it published
      second.start();
      await("both relays own partitions", Duration.ofSeconds(60), () -> ownersOf(group) == 2);
      SharedKafka.produce(kafka, topic, partitions, 500, 1000, channel);
      got.addAll(Deliveries.take(ws, partitions * 1000 - 400, Duration.ofSeconds(90), Duration.ofSeconds(2)));
      Deliveries.assertExactlyOnceInOrder(got, partitions, 0, 1000);
      assertTrue(second.stats().published() > 0, "the second relay published part of the topic");
      await("all offsets committed", Duration.ofSeconds(20),
          () -> kafka.committedTotal(group, topic) == (long) partitions * 1000);
    }
  }

  /** Members of the group that hold partitions, once the group is stable. */
  private int ownersOf(String group) {
    try (org.apache.kafka.clients.admin.Admin admin = kafka.admin()) {
      org.apache.kafka.clients.admin.ConsumerGroupDescription d =
          admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS).get(group);
      if (d.groupState() != org.apache.kafka.common.GroupState.STABLE) {
        return -1;
      }
      return (int) d.members().stream().filter(m -> !m.assignment().topicPartitions().isEmpty()).count();
    } catch (Exception e) {
      return -1;
    }
  }

  private KafkaRelay relayInGroup(Publisher publisher, String topic, String group) {
    return relayBuilder(publisher, topic, group)
        .batchSize(50)
        .build();
  }

  /** A relay from {@code topic} in {@code group} to {@code publisher}; each test adds its own settings. */
  private KafkaRelay.Builder relayBuilder(Publisher publisher, String topic, String group) {
    return KafkaRelay.builder()
        .publisher(publisher)
        .bootstrapServers(kafka.bootstrapServers())
        .groupId(group)
        .topics(topic);
  }

  private static String relayGroup(KafkaRelay relay) {
    String s = relay.toString();
    int i = s.indexOf("group=") + "group=".length();
    return s.substring(i, s.indexOf(',', i));
  }

  @Test
  void poisonRecordsGoToTheDeadLetterTopicAndThePartitionGoesOn() throws Exception {
    PushpinInstance pushpin = PUSHPIN.instance();
    String topic = unique("poison");
    String dlt = topic + "-dlt";
    String channel = unique("ch");
    kafka.createTopic(topic, 1);
    kafka.createTopic(dlt, 1);
    try (WebSocketSubscriber ws = subscribe(pushpin, channel);
        Publisher publisher = Publisher.builder().endpoint(pushpin.gripUrl()).build();
        KafkaRelay relay = relayBuilder(publisher, topic, unique("group"))
            .deadLetterTopic(dlt)
            .build()) {
      try (KafkaProducer<byte[], byte[]> producer = SharedKafka.producer(kafka)) {
        send(producer, topic, SharedKafka.wireItem(channel, "0:0"));
        send(producer, topic, "this is not JSON");
        send(producer, topic, SharedKafka.wireItem(channel, "0:1"));
        // valid JSON the core refuses: a misspelled field (Pushpin would ignore prev_id silently)
        send(producer, topic, "{\"channel\":\"" + channel + "\",\"prev_id\":\"x\",\"formats\":{\"ws-message\":{\"content\":\"bad\"}}}");
        send(producer, topic, SharedKafka.wireItem(channel, "0:2"));
        producer.flush();
      }
      relay.start();
      List<String> got = Deliveries.take(ws, 3, Duration.ofSeconds(60), Duration.ofSeconds(1));
      Deliveries.assertExactlyOnceInOrder(got, 1, 0, 3);
      await("both poison records dead-lettered", Duration.ofSeconds(20), () -> relay.stats().deadLettered() == 2);
      assertEquals(0, relay.stats().skipped());
    }
    List<ConsumerRecord<byte[], byte[]>> dead = readAll(dlt, 2);
    assertEquals("this is not JSON", new String(dead.get(0).value(), StandardCharsets.UTF_8));
    assertEquals(topic + "-0@1", header(dead.get(0), KafkaRelayLoop.SOURCE_HEADER));
    assertTrue(header(dead.get(1), KafkaRelayLoop.ERROR_HEADER).contains("prev_id"),
        () -> "the error names the bad field: " + header(dead.get(1), KafkaRelayLoop.ERROR_HEADER));
    assertEquals(topic + "-0@3", header(dead.get(1), KafkaRelayLoop.SOURCE_HEADER));
  }

  @Test
  void withoutADeadLetterTopicPoisonIsSkippedAndCounted() throws Exception {
    PushpinInstance pushpin = PUSHPIN.instance();
    String topic = unique("skip");
    String channel = unique("ch");
    String group = unique("group");
    kafka.createTopic(topic, 1);
    try (WebSocketSubscriber ws = subscribe(pushpin, channel);
        Publisher publisher = Publisher.builder().endpoint(pushpin.gripUrl()).build();
        KafkaRelay relay = relayBuilder(publisher, topic, group)
            .mapping(RecordMapping.content(channel + "-{header:room}"))
            .build()) {
      try (KafkaProducer<byte[], byte[]> producer = SharedKafka.producer(kafka)) {
        ProducerRecord<byte[], byte[]> noHeader = new ProducerRecord<>(topic, 0, null, "0:9".getBytes(StandardCharsets.UTF_8));
        producer.send(noHeader);
        for (int i = 0; i < 3; i++) {
          ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, 0, null, ("0:" + i).getBytes(StandardCharsets.UTF_8));
          r.headers().add("room", "a".getBytes(StandardCharsets.UTF_8));
          producer.send(r);
        }
        producer.flush();
      }
      // the template's channel is channel-a, not channel: subscribe there
      try (WebSocketSubscriber room = subscribe(pushpin, channel + "-a")) {
        relay.start();
        List<String> got = Deliveries.take(room, 3, Duration.ofSeconds(60), Duration.ofSeconds(1));
        Deliveries.assertExactlyOnceInOrder(got, 1, 0, 3);
        await("the poison record skipped", Duration.ofSeconds(10), () -> relay.stats().skipped() == 1);
        await("everything committed", Duration.ofSeconds(20), () -> kafka.committedTotal(group, topic) == 4);
      }
      assertNull(ws.nextMessage(Duration.ofMillis(100)), "nothing on the plain channel");
    }
  }

  private static void send(KafkaProducer<byte[], byte[]> producer, String topic, String value) {
    producer.send(new ProducerRecord<>(topic, 0, null, value.getBytes(StandardCharsets.UTF_8)));
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  private List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected) {
    java.util.Properties p = new java.util.Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    p.put("group.id", unique("reader"));
    p.put("auto.offset.reset", "earliest");
    p.put("key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    p.put("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      c.subscribe(List.of(topic));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (out.size() < expected && System.nanoTime() < deadline) {
        ConsumerRecords<byte[], byte[]> rs = c.poll(Duration.ofMillis(200));
        rs.forEach(out::add);
      }
    }
    assertEquals(expected, out.size(), "records in " + topic);
    return out;
  }

  @Test
  void pushpinDownLongerThanTheRetryBudgetCommitsNothingAndDeliversEverythingAfterItsRestart() throws Exception {
    // its own instance: it is restarted
    try (io.gripcast.testing.GripTestOrigin origin = io.gripcast.testing.GripTestOrigin.start();
        PushpinInstance pushpin = PushpinInstance.builder().name("relay-restart").origin(origin).overHttp(true)
            .messageRate(1_000_000).messageHwm(1_000_000).set("runner.client_buffer_size", "1048576").start()) {
      String topic = unique("outage");
      String group = unique("group");
      String before = unique("before");
      String after = unique("after");
      kafka.createTopic(topic, 2);
      Gate gate = new Gate();
      try (WebSocketSubscriber first = subscribe(pushpin, before);
          Publisher publisher = Publisher.builder()
              .endpoint(pushpin.gripUrl())
              .transport(io.gripcast.HttpTransport.OKHTTP)
              .okHttpClient(new okhttp3.OkHttpClient.Builder().addInterceptor(gate).build())
              .retryPolicy(RetryPolicy.builder().maxAttempts(3).build())
              .callTimeout(Duration.ofSeconds(2))
              .build();
          KafkaRelay relay = relayBuilder(publisher, topic, group)
              .retryBackoff(Duration.ofMillis(200), Duration.ofSeconds(1))
              .commitInterval(Duration.ofMillis(200))
              .build()) {
        relay.start();
        SharedKafka.produce(kafka, topic, 2, 0, 100, before);
        Deliveries.assertExactlyOnceInOrder(Deliveries.take(first, 200, Duration.ofSeconds(60), Duration.ZERO), 2, 0, 100);
        await("the first 200 committed", Duration.ofSeconds(20), () -> kafka.committedTotal(group, topic) == 200);

        {
          pushpin.restart(() -> {
            try {
              SharedKafka.produce(kafka, topic, 2, 100, 250, after);
              long failures = relay.stats().publishFailures();
              // failed publishes are past the publisher's retry budget: the relay's own retries now
              await("the relay to give up on several publishes", Duration.ofSeconds(60),
                  () -> relay.stats().publishFailures() >= failures + 3);
              assertEquals(200, kafka.committedTotal(group, topic), "nothing committed while the proxy is down");
              // keep the relay out while the new subscriber connects after the restart
              gate.close();
            } catch (InterruptedException e) {
              throw new AssertionError(e);
            }
          });
          assertEquals(200, kafka.committedTotal(group, topic), "nothing committed before the proxy accepted it");
          try (WebSocketSubscriber second = subscribe(pushpin, after)) {
            gate.open();
            List<String> got = Deliveries.take(second, 300, Duration.ofSeconds(60), Duration.ofSeconds(1));
            Deliveries.assertExactlyOnceInOrder(got, 2, 100, 250);
            await("everything committed", Duration.ofSeconds(20), () -> kafka.committedTotal(group, topic) == 500);
          }
        }
      }
    }
  }

  /** Fault injection on the relay's HTTP client: while closed, every request fails as a refused connection. */
  static final class Gate implements okhttp3.Interceptor {
    private volatile boolean closed;

    void close() {
      closed = true;
    }

    void open() {
      closed = false;
    }

    @Override
    public okhttp3.Response intercept(Chain chain) throws java.io.IOException {
      if (closed) {
        throw new java.net.ConnectException("gate closed by the test");
      }
      return chain.proceed(chain.request());
    }
  }
}
