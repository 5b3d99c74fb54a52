/**
 * gripcast's test kit: real, isolated Pushpin instances for JUnit 5 tests, a small GRIP origin,
 * real subscribers, and a hostile HTTP server for fault tests. Independent of gripcast's core.
 */
module io.gripcast.testing {
  // the extension and its annotations are used from tests, which see JUnit's API through this
  requires transitive org.junit.jupiter.api;
  requires jdk.httpserver;

  exports io.gripcast.testing;
}
