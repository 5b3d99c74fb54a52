package io.gripcast.relay;

import java.time.Duration;

/**
 * A running relay: reads a durable source in order and publishes what it reads through a
 * {@link io.gripcast.Publisher}, marking a source position done (a Kafka offset committed, an outbox
 * row marked sent) only after the publish of everything up to it succeeded under the publisher's
 * {@link io.gripcast.SuccessPolicy}. Ids come from {@link RelayIds}, so what is published again after
 * a crash carries the same ids and the proxy's id cache drops it.
 *
 * <p>Thread ownership: a relay runs on threads of its own, started by {@link #start()}. Any thread
 * may call {@link #close()}. The relay does not own its {@code Publisher}: close the publisher after
 * the relay.
 */
public interface Relay extends AutoCloseable {

  /**
   * Starts reading and publishing on the relay's own threads, and returns.
   *
   * @throws IllegalStateException if the relay was started before, or closed
   * @throws RuntimeException the source client's own exception when it cannot be created (a bad
   *     address or property); the relay is then terminated
   */
  void start();

  /**
   * Waits until the relay has stopped: after {@link #close()}, or after a failure it cannot recover
   * from ({@link #failure()}).
   *
   * @return true if it stopped within the timeout
   */
  boolean awaitTermination(Duration timeout) throws InterruptedException;

  /**
   * The error that stopped the relay by itself (the source unreachable for good, a bad
   * configuration the source reported), or null while it runs or after a plain {@link #close()}.
   */
  Throwable failure();

  /** Counters since the relay was built. */
  RelayStats stats();

  /**
   * Stops reading, waits (bounded by the relay's close timeout) for publishes in flight, marks as
   * done what was published, and releases the source's connections. Nothing read but not published
   * is marked done: the next relay reads it again. Idempotent; safe from any thread.
   */
  @Override
  void close();
}
