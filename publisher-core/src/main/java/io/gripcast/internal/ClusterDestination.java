package io.gripcast.internal;

import io.gripcast.EndpointResult;
import io.gripcast.Outcome;
import io.gripcast.Resolver;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A cluster endpoint: one GRIP URL whose host name stands for several instances. Every publish
 * goes to every instance the last resolution found, each with its own {@link EndpointClient}, so
 * each reports its own {@link EndpointResult}. {@link #refresh()} resolves again (the publisher
 * calls it periodically); a failed or empty resolution keeps the instances known before.
 */
public final class ClusterDestination implements Destination {
  private final PublishUrl publishUrl;
  private final String display;
  private final Resolver resolver;
  private final int maxBodyBytes;
  private final Function<Target, EndpointClient> clients;
  private final java.util.function.Supplier<String> authorization;
  private final Map<InetSocketAddress, EndpointClient> known = new ConcurrentHashMap<>();
  private volatile List<EndpointClient> instances = List.of();
  private volatile String lastProblem = "not resolved yet";

  /**
   * @param display the publish URL without credentials
   * @param clients makes the client of one instance's target
   */
  public ClusterDestination(PublishUrl publishUrl, String display, java.util.function.Supplier<String> authorization,
      Resolver resolver, int maxBodyBytes, Function<Target, EndpointClient> clients) {
    this.publishUrl = publishUrl;
    this.display = display;
    this.authorization = authorization;
    this.resolver = resolver;
    this.maxBodyBytes = maxBodyBytes;
    this.clients = clients;
  }

  /** Resolves the host again; never throws (a failure is kept for the next publish's message). */
  public void refresh() {
    List<InetSocketAddress> found;
    try {
      found = resolver.resolve(publishUrl.host(), publishUrl.port());
    } catch (Exception | LinkageError e) {
      lastProblem = "resolving " + publishUrl.host() + " failed: " + EndpointClient.describe(e);
      return;
    }
    if (found == null || found.isEmpty()) {
      lastProblem = "resolving " + publishUrl.host() + " found no address";
      return;
    }
    List<EndpointClient> next = new ArrayList<>(found.size());
    for (InetSocketAddress a : found) {
      if (a == null || a.isUnresolved()) {
        lastProblem = "the resolver of " + publishUrl.host() + " returned an unresolved address";
        return;
      }
      next.add(known.computeIfAbsent(a, this::client));
    }
    known.keySet().retainAll(found);
    instances = List.copyOf(next);
    lastProblem = null;
  }

  private EndpointClient client(InetSocketAddress a) {
    String ip = a.getAddress().getHostAddress();
    PublishUrl url = publishUrl.withAddress(ip, a.getPort());
    String shown = io.gripcast.config.GripUrl.redact(url.toString()) + " (" + publishUrl.host() + ")";
    return clients.apply(new Target(url, shown, authorization));
  }

  /** The instances the last successful resolution found. */
  public List<String> instances() {
    List<String> out = new ArrayList<>();
    for (EndpointClient c : instances) {
      out.add(c.target().display());
    }
    return out;
  }

  @Override
  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  @Override
  public String display() {
    return display + " (cluster)";
  }

  @Override
  public List<PublishRun> publish(Job job, PublishCall call) {
    List<EndpointClient> now = instances;
    if (now.isEmpty()) {
      return List.of(new Failed(EndpointResult.builder(display(), Outcome.UNAVAILABLE)
          .message("no instance of the cluster is known: " + lastProblem).build()));
    }
    List<PublishRun> runs = new ArrayList<>(now.size());
    for (EndpointClient c : now) {
      runs.add(c.publish(job.batches(maxBodyBytes), call));
    }
    return runs;
  }

  /** A run that ended before it started. */
  private static final class Failed implements PublishRun {
    private final CompletableFuture<EndpointResult> result;

    Failed(EndpointResult r) {
      result = CompletableFuture.completedFuture(r);
    }

    @Override
    public CompletableFuture<EndpointResult> result() {
      return result;
    }

    @Override
    public void abandon(Outcome outcome, String why) {
      // already ended
    }
  }
}
