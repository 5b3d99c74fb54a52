package io.gripcast.it;

import io.gripcast.Publisher;
import io.gripcast.config.ZmqEndpoint;
import io.gripcast.item.HttpStream;
import io.gripcast.item.Item;
import io.gripcast.item.Publication;
import io.gripcast.testing.GripTestOrigin;
import io.gripcast.testing.PushpinInstance;
import io.gripcast.testing.StreamSubscriber;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Not a test: a small side-by-side measurement for docs/scaling.md. One Pushpin instance, one
 * streaming subscriber; for each way of publishing, N items of about 100 bytes, timed from the
 * first publish until the subscriber has read the last item (so it measures delivery, not just
 * hand-over). Run it from the test class path:
 *
 * <pre>
 * mvn -o -q -pl publisher-core -am test-compile
 * java -cp "publisher-core/target/test-classes:publisher-core/target/classes:$(cat cp.txt)" io.gripcast.it.ZmqVsHttpThroughput 5000
 * </pre>
 */
public final class ZmqVsHttpThroughput {

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    String pad = "x".repeat(90);
    try (GripTestOrigin origin = GripTestOrigin.start();
        PushpinInstance pushpin = PushpinInstance.builder().origin(origin).start()) {
      for (int round = 0; round < rounds; round++) {
        measure("HTTP, one item per publish, sequential", n, pushpin, pad,
            Publisher.builder().endpoint(pushpin.gripUrl()), (p, ch, items) -> {
              for (Publication it : items) {
                p.publish(it);
              }
            });
        measure("HTTP, one item per publish, 32 in flight", n, pushpin, pad,
            Publisher.builder().endpoint(pushpin.gripUrl()), (p, ch, items) -> {
              List<CompletableFuture<?>> window = new ArrayList<>();
              for (Publication it : items) {
                window.add(p.publishAllAsync(List.of(it)));
                if (window.size() == 32) {
                  CompletableFuture.allOf(window.toArray(new CompletableFuture<?>[0])).join();
                  window.clear();
                }
              }
              CompletableFuture.allOf(window.toArray(new CompletableFuture<?>[0])).join();
            });
        measure("HTTP, lists of 100 items per publish", n, pushpin, pad,
            Publisher.builder().endpoint(pushpin.gripUrl()), (p, ch, items) -> {
              for (int i = 0; i < items.size(); i += 100) {
                p.publishAll(items.subList(i, Math.min(items.size(), i + 100)));
              }
            });
        measure("ZeroMQ PUSH, one item per publish, sequential", n, pushpin, pad,
            Publisher.builder().endpoint(ZmqEndpoint.push(pushpin.zmqPushSpec())), (p, ch, items) -> {
              for (Publication it : items) {
                p.publish(it);
              }
            });
        measure("ZeroMQ PUB, one item per publish, sequential", n, pushpin, pad,
            Publisher.builder().endpoint(ZmqEndpoint.pub(pushpin.zmqSubSpec())), (p, ch, items) -> {
              if (!p.awaitSubscribers(ch, Duration.ofSeconds(10))) {
                throw new IllegalStateException("Pushpin's SUB did not subscribe to " + ch);
              }
              for (Publication it : items) {
                p.publish(it);
              }
            });
      }
    }
  }

  interface Run {
    void publish(Publisher p, String channel, List<Publication> items) throws Exception;
  }

  private static void measure(String name, int n, PushpinInstance pushpin, String pad, Publisher.Builder builder, Run run)
      throws Exception {
    String ch = "bench-" + System.nanoTime();
    List<Publication> items = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      items.add(new Publication(ch, Item.of(HttpStream.text(i + " " + pad + "\n"))));
    }
    String last = (n - 1) + " " + pad + "\n";
    try (StreamSubscriber s = StreamSubscriber.open(pushpin.clientUri("/stream?channel=" + ch));
        Publisher p = builder.build()) {
      if (!pushpin.awaitSubscribed(ch, Duration.ofSeconds(10))) {
        throw new IllegalStateException("no subscription to " + ch);
      }
      long t0 = System.nanoTime();
      run.publish(p, ch, items);
      long published = System.nanoTime();
      boolean all = s.awaitContains(last, Duration.ofSeconds(120));
      long delivered = System.nanoTime();
      long lines = s.body().lines().filter(l -> l.endsWith(pad)).count();
      System.out.printf("%-48s %6d items: publish calls %7.0f items/s, delivered %7.0f items/s%s%n", name, n,
          n / ((published - t0) / 1e9), n / ((delivered - t0) / 1e9),
          all && lines == n ? "" : "  (subscriber got " + lines + " of " + n + ")");
    }
  }
}
