package io.gripcast.relay.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import io.gripcast.testing.WebSocketSubscriber;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What a subscriber received, as {@code partition:number} contents, checked for gaps, repeats and order. */
final class Deliveries {
  private Deliveries() {}

  /**
   * Takes {@code expected} messages (waiting at most {@code timeout} for all), then checks that no
   * further one arrives within {@code quiet} (with a zero {@code quiet}, leaves later ones queued).
   */
  static List<String> take(WebSocketSubscriber ws, int expected, Duration timeout, Duration quiet) {
    List<String> got = new ArrayList<>(expected);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (got.size() < expected) {
      long left = deadline - System.nanoTime();
      WebSocketSubscriber.Message m = left > 0 ? ws.nextMessage(Duration.ofNanos(left)) : null;
      if (m == null) {
        fail("received " + got.size() + " of " + expected + " messages within " + timeout + "; last: "
            + (got.isEmpty() ? "none" : got.get(got.size() - 1)));
      }
      got.add(m.text());
    }
    if (quiet.isZero()) {
      return got; // more may follow: the caller takes them
    }
    WebSocketSubscriber.Message extra = ws.nextMessage(quiet);
    assertNull(extra, () -> "a message beyond the " + expected + " expected arrived: " + extra.text());
    return got;
  }

  /**
   * Checks that for each of {@code partitions} partitions the numbers {@code from} until {@code to}
   * arrived exactly once and in order.
   */
  static void assertExactlyOnceInOrder(List<String> got, int partitions, int from, int to) {
    Map<Integer, Integer> next = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      next.put(p, from);
    }
    for (String s : got) {
      int colon = s.indexOf(':');
      int p = Integer.parseInt(s.substring(0, colon));
      int n = Integer.parseInt(s.substring(colon + 1));
      int want = next.get(p);
      if (n != want) {
        fail("partition " + p + ": expected number " + want + " next, got " + n
            + (n < want ? " (a repeat)" : " (a gap or reorder)"));
      }
      next.put(p, want + 1);
    }
    for (int p = 0; p < partitions; p++) {
      assertEquals(to, next.get(p), "partition " + p + " delivered up to");
    }
  }
}
