package io.gripcast.examples.broadcast;

import io.gripcast.Publisher;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One {@link Publisher} per Lambda execution environment, built on first use and then reused by
 * every invocation (its connection pool and cached JWT stay warm while the environment lives).
 * A failed build is not remembered: the next invocation tries again, so a configuration error is
 * reported by every invocation until it is fixed.
 *
 * <p>Never closed: when Lambda ends the environment, nothing is pending, because every invocation
 * completes its publishes before returning; the publisher's threads are daemons.
 */
final class SharedPublisher implements Supplier<Publisher> {

  private final Supplier<Publisher> factory;
  private volatile Publisher publisher;

  SharedPublisher(Supplier<Publisher> factory) {
    this.factory = Objects.requireNonNull(factory, "factory");
  }

  @Override
  public Publisher get() {
    Publisher p = publisher;
    if (p == null) {
      synchronized (this) {
        p = publisher;
        if (p == null) {
          p = Objects.requireNonNull(factory.get(), "the publisher factory returned null");
          publisher = p;
        }
      }
    }
    return p;
  }
}
