package io.gripcast.relay.kafka;

import io.gripcast.build.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One {@link KafkaBroker} for every test class of the run (a broker takes seconds to start), in
 * JUnit's root store, closed when the run ends. Test classes take it as a {@code KafkaBroker}
 * parameter; each test uses its own topics and group ids.
 */
final class SharedKafka implements ParameterResolver {

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext context) {
    return p.getParameter().getType() == KafkaBroker.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext context) {
    return context.getRoot().getStore(ExtensionContext.Namespace.create(SharedKafka.class))
        .computeIfAbsent("broker", k -> new Holder(KafkaBroker.start()), Holder.class).broker;
  }

  /** Closes the broker when the root context closes. */
  private record Holder(KafkaBroker broker) implements AutoCloseable {
    @Override
    public void close() {
      broker.close();
    }
  }

  static KafkaProducer<byte[], byte[]> producer(KafkaBroker broker) {
    Properties p = new Properties();
    p.put("bootstrap.servers", broker.bootstrapServers());
    p.put("acks", "all");
    p.put("linger.ms", "5");
    p.put("key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
    p.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
    return new KafkaProducer<>(p);
  }

  /** A wire item JSON for {@code channel} whose ws-message content is {@code content}. */
  static String wireItem(String channel, String content) {
    return "{\"channel\":\"" + channel + "\",\"formats\":{\"ws-message\":{\"content\":\"" + content + "\"}}}";
  }

  /**
   * Produces {@code perPartition} records to each partition; the record for partition p, number i
   * carries content {@code p:i}. Waits until every one is acknowledged.
   */
  static void produce(KafkaBroker broker, String topic, int partitions, int from, int to, String channel) {
    try (KafkaProducer<byte[], byte[]> producer = producer(broker)) {
      List<Future<RecordMetadata>> sent = new java.util.ArrayList<>();
      for (int i = from; i < to; i++) {
        for (int p = 0; p < partitions; p++) {
          byte[] value = wireItem(channel, p + ":" + i).getBytes(StandardCharsets.UTF_8);
          sent.add(producer.send(new ProducerRecord<>(topic, p, null, value)));
        }
      }
      for (Future<RecordMetadata> f : sent) {
        f.get(60, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      throw new IllegalStateException("producing to " + topic + " failed: " + e, e);
    }
  }
}
