package io.gripcast.relay.kafka;

import io.gripcast.Publisher;
import java.time.Duration;

/**
 * A relay in a process of its own, for the crash test: {@code RelayMain BOOTSTRAP TOPIC GROUP
 * GRIP_URL}. Runs until killed.
 */
public final class RelayMain {
  private RelayMain() {}

  public static void main(String[] args) throws Exception {
    Publisher publisher = Publisher.builder().endpoint(args[3]).build();
    KafkaRelay relay = KafkaRelay.builder()
        .publisher(publisher)
        .bootstrapServers(args[0])
        .topics(args[1])
        .groupId(args[2])
        .batchSize(100)
        .commitInterval(Duration.ofSeconds(1))
        // the killed process's partitions are handed on once its session expires: keep that short
        .kafkaProperty("session.timeout.ms", "6000")
        .kafkaProperty("heartbeat.interval.ms", "1000")
        .build();
    relay.start();
    System.out.println("relay started");
    relay.awaitTermination(Duration.ofMinutes(10));
    System.out.println("relay stopped: " + relay.failure());
  }
}
