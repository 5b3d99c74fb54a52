package io.gripcast.internal;

import java.net.ConnectException;

/**
 * An IPv6 address in a JVM that cannot open IPv6 sockets (one started with
 * {@code -Djava.net.preferIPv4Stack=true}, common in containers). Both transports report it in
 * these words, which say what to change; it is not retried, since no attempt can succeed.
 */
public final class Ipv6UnavailableException extends ConnectException {
  private static final long serialVersionUID = 1L;

  Ipv6UnavailableException(Throwable cause) {
    super("this JVM cannot open IPv6 sockets"
        + (Boolean.getBoolean("java.net.preferIPv4Stack") ? " (it runs with -Djava.net.preferIPv4Stack=true)" : "")
        + "; use an IPv4 address or a host name with one, or start the JVM without that setting");
    initCause(cause);
  }
}
