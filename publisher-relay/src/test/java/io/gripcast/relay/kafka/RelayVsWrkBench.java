package io.gripcast.relay.kafka;

import io.gripcast.Publisher;
import io.gripcast.build.KafkaBroker;
import io.gripcast.relay.RelayListener;
import io.gripcast.testing.GripTestOrigin;
import io.gripcast.testing.PushpinInstance;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Not a test: the relay's rate from Kafka into a local Pushpin against wrk's ceiling at 100 items
 * per POST, side by side on one Pushpin, interleaved repetitions, medians (docs/performance.md,
 * "Kafka relay against wrk"). Run it alone, on a quiet machine:
 *
 * <pre>
 * mvn -o -pl publisher-relay -am verify -Dtest=RelayVsWrkBench -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dgripcast.bench.relay=true [-Dgripcast.bench.reps=5]
 * </pre>
 *
 * <p>Results go to stdout (target/surefire-reports/...-output.txt) and target/relay-vs-wrk.txt.
 */
@ExtendWith(SharedKafka.class)
@EnabledIfSystemProperty(named = "gripcast.bench.relay", matches = "true")
class RelayVsWrkBench {
  private static final int BATCH = 100;
  private static final int SIZE = 64;
  private static final int PARTITIONS = 8;
  private static final int RECORDS = 240_000;

  private final KafkaBroker kafka;

  RelayVsWrkBench(KafkaBroker kafka) {
    this.kafka = kafka;
  }

  @Test
  void relayAgainstWrk() throws Exception {
    int reps = Integer.getInteger("gripcast.bench.reps", 5);
    Path lua = Path.of("../benchmarks/wrk/publish.lua").toAbsolutePath().normalize();
    StringBuilder report = new StringBuilder();
    try (GripTestOrigin origin = GripTestOrigin.start();
        PushpinInstance pushpin = PushpinInstance.builder().name("relay-bench").origin(origin).start()) {
      List<Double> wrk = new ArrayList<>();
      List<Double> relay = new ArrayList<>();
      // warm-up: one relay pass, as a service would be warm
      relayRate(pushpin, freshTopic());
      for (int rep = 1; rep <= reps; rep++) {
        // a new topic per pass: its ids (topic, partition, offset) are new to Pushpin, whose id
        // cache would otherwise drop a second pass over the same records as duplicates (60 s)
        String topic = freshTopic();
        double w;
        double r;
        if (rep % 2 == 1) {
          w = wrkRate(pushpin, lua);
          r = relayRate(pushpin, topic);
        } else {
          r = relayRate(pushpin, topic);
          w = wrkRate(pushpin, lua);
        }
        wrk.add(w);
        relay.add(r);
        String line = String.format("rep=%d wrk_items_per_s=%.0f relay_items_per_s=%.0f ratio=%.2f load=%s", rep, w, r,
            r / w, Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        System.out.println(line);
        report.append(line).append('\n');
      }
      List<Double> ratios = new ArrayList<>();
      for (int i = 0; i < reps; i++) {
        ratios.add(relay.get(i) / wrk.get(i));
      }
      String summary = String.format("| %d (relay: %d per POST, %d in flight) | %.0f | %.0f | **%.2f** |", BATCH,
          Integer.getInteger("gripcast.bench.relay.batch", BATCH), Integer.getInteger("gripcast.bench.relay.inflight", 8), median(wrk), median(relay), median(ratios));
      System.out.println(summary);
      report.append(summary).append('\n');
      Files.writeString(Path.of("target/relay-vs-wrk.txt"), report.toString());
    }
  }

  /** A new topic, filled with {@link #RECORDS} items. */
  private String freshTopic() throws Exception {
    String topic = "bench-" + System.nanoTime();
    kafka.createTopic(topic, PARTITIONS);
    produce(topic);
    return topic;
  }

  private void produce(String topic) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    p.put("linger.ms", "20");
    p.put("batch.size", "262144");
    p.put("key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
    p.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      for (int i = 0; i < RECORDS; i++) {
        String head = "gcb relay " + i + " ";
        String text = head + "x".repeat(Math.max(0, SIZE - 1 - head.length())) + "\\n";
        String value = "{\"channel\":\"bench\",\"formats\":{\"http-stream\":{\"content\":\"" + text
            + "\"},\"ws-message\":{\"content\":\"" + text + "\"}}}";
        producer.send(new ProducerRecord<>(topic, i % PARTITIONS, null, value.getBytes(StandardCharsets.UTF_8)));
      }
      producer.flush();
    }
  }

  /** Items per second between 10 % and 90 % of the topic published: the group join and the tail left out. */
  private double relayRate(PushpinInstance pushpin, String topic) throws Exception {
    AtomicLong published = new AtomicLong();
    java.util.Queue<String> problems = new java.util.concurrent.ConcurrentLinkedQueue<>();
    long[] marks = new long[2];
    long lo = RECORDS / 10;
    long hi = RECORDS * 9L / 10;
    try (Publisher publisher = Publisher.builder().endpoint(pushpin.gripUrl()).build();
        KafkaRelay relay = KafkaRelay.builder()
            .publisher(publisher)
            .bootstrapServers(kafka.bootstrapServers())
            .groupId("bench-" + System.nanoTime())
            .topics(topic)
            .batchSize(Integer.getInteger("gripcast.bench.relay.batch", BATCH))
            .maxInFlight(Integer.getInteger("gripcast.bench.relay.inflight", 8))
            .listener(new RelayListener() {
              @Override
              public void poison(String position, boolean deadLettered, String reason) {
                problems.add("poison at " + position + ": " + reason);
              }

              @Override
              public void publishFailed(Throwable error) {
                problems.add("publish failed: " + error);
              }

              @Override
              public void published(int items) {
                long before = published.getAndAdd(items);
                long after = before + items;
                if (before < lo && after >= lo) {
                  marks[0] = System.nanoTime();
                }
                if (before < hi && after >= hi) {
                  marks[1] = System.nanoTime();
                }
              }
            })
            .build()) {
      relay.start();
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      while (published.get() < RECORDS && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      if (published.get() < RECORDS) {
        throw new AssertionError("the relay published " + published.get() + " of " + RECORDS + " in 3 minutes; "
            + relay.stats() + "; relay failure: " + relay.failure() + "; first problems: " + problems.stream().limit(5).collect(java.util.stream.Collectors.toList()));
      }
    }
    return (hi - lo) / ((marks[1] - marks[0]) / 1e9);
  }

  private static double wrkRate(PushpinInstance pushpin, Path lua) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("wrk", "-t1", "-c8", "-d5s", "-s", lua.toString(),
        pushpin.gripUrl() + "/publish/").redirectErrorStream(true);
    pb.environment().put("BATCH", Integer.toString(BATCH));
    pb.environment().put("SIZE", Integer.toString(SIZE));
    pb.environment().put("CHANNEL", "bench");
    Process wrk = pb.start();
    String out = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!wrk.waitFor(30, TimeUnit.SECONDS)) {
      wrk.destroyForcibly();
      throw new AssertionError("wrk did not end");
    }
    Matcher m = Pattern.compile("items_per_s=([0-9.]+)").matcher(out);
    if (!m.find()) {
      throw new AssertionError("no result from wrk: " + out);
    }
    return Double.parseDouble(m.group(1));
  }

  private static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    Collections.sort(s);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }
}
