package io.gripcast.relay;

/**
 * A snapshot of a relay's counters.
 *
 * @param published items the proxy accepted
 * @param skipped poison records (unreadable, or rejected by the proxy with a 4xx) dropped with a log
 *     line, not sent to a dead-letter destination
 * @param deadLettered poison records handed to the dead-letter destination
 * @param commits times source positions were marked done (Kafka offset commits, outbox updates)
 * @param publishFailures publish calls that failed and will be tried again
 */
public record RelayStats(long published, long skipped, long deadLettered, long commits, long publishFailures) {
  public RelayStats {
    if (published < 0 || skipped < 0 || deadLettered < 0 || commits < 0 || publishFailures < 0) {
      throw new IllegalArgumentException("relay counters cannot be negative");
    }
  }
}
