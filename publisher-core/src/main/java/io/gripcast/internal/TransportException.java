package io.gripcast.internal;

import java.io.IOException;

/**
 * An attempt that failed inside gripcast's own I/O code rather than on the network: a bug, or the
 * JVM running out of something. Typed so that it is never mistaken for the proxy's failure, and
 * so that the one attempt fails instead of the thread that carried it.
 */
public final class TransportException extends IOException {
  private static final long serialVersionUID = 1L;

  TransportException(String message, Throwable cause) {
    super(message, cause);
  }
}
