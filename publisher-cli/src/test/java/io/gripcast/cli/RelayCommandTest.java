package io.gripcast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gripcast.build.KafkaBroker;
import io.gripcast.testing.PushpinExtension;
import io.gripcast.testing.PushpinInstance;
import io.gripcast.testing.WebSocketSubscriber;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code gripcast relay}: its usage errors, and a run from a real Kafka broker to a real Pushpin. */
class RelayCommandTest {

  @RegisterExtension
  static final PushpinExtension PUSHPIN = PushpinExtension.builder().build();

  static KafkaBroker kafka;

  @TempDir Path dir;

  @BeforeAll
  static void startKafka() {
    kafka = KafkaBroker.start();
  }

  @AfterAll
  static void stopKafka() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void kafkaNeedsBrokersAndTopics() {
    Cli.Result r = Cli.cli().run("relay", "--topic", "t");
    assertEquals(ExitCodes.USAGE, r.code(), r.toString());
    assertTrue(r.err().contains("--bootstrap-servers"), r.toString());
    r = Cli.cli().run("relay", "--bootstrap-servers", "127.0.0.1:1");
    assertEquals(ExitCodes.USAGE, r.code(), r.toString());
    assertTrue(r.err().contains("--topic"), r.toString());
  }

  @Test
  void aBrokerAddressKafkaCannotUseIsAConfigurationError() {
    Cli.Result r = Cli.cli().run("relay", "--bootstrap-servers", "no-such-host.invalid:9092", "--topic", "t");
    assertEquals(ExitCodes.CONFIG, r.code(), r.toString());
    assertTrue(r.err().contains("cannot start the relay"), r.toString());
  }

  @Test
  void contentMappingNeedsAChannelTemplate() {
    Cli.Result r = Cli.cli().run("relay", "--bootstrap-servers", "127.0.0.1:1", "--topic", "t", "--mapping", "content");
    assertEquals(ExitCodes.USAGE, r.code(), r.toString());
    assertTrue(r.err().contains("--channel"), r.toString());
    r = Cli.cli().run("relay", "--bootstrap-servers", "127.0.0.1:1", "--topic", "t", "--mapping", "content",
        "--channel", "x-{nope}");
    assertEquals(ExitCodes.USAGE, r.code(), r.toString());
    assertTrue(r.err().contains("{nope}"), r.toString());
  }

  @Test
  void configFileKeysAreCheckedAndAMissingFileIsNamed() throws Exception {
    Path bad = dir.resolve("bad.properties");
    Files.writeString(bad, "bootstrap-servers=127.0.0.1:1\ntopics=t\n");
    Cli.Result r = Cli.cli().workDir(dir).run("relay", "--config", "bad.properties");
    assertEquals(ExitCodes.USAGE, r.code(), r.toString());
    assertTrue(r.err().contains("unknown key 'topics'"), r.toString());
    r = Cli.cli().workDir(dir).run("relay", "--config", "missing.properties");
    assertEquals(ExitCodes.DATA, r.code(), r.toString());
    assertTrue(r.err().contains("missing.properties: no such file"), r.toString());
  }

  @Test
  void relaysFromAConfigFileToASubscriberAndCommitsOnStop() throws Exception {
    PushpinInstance pushpin = PUSHPIN.instance();
    String topic = "cli-relay-" + System.nanoTime();
    String channel = "cli-" + System.nanoTime();
    String group = "cli-group-" + System.nanoTime();
    kafka.createTopic(topic, 1);
    Path config = dir.resolve("relay.properties");
    Properties p = new Properties();
    p.setProperty("bootstrap-servers", kafka.bootstrapServers());
    p.setProperty("topic", topic);
    p.setProperty("group-id", "overridden-by-the-command-line");
    p.setProperty("mapping", "content");
    p.setProperty("channel", "{key}");
    p.setProperty("grip-url", pushpin.gripUrl());
    p.setProperty("kafka-property.session.timeout.ms", "10000");
    try (var w = Files.newBufferedWriter(config)) {
      p.store(w, null);
    }
    try (WebSocketSubscriber ws = WebSocketSubscriber.open(pushpin.webSocketUri("/ws?channel=" + channel))) {
      assertTrue(pushpin.awaitSubscribed(channel, Duration.ofSeconds(15)));
      try (KafkaProducer<byte[], byte[]> producer = producer()) {
        for (int i = 0; i < 50; i++) {
          producer.send(new ProducerRecord<>(topic, channel.getBytes(StandardCharsets.UTF_8),
              ("m" + i).getBytes(StandardCharsets.UTF_8)));
        }
        producer.flush();
      }
      Cli.Result r = Cli.cli().workDir(dir).run("relay", "--config", "relay.properties", "--group-id", group,
          "--run-for", "12s");
      assertEquals(ExitCodes.OK, r.code(), r.toString());
      assertTrue(r.err().contains("50 published"), r.toString());
      assertFalse(r.err().contains("overridden"), "the command line's group id won: " + r);
      for (int i = 0; i < 50; i++) {
        WebSocketSubscriber.Message m = ws.nextMessage(Duration.ofSeconds(5));
        assertEquals("m" + i, m == null ? null : m.text(), "message " + i);
      }
      assertNull(ws.nextMessage(Duration.ofMillis(500)), "nothing twice");
      assertEquals(50, kafka.committedTotal(group, topic), "stopping committed what was published");
    }
  }

  private static KafkaProducer<byte[], byte[]> producer() {
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    p.put("key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
    p.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
    return new KafkaProducer<>(p);
  }
}
