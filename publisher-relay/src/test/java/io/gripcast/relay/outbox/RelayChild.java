package io.gripcast.relay.outbox;

import io.gripcast.Publisher;
import java.time.Duration;

/**
 * An outbox relay in a JVM of its own, for the tests that kill it: {@code RelayChild JDBC_URL USER
 * GRIP_URL TABLE BATCH}. Prints {@code started} once the relay runs; runs until killed.
 */
public final class RelayChild {
  private RelayChild() {}

  public static void main(String[] args) throws Exception {
    try (Publisher publisher = Publisher.builder().endpoint(args[2]).build();
        OutboxRelay relay = OutboxRelay.builder(publisher).jdbc(args[0], args[1], null).table(args[3])
            .batchSize(Integer.parseInt(args[4])).pollInterval(Duration.ofMillis(200)).build()) {
      relay.start();
      System.out.println("started");
      System.out.flush();
      relay.awaitTermination(Duration.ofMinutes(5));
      if (relay.failure() != null) {
        relay.failure().printStackTrace();
        System.exit(3);
      }
    }
  }
}
