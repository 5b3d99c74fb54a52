/**
 * Micrometer meters for gripcast publishers; start with {@link io.gripcast.micrometer.GripcastMetrics}.
 * The meters and their tags are listed in docs/metrics.md.
 */
package io.gripcast.micrometer;
