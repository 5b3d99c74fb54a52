package io.gripcast;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the instances behind a cluster endpoint's host name ({@link Publisher.Builder#clusterEndpoint}),
 * like OkHttp's {@code Dns}. It returns socket addresses, not just IPs, so a resolver may also
 * place instances on different ports (a service registry, or a test with three Pushpins on one
 * machine). Called on the publisher's {@code gripcast-resolve} thread, never on a caller's; it
 * may block.
 */
@FunctionalInterface
public interface Resolver {

  /** The JVM's resolver ({@link InetAddress#getAllByName}): every address of the name, on the URL's port. */
  Resolver SYSTEM = (host, port) -> {
    List<InetSocketAddress> out = new ArrayList<>();
    for (InetAddress a : InetAddress.getAllByName(host)) {
      out.add(new InetSocketAddress(a, port));
    }
    return out;
  };

  /**
   * The instances of {@code host}, in a stable order. Every returned address must be resolved (an
   * IP). An empty list or an {@link UnknownHostException} keeps the previous instances.
   *
   * @param port the port of the endpoint's URL
   */
  List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException;
}
