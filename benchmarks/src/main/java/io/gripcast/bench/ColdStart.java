package io.gripcast.bench;

import io.gripcast.PublishResult;
import io.gripcast.Publisher;
import io.gripcast.item.HttpStream;
import io.gripcast.item.Item;
import io.gripcast.item.WsMessage;

/**
 * A Lambda-style cold start: a fresh JVM builds a publisher from {@code GRIP_URL}, publishes one
 * item, closes it and exits. Timed from outside with hyperfine (see docs/performance.md):
 *
 * <pre>
 * GRIP_URL=http://127.0.0.1:5561 hyperfine -N --warmup 3 'java -cp benchmarks/target/benchmarks.jar io.gripcast.bench.ColdStart'
 * </pre>
 *
 * With {@code -Dcoldstart.trace=true} it prints, on stderr, the milliseconds from {@code main} to
 * the built publisher and to the completed publish (the JVM's own start-up is what hyperfine's
 * total adds).
 */
public final class ColdStart {
  private ColdStart() {}

  public static void main(String[] args) {
    long t0 = System.nanoTime();
    boolean trace = Boolean.getBoolean("coldstart.trace");
    PublishResult r;
    long built;
    try (Publisher publisher = Publisher.builder().endpointFromEnvironment().build()) {
      built = System.nanoTime();
      r = publisher.publish("coldstart", Item.of(WsMessage.text("cold start"), HttpStream.text("cold start\n")));
    }
    long done = System.nanoTime();
    if (trace) {
      System.err.printf("main->publisher %.1f ms, publisher->published %.1f ms, main->published %.1f ms%n",
          (built - t0) / 1e6, (done - built) / 1e6, (done - t0) / 1e6);
    }
    if (!r.success()) {
      System.err.println(r.summary());
      System.exit(1);
    }
  }
}
