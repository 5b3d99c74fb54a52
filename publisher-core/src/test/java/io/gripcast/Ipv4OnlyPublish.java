package io.gripcast;

import io.gripcast.item.Item;
import io.gripcast.item.WsMessage;
import java.time.Duration;

/**
 * Run by {@link HostileServerTest} in a child JVM started with {@code -Djava.net.preferIPv4Stack=true}:
 * publishes twice to {@code http://[::1]:PORT} with one publisher and prints one line per publish,
 * {@code publish N OUTCOME MILLIS MESSAGE}, then returns. The JVM must then exit by itself: every
 * thread the publisher started is a daemon, and close() stops them.
 *
 * <p>Arguments: the port, the {@link HttpTransport}, and the call timeout in milliseconds.
 */
public final class Ipv4OnlyPublish {
  private Ipv4OnlyPublish() {}

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    HttpTransport transport = HttpTransport.valueOf(args[1]);
    Duration callTimeout = Duration.ofMillis(Long.parseLong(args[2]));
    try (Publisher p = Publisher.builder()
        .endpoint("http://[::1]:" + port)
        .transport(transport)
        .connectTimeout(Duration.ofMillis(500))
        .callTimeout(callTimeout)
        .build()) {
      for (int i = 1; i <= 2; i++) {
        long start = System.nanoTime();
        String line;
        try {
          PublishResult r = p.publish("ipv4-only", Item.of(WsMessage.text("hello")));
          line = r.endpoints().get(0).outcome() + " " + millisSince(start) + " " + r.endpoints().get(0).attempts()
              + " " + r.endpoints().get(0).message();
        } catch (PublishException e) {
          EndpointResult r = e.result().endpoints().get(0);
          line = r.outcome() + " " + millisSince(start) + " " + r.attempts() + " " + r.message();
        } catch (RuntimeException e) {
          line = "THREW " + millisSince(start) + " " + e;
        }
        System.out.println("publish " + i + " " + line.replace('\n', ' '));
        System.out.flush();
      }
    }
    System.out.println("closed");
    System.out.flush();
  }

  private static long millisSince(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }
}
