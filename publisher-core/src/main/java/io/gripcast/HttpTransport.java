package io.gripcast;

/**
 * Which HTTP client carries a publisher's requests; see {@link Publisher.Builder#transport}.
 *
 * <p>Both behave alike: the same timeouts, retries, outcomes, body excerpts and no-hang guarantee
 * (the project's behaviour tests run every case over both). They differ in cost and reach.
 */
public enum HttpTransport {
  /**
   * The default: {@link #SELECTOR} for {@code http://} endpoints that are reached directly, and
   * {@link #OKHTTP} for {@code https://} endpoints and for endpoints that the JVM's
   * {@link java.net.ProxySelector} sends through a proxy.
   */
  AUTOMATIC,
  /**
   * gripcast's own client on one selector thread, for {@code http://} endpoints only (no TLS, no
   * proxies: it always connects directly). Pushpin closes the connection after every publish, and
   * this client pays about half of OkHttp's cost per request (docs/performance.md). Building a
   * publisher with an {@code https://} endpoint and this transport fails.
   */
  SELECTOR,
  /**
   * OkHttp for every endpoint: TLS, proxies, and the client you pass to
   * {@link Publisher.Builder#okHttpClient} (its dispatcher, connection pool and interceptors).
   */
  OKHTTP
}
