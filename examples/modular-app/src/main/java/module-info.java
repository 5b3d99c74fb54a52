/**
 * A modular application that uses gripcast from the module path: it reads {@code io.gripcast}
 * and nothing else of gripcast's, so it can use only the packages that module exports.
 */
module io.gripcast.examples.modular {
  requires io.gripcast;
}
