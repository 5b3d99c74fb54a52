/**
 * Micrometer meters for gripcast: {@link io.gripcast.micrometer.GripcastMetrics} turns a publisher's
 * {@link io.gripcast.PublishListener} events into timers and counters, and a
 * {@link io.gripcast.BufferedPublisher}'s queue into gauges.
 */
module io.gripcast.micrometer {
  // the API takes and returns io.gripcast and Micrometer types
  requires transitive io.gripcast;
  requires transitive micrometer.core;

  exports io.gripcast.micrometer;
}
