/**
 * gripcast: publishing through GRIP proxies (Pushpin, Fastly Fanout), WebSocket-over-HTTP, GRIP
 * instructions and Grip-Sig verification.
 *
 * <p>Start with {@link io.gripcast.Publisher}. {@code io.gripcast.internal} is not API: it is
 * exported only to gripcast's own benchmarks, which measure its pieces one by one.
 */
module io.gripcast {
  // Publisher.Builder#okHttpClient takes an OkHttpClient: OkHttp is part of the API
  requires transitive okhttp3;
  requires com.fasterxml.jackson.databind;
  // jjwt's API; its implementation and Jackson binding are automatic modules that load by
  // reflection and ServiceLoader, resolved with jjwt.api from the module path
  requires jjwt.api;
  // optional: only ZeroMQ endpoints load it, and Publisher.build() names the jar when it is missing
  requires static org.zeromq.jeromq;

  exports io.gripcast;
  exports io.gripcast.auth;
  exports io.gripcast.config;
  exports io.gripcast.http;
  exports io.gripcast.item;
  exports io.gripcast.lambda;
  exports io.gripcast.ws;

  exports io.gripcast.internal to io.gripcast.benchmarks;
  exports io.gripcast.internal.auth to io.gripcast.benchmarks;
}
