package io.gripcast.internal;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a target POSTs, as the transports need it. Immutable.
 *
 * <p>Why not OkHttp's {@code HttpUrl}: making one loads OkHttp's URL code together with the Kotlin
 * standard library, okio and the JDK's IDN tables, about 100 classes that the selector transport
 * (every {@code http://} endpoint) never uses otherwise. On the scheduled-broadcast example's cold
 * invocation that was about 60 ms of class loading before the first publish (docs/performance.md,
 * "The example's cold invocation"). Only {@link OkHttpTransport} turns this into an {@code HttpUrl}.
 *
 * <p>Hosts come from {@link URI#getHost()}, which {@code Endpoint} requires, so they are ASCII;
 * they are lowercased and IPv6 literals kept without brackets, as {@code HttpUrl.host()} gives them.
 */
public final class PublishUrl {
  private final boolean https;
  private final String host;
  private final int port;
  private final String pathAndQuery;
  private final String text;

  private PublishUrl(boolean https, String host, int port, String pathAndQuery) {
    this.https = https;
    this.host = unbracketed(host).toLowerCase(Locale.ROOT);
    this.port = port;
    this.pathAndQuery = pathAndQuery;
    boolean defaultPort = port == (https ? 443 : 80);
    this.text = (https ? "https://" : "http://") + bracketedHost() + (defaultPort ? "" : ":" + port) + pathAndQuery;
  }

  private static String unbracketed(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  /** The host as a URL or a Host header writes it: an IPv6 literal in brackets. */
  private String bracketedHost() {
    return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
  }

  /**
   * The publish URL of an absolute {@code http} or {@code https} URI with a host.
   *
   * @throws IllegalArgumentException naming what is missing
   */
  public static PublishUrl of(URI uri) {
    Objects.requireNonNull(uri, "uri");
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("a publish URL must be http:// or https://, but was " + scheme + "://");
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("a publish URL needs a host");
    }
    boolean https = scheme.equals("https");
    int port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
    String path = uri.normalize().getRawPath();
    String query = uri.getRawQuery();
    return new PublishUrl(https, host, port,
        (path == null || path.isEmpty() ? "/" : path) + (query == null ? "" : "?" + query));
  }

  /** {@link #of(URI)} of a URL string (tests, tools). */
  public static PublishUrl parse(String url) {
    return of(URI.create(url));
  }

  /** The same path and query at another address: one instance of a cluster. */
  public PublishUrl withAddress(String ip, int newPort) {
    return new PublishUrl(https, ip, newPort, pathAndQuery);
  }

  public boolean isHttps() {
    return https;
  }

  /** The host name or address, IPv6 without brackets. */
  public String host() {
    return host;
  }

  /** The Host header's value: the host (IPv6 in brackets) and the port, always given. */
  public String hostHeader() {
    return bracketedHost() + ':' + port;
  }

  /** The port, 80 or 443 when the URL has none. */
  public int port() {
    return port;
  }

  /** The encoded path, with {@code ?query} when there is one: the request target. */
  public String pathAndQuery() {
    return pathAndQuery;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PublishUrl u && text.equals(u.text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  /** The URL as {@code HttpUrl.toString()} writes it: no default port. May hold query parameters. */
  @Override
  public String toString() {
    return text;
  }
}
