/**
 * gripcast's JMH benchmarks and probes. A module so that the core can export its internal
 * packages to it, and to nothing else: the benchmarks measure pieces that are not API.
 */
module io.gripcast.benchmarks {
  requires io.gripcast;
  requires jmh.core;
  requires jdk.management;

  opens io.gripcast.bench;
}
