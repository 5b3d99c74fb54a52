package io.gripcast.relay.kafka;

import static io.gripcast.relay.kafka.KafkaRelayPushpinTest.subscribe;
import static io.gripcast.relay.kafka.KafkaRelayPushpinTest.unique;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gripcast.build.KafkaBroker;
import io.gripcast.testing.PushpinExtension;
import io.gripcast.testing.PushpinInstance;
import io.gripcast.testing.WebSocketSubscriber;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The relay process is killed with SIGKILL mid-run and started again: the second process reads from
 * the last committed offsets, publishes again what the first had published but not committed, and
 * Pushpin's id cache drops those copies: nothing lost, nothing twice.
 */
@ExtendWith(SharedKafka.class)
class KafkaRelayCrashTest {

  @RegisterExtension
  static final PushpinExtension PUSHPIN = PushpinExtension.builder()
      // a relay publishes in bursts (a batch per partition, several at once); with Pushpin's default
      // 8 KiB client buffer a WebSocket subscriber that falls behind loses messages (performance.md,
      // "When a subscriber misses items"), which would hide what the relay delivered
      .configure(b -> b.messageRate(1_000_000).messageHwm(1_000_000).set("runner.client_buffer_size", "1048576"))
      .build();

  private final KafkaBroker kafka;

  KafkaRelayCrashTest(KafkaBroker kafka) {
    this.kafka = kafka;
  }

  @Test
  void aRelayKilledMidRunAndRestartedLosesNothingAndDeliversNothingTwice() throws Exception {
    PushpinInstance pushpin = PUSHPIN.instance();
    String topic = unique("crash");
    String group = unique("group");
    String channel = unique("ch");
    int partitions = 2;
    int perPartition = 4000;
    kafka.createTopic(topic, partitions);
    SharedKafka.produce(kafka, topic, partitions, 0, perPartition, channel);
    Path log = Files.createTempFile("gripcast-relay-main-", ".log");
    try (WebSocketSubscriber ws = subscribe(pushpin, channel)) {
      List<String> got = new ArrayList<>();
      Process first = relayProcess(topic, group, pushpin, log);
      try {
        // let it publish part of the topic, then kill it without warning
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (got.size() < 3000 && System.nanoTime() < deadline) {
          WebSocketSubscriber.Message m = ws.nextMessage(Duration.ofMillis(200));
          if (m != null) {
            got.add(m.text());
          }
        }
        assertTrue(got.size() >= 3000, () -> "the first relay delivered " + got.size() + ": " + KafkaBroker.tail(log));
      } finally {
        first.destroyForcibly(); // SIGKILL: no close, no final commit
        first.waitFor(20, TimeUnit.SECONDS);
      }
      long committedAtKill = kafka.committedTotal(group, topic);
      System.out.println("killed the relay with " + got.size() + " delivered and " + committedAtKill
          + " committed: the next one publishes the difference again");
      Process second = relayProcess(topic, group, pushpin, log);
      try {
        int rest = partitions * perPartition - got.size();
        got.addAll(Deliveries.take(ws, rest, Duration.ofSeconds(120), Duration.ofSeconds(3)));
        Deliveries.assertExactlyOnceInOrder(got, partitions, 0, perPartition);
        KafkaRelayPushpinTest.await("all offsets committed", Duration.ofSeconds(30),
            () -> kafka.committedTotal(group, topic) == (long) partitions * perPartition);
      } finally {
        second.destroyForcibly();
        second.waitFor(20, TimeUnit.SECONDS);
      }
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private Process relayProcess(String topic, String group, PushpinInstance pushpin, Path log) throws Exception {
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-XX:+UseSerialGC", "-cp", KafkaBroker.testClassPath(), RelayMain.class.getName(),
        kafka.bootstrapServers(), topic, group, pushpin.gripUrl());
    return new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
  }
}
