package io.gripcast.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * The TCP ports of instances: free ones from the OS, each held by one instance of this JVM at a
 * time. Ports are never fixed, so parallel runs on one machine do not collide; but the OS only
 * says a port was free when asked, and another process may bind it before Pushpin does. That is
 * {@link PortTaken}, after which the instance starts again with new ports.
 */
final class FreePorts {

  /** Ports handed out and not yet released: the OS may offer a port again once its probe closed. */
  private static final Set<Integer> RESERVED = ConcurrentHashMap.newKeySet();

  private FreePorts() {}

  /** Asks the OS for a free port on 127.0.0.1 that no other instance of this JVM holds. */
  static int reserve() {
    for (int i = 0; i < 100; i++) {
      try (ServerSocket s = new ServerSocket()) {
        s.setReuseAddress(false);
        s.bind(new InetSocketAddress(PushpinConfig.BIND, 0));
        int port = s.getLocalPort();
        if (RESERVED.add(port)) {
          return port;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot get a free port on 127.0.0.1", e);
      }
    }
    throw new IllegalStateException("no free port found on 127.0.0.1 in 100 tries");
  }

  /** The five ports of one launch, from {@code source} (normally {@link #reserve()}). */
  static PushpinConfig.Ports take(IntSupplier source) {
    int[] p = new int[5];
    for (int i = 0; i < p.length; i++) {
      p[i] = source.getAsInt();
    }
    return new PushpinConfig.Ports(p[0], p[1], p[2], p[3], p[4]);
  }

  /** Lets other instances of this JVM have the ports again; null (nothing taken yet) is fine. */
  static void release(PushpinConfig.Ports ports) {
    if (ports != null) {
      ports.all().forEach(RESERVED::remove);
    }
  }

  /** A port of ours was taken by someone else between allocation and bind: start again. */
  static final class PortTaken extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PortTaken(String message) {
      // no stack trace: it is caught by the retry loop and only its message is kept
      super(message, null, false, false);
    }
  }
}
