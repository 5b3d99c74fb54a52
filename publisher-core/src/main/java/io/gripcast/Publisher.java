package io.gripcast;

import io.gripcast.config.Endpoint;
import io.gripcast.config.GripConfigException;
import io.gripcast.config.GripUrl;
import io.gripcast.config.ZmqEndpoint;
import io.gripcast.internal.Args;
import io.gripcast.internal.Batches;
import io.gripcast.internal.ClusterDestination;
import io.gripcast.internal.Destination;
import io.gripcast.internal.EndpointClient;
import io.gripcast.internal.HttpDestination;
import io.gripcast.internal.IdGenerator;
import io.gripcast.internal.NioTransport;
import io.gripcast.internal.OkHttpTransport;
import io.gripcast.internal.PublishCall;
import io.gripcast.internal.PublishRun;
import io.gripcast.internal.Target;
import io.gripcast.internal.Threads;
import io.gripcast.internal.Transport;
import io.gripcast.internal.Watchdog;
import io.gripcast.internal.ZmqDestination;
import io.gripcast.item.Item;
import io.gripcast.item.Publication;
import java.net.Proxy;
import java.net.ProxySelector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;

/**
 * Publishes items to one or more GRIP proxy endpoints (Pushpin, Fastly Fanout).
 *
 * <p>Build one per application and share it: a publisher is immutable and thread-safe. Every
 * publish call either succeeds or reports its failure: the synchronous methods throw
 * {@link PublishException}, the asynchronous ones complete their future exceptionally with it.
 * Both carry one {@link EndpointResult} per endpoint.
 *
 * <pre>{@code
 * try (Publisher publisher = Publisher.builder().endpoint("http://localhost:5561").build()) {
 *   publisher.publish("news", Item.of(WsMessage.text("hello"), HttpStream.text("hello\n")));
 * }
 * }</pre>
 *
 * <p>Transports ({@link Builder#transport(HttpTransport)}): by default plain {@code http://}
 * endpoints go through gripcast's own selector-based client and {@code https://} endpoints (and
 * endpoints behind a proxy) through OkHttp. Both behave alike.
 *
 * <p>Threads: the publisher owns the threads it creates (daemon threads, started lazily, all named
 * {@code gripcast-*}) and stops them on {@link #close()}. Their number is bounded:
 * <ul>
 *   <li>{@code gripcast-nio}: one I/O thread that sends every request of the selector transport;
 *   <li>{@code gripcast-okhttp-N}: OkHttp's dispatcher, at most {@value #MAX_OKHTTP_CALLS} (only when
 *       an endpoint goes through OkHttp and you did not pass your own client);
 *   <li>{@code gripcast-callback-N}: where publishes complete, so where your dependent stages run: at
 *       most {@value #MAX_CALLBACK_THREADS}, unless you pass your own executor with
 *       {@link Builder#callbackExecutor}; the first is used until one of your stages blocks;
 *   <li>{@code gripcast-dns-N}: host name lookups for the selector transport, at most 4;
 *   <li>{@code gripcast-retry}: one, waits between retries;
 *   <li>{@code gripcast-watchdog}: one, ends any attempt still running past its call timeout plus
 *       200 ms, whatever the transports do;
 *   <li>{@code gripcast-zmq}: one, only with ZeroMQ endpoints ({@link ZmqEndpoint}): owns their
 *       sockets (JeroMQ adds its own I/O and reaper threads, stopped on close too);
 *   <li>{@code gripcast-resolve}: one, only with cluster endpoints: resolves them again periodically.
 * </ul>
 * When you pass your own {@link OkHttpClient}, its dispatcher and connection pool stay yours.
 *
 * <p>No hang: every attempt ends within its call timeout (plus a 200 ms grace and one 50 ms
 * watchdog tick), a request within the larger of the call timeout and the retry budget (a retry
 * gets only what is left of the budget), and a synchronous publish never waits longer than the
 * bound of {@link #publishAll(List)} (see docs/reliability.md).
 */
public final class Publisher implements AutoCloseable {

  /** The most threads of the default callback pool. */
  public static final int MAX_CALLBACK_THREADS = 64;
  /** The most OkHttp calls at once when the publisher builds its own OkHttp client; more wait in its queue. */
  public static final int MAX_OKHTTP_CALLS = 64;
  /** The environment variable {@link Builder#endpointFromEnvironment()} reads the channel prefix from. */
  public static final String ENV_GRIP_PREFIX = "GRIP_PREFIX";

  private final List<Destination> destinations;
  private final SuccessPolicy successPolicy;
  private final int maxBodyBytes;
  private final boolean idempotentIds;
  private final String channelPrefix; // "" when none
  private final PublishListener listener;
  private final Duration closeTimeout;
  private final Duration callTimeout;
  private final RetryPolicy retryPolicy;
  private final OkHttpClient http; // null when no endpoint needs OkHttp
  private final NioTransport nio; // null when no endpoint goes through the selector transport
  private final ExecutorService ownedCallbacks; // null when the caller passed an executor
  private final ExecutorService ownedOkHttpExecutor; // null when no OkHttp or the caller's client
  private final ZmqDestination.Io zmq; // null when no ZeroMQ endpoint
  private final ScheduledExecutorService resolving; // null when no cluster endpoint
  private final Threads.LazyScheduler scheduler = new Threads.LazyScheduler("gripcast-retry");
  private final Watchdog watchdog = new Watchdog("gripcast-watchdog");
  private final Set<InFlight> inFlight = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private Publisher(Builder b) {
    if (b.endpoints.isEmpty()) {
      throw new IllegalStateException("no endpoint: call endpoint(\"http://localhost:5561\") (a GRIP_URL) at least once");
    }
    this.successPolicy = b.successPolicy;
    this.maxBodyBytes = b.maxBodyBytes;
    this.idempotentIds = b.idempotentIds;
    this.channelPrefix = b.channelPrefix;
    this.listener = b.listener;
    this.closeTimeout = b.closeTimeout;
    this.callTimeout = b.callTimeout;
    this.retryPolicy = b.retryPolicy;
    // Which transport carries each HTTP endpoint (see HttpTransport): decided once, here.
    List<Endpoint> httpEndpoints = new ArrayList<>();
    for (Object o : b.endpoints) {
      if (o instanceof Endpoint) {
        httpEndpoints.add((Endpoint) o);
      } else if (o instanceof Cluster) {
        httpEndpoints.add(((Cluster) o).endpoint);
      }
    }
    List<Boolean> viaSelector = new ArrayList<>(httpEndpoints.size());
    for (Endpoint e : httpEndpoints) {
      boolean http = "http".equalsIgnoreCase(e.publishUri().getScheme());
      switch (b.transport) {
        case SELECTOR:
          if (!http) {
            throw new IllegalStateException("transport(SELECTOR) carries http:// endpoints only, but "
                + e.publishUri().getScheme() + "://" + e.publishUri().getHost()
                + " needs TLS; use transport(AUTOMATIC) (the default) or transport(OKHTTP)");
          }
          viaSelector.add(true); // always direct: a proxy of the JVM's ProxySelector is not used
          break;
        case OKHTTP:
          viaSelector.add(false);
          break;
        case AUTOMATIC:
        default:
          viaSelector.add(http && isDirect(e));
      }
    }
    boolean needOkHttp = viaSelector.contains(false);
    boolean needSelector = viaSelector.contains(true);
    Executor callbacks;
    if (b.callbackExecutor != null) {
      ownedCallbacks = null;
      callbacks = b.callbackExecutor;
    } else {
      // completions of both transports run here: never on the selector thread, never on a caller's
      ownedCallbacks = Threads.boundedDaemonPool("gripcast-callback", MAX_CALLBACK_THREADS);
      callbacks = ownedCallbacks;
    }
    if (needOkHttp) {
      OkHttpClient.Builder hb;
      if (b.okHttpClient != null) {
        hb = b.okHttpClient.newBuilder();
        ownedOkHttpExecutor = null;
      } else {
        // as many threads as the dispatcher runs calls: a call never waits for a thread
        ownedOkHttpExecutor = Threads.boundedDaemonPool("gripcast-okhttp", MAX_OKHTTP_CALLS);
        Dispatcher dispatcher = new Dispatcher(ownedOkHttpExecutor);
        // Pushpin closes the connection after every publish, so every endpoint may hold many calls at once
        dispatcher.setMaxRequests(MAX_OKHTTP_CALLS);
        dispatcher.setMaxRequestsPerHost(MAX_OKHTTP_CALLS);
        hb = new OkHttpClient.Builder().dispatcher(dispatcher).connectionPool(new ConnectionPool(4, 30, TimeUnit.SECONDS));
      }
      this.http = hb
          .connectTimeout(b.connectTimeout)
          .readTimeout(b.readTimeout)
          .writeTimeout(b.writeTimeout)
          .callTimeout(b.callTimeout)
          // a redirected POST would turn into a GET: report redirects instead of following them
          .followRedirects(false)
          .followSslRedirects(false)
          // retries are ours, with the same item ids, so OkHttp must not resend on its own
          .retryOnConnectionFailure(false)
          // Happy-eyeballs connects race addresses on OkHttp's task threads: one extra thread handoff
          // per connection, and Pushpin closes every connection. A GRIP endpoint is one host; connect
          // to its addresses in turn, as OkHttp 4 did.
          .fastFallback(false)
          .build();
    } else {
      // No endpoint needs OkHttp: it is not built at all (its TLS setup alone was about 40 % of a
      // cold start's time to the first publish).
      this.http = null;
      ownedOkHttpExecutor = null;
    }
    Transport okHttp = http == null ? null : new OkHttpTransport(http, callbacks);
    this.nio = needSelector
        ? new NioTransport(b.connectTimeout, b.readTimeout, b.writeTimeout, b.callTimeout, callbacks)
        : null;
    boolean anyCluster = b.endpoints.stream().anyMatch(o -> o instanceof Cluster);
    // ZeroMQ's I/O starts only here, and loads JeroMQ (an optional dependency) only for tcp://
    // endpoints: a missing jar fails build() naming it. The linger only lasts while messages are
    // still queued: a short-lived process (the CLI) must not exit before its SENT items left, so it
    // gets the whole close timeout
    List<ZmqEndpoint> zmqEndpoints = new ArrayList<>();
    for (Object o : b.endpoints) {
      if (o instanceof ZmqEndpoint) {
        zmqEndpoints.add((ZmqEndpoint) o);
      }
    }
    this.zmq = zmqEndpoints.isEmpty()
        ? null
        : ZmqDestination.Io.start((int) Math.min(closeTimeout.toMillis(), Integer.MAX_VALUE), zmqEndpoints);
    this.resolving = anyCluster
        ? Executors.newSingleThreadScheduledExecutor(Threads.daemonFactory("gripcast-resolve"))
        : null;
    List<Destination> ds = new ArrayList<>();
    int http = 0;
    for (Object o : b.endpoints) {
      if (o instanceof ZmqEndpoint) {
        ds.add(zmq.destination((ZmqEndpoint) o, b.callTimeout, callbacks));
        continue;
      }
      Endpoint e = o instanceof Cluster ? ((Cluster) o).endpoint : (Endpoint) o;
      Transport transport = viaSelector.get(http++) ? nio : okHttp;
      int limit = e.maxBodyBytes().orElse(maxBodyBytes);
      Target t = Endpoints.target(e, b.tokenTtl);
      if (o instanceof Cluster) {
        ClusterDestination cluster = new ClusterDestination(t.publishUrl(), t.display(), t.authorization(),
            b.resolver, limit, target -> new EndpointClient(target, transport, b.retryPolicy, scheduler::get,
                listener, () -> closed, watchdog, b.callTimeout, callbacks));
        cluster.refresh(); // the first resolution, here, so that the first publish knows the instances
        long every = b.resolveInterval.toMillis();
        resolving.scheduleWithFixedDelay(cluster::refresh, every, every, TimeUnit.MILLISECONDS);
        ds.add(cluster);
      } else {
        ds.add(new HttpDestination(new EndpointClient(t, transport, b.retryPolicy, scheduler::get, listener,
            () -> closed, watchdog, b.callTimeout, callbacks), limit));
      }
    }
    this.destinations = List.copyOf(ds);
  }

  /** No proxy configured for the endpoint (system properties or a custom ProxySelector). */
  private static boolean isDirect(Endpoint e) {
    ProxySelector selector = ProxySelector.getDefault();
    if (selector == null) {
      return true;
    }
    try {
      List<Proxy> proxies = selector.select(e.publishUri());
      return proxies == null || proxies.isEmpty() || proxies.stream().allMatch(p -> p.type() == Proxy.Type.DIRECT);
    } catch (RuntimeException ex) {
      return false; // let OkHttp apply whatever the selector means
    }
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The endpoints' publish URLs, without credentials, in publish order: a cluster endpoint is shown
   * once, as its URL followed by {@code (cluster)}; a ZeroMQ endpoint as
   * {@code zmq-push tcp://host:port} or {@code zmq-pub tcp://host:port}.
   */
  public List<String> endpoints() {
    List<String> out = new ArrayList<>();
    for (Destination d : destinations) {
      out.add(d.display());
    }
    return List.copyOf(out);
  }

  /**
   * Waits until the instance behind every ZeroMQ PUB endpoint has subscribed to {@code channel}
   * (with the {@link Builder#channelPrefix} applied), and says whether that happened within
   * {@code timeout}.
   *
   * <p>Why: Pushpin's SUB socket subscribes only to the channels that have subscribers on that
   * instance, and only once its connection to this publisher is up; until then ZeroMQ drops PUB
   * messages at the sender (the "slow joiner"). gripcast's PUB endpoints are XPUB sockets that see
   * those subscriptions, so this returns true exactly when a message on {@code channel} would now
   * be passed to every instance. It cannot tell whether a later item will be delivered: that still
   * comes without acknowledgement (see {@link Outcome#SENT}).
   *
   * @throws IllegalStateException when this publisher has no ZeroMQ PUB endpoint
   * @throws GripException when interrupted (the interrupt flag is set again)
   */
  public boolean awaitSubscribers(String channel, Duration timeout) {
    Objects.requireNonNull(channel, "channel");
    Args.nonNegative(timeout, "timeout");
    List<ZmqDestination> pubs = new ArrayList<>();
    for (Destination d : destinations) {
      if (d instanceof ZmqDestination && ((ZmqDestination) d).isPub()) {
        pubs.add((ZmqDestination) d);
      }
    }
    if (pubs.isEmpty()) {
      throw new IllegalStateException("awaitSubscribers needs a ZeroMQ PUB endpoint (ZmqEndpoint.pub);"
          + " this publisher has none");
    }
    try {
      return zmq.awaitSubscribed(pubs, channelPrefix + channel, timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GripException("interrupted while waiting for subscribers", e);
    }
  }

  // ------------------------------------------------------------------ synchronous

  /** Publishes {@code item} on {@code channel}; blocks until every endpoint answered or gave up. */
  public PublishResult publish(String channel, Item item) {
    return await(start(List.of(new Publication(channel, item))));
  }

  /** Publishes {@code item} on each of {@code channels}, in one request per endpoint. */
  public PublishResult publish(Collection<String> channels, Item item) {
    return await(start(publications(channels, item)));
  }

  /** Publishes one publication. */
  public PublishResult publish(Publication publication) {
    return await(start(List.of(publication)));
  }

  /**
   * Publishes a list of items, in order, in as few requests per endpoint as the body limit allows.
   * With several requests, they are sent one after another, and a failed one stops the rest for that
   * endpoint ({@link EndpointResult#itemsPublished()} says how far it got).
   *
   * <p>This and the other synchronous methods wait at most the publish's bound: per request, the
   * retry policy's total budget plus one call timeout and the watchdog's 200 ms grace, plus one
   * second in all. The transports' own
   * deadlines end a publish long before that; should they not (a callback pool whose every thread
   * is blocked by the caller's own stages, say), the publish is cancelled when the bound passes and
   * reported as {@link Outcome#UNKNOWN}.
   */
  public PublishResult publishAll(List<Publication> publications) {
    return await(start(publications));
  }

  // ------------------------------------------------------------------ asynchronous

  /** Like {@link #publish(String, Item)}, without blocking; never throws (see {@link #publishAllAsync}). */
  public CompletableFuture<PublishResult> publishAsync(String channel, Item item) {
    try {
      return start(List.of(new Publication(channel, item))).result();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Like {@link #publish(Collection, Item)}, without blocking; never throws (see {@link #publishAllAsync}). */
  public CompletableFuture<PublishResult> publishAsync(Collection<String> channels, Item item) {
    try {
      return start(publications(channels, item)).result();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static List<Publication> publications(Collection<String> channels, Item item) {
    Objects.requireNonNull(channels, "channels");
    if (channels.isEmpty()) {
      throw new IllegalArgumentException("channels is empty: give at least one channel to publish on");
    }
    List<Publication> ps = new ArrayList<>(channels.size());
    for (String c : channels) {
      ps.add(new Publication(c, item));
    }
    return ps;
  }

  /**
   * Like {@link #publishAll(List)}, without blocking. The future completes with the result when
   * the policy is met, and exceptionally with a {@link PublishException} otherwise. Cancelling it
   * cancels the HTTP calls in flight and any pending retry.
   *
   * <p>Never throws: input that cannot be sent fails the returned future instead, before anything
   * is sent, with {@link IllegalArgumentException} (an item that cannot be serialized),
   * {@link PayloadTooLargeException} (one item over the body limit), {@link NullPointerException}
   * (a null list) or {@link IllegalStateException} (the publisher is closed). The synchronous
   * methods throw those same exceptions.
   */
  public CompletableFuture<PublishResult> publishAllAsync(List<Publication> publications) {
    try {
      return start(publications).result();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private InFlight start(List<Publication> publications) {
    Objects.requireNonNull(publications, "publications");
    if (closed) {
      throw new IllegalStateException("publisher is closed; build a new one");
    }
    List<Publication> prefixed = withPrefix(publications);
    List<Publication> toSend = idempotentIds ? IdGenerator.withIds(prefixed) : prefixed;
    // Everything that can fail on the input is done here, before anything is sent: each body
    // limit's batches once, and the ZeroMQ messages when a ZeroMQ endpoint needs them.
    Map<Integer, List<Batches.Batch>> batches = new LinkedHashMap<>(2);
    List<byte[]> zmqItems = null;
    int requests = 1;
    for (Destination d : destinations) {
      int limit = d.maxBodyBytes();
      if (limit == 0) {
        if (zmqItems == null) {
          zmqItems = ZmqDestination.encode(toSend);
        }
      } else if (!batches.containsKey(limit)) {
        List<Batches.Batch> split = Batches.split(toSend, limit);
        batches.put(limit, split);
        requests = Math.max(requests, split.size());
      }
    }
    Destination.Job job = new Destination.Job(toSend, batches, zmqItems);
    PublishCall call = new PublishCall();
    CompletableFuture<PublishResult> result = new CompletableFuture<>();
    List<PublishRun> runs = new ArrayList<>(destinations.size());
    List<CompletableFuture<EndpointResult>> perEndpoint = new ArrayList<>(destinations.size());
    InFlight entry = new InFlight(call, runs, result, boundMillis(requests));
    inFlight.add(entry);
    result.whenComplete((r, t) -> {
      inFlight.remove(entry);
      if (t instanceof CancellationException) {
        call.cancel();
      }
    });
    for (Destination d : destinations) {
      for (PublishRun run : d.publish(job, call)) {
        runs.add(run);
        perEndpoint.add(run.result());
      }
    }
    // The last line for asynchronous callers, as await's bound is for synchronous ones: never
    // reached while the transports and the retry scheduler work, but a future that stays open
    // holds a caller's partition or lane forever (a relay waits on it to commit).
    Runnable unwatch = watchdog.watch(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(entry.boundMillis()),
        entry::giveUp);
    CompletableFuture.allOf(perEndpoint.toArray(new CompletableFuture<?>[0])).whenComplete((v, t) -> {
      unwatch.run();
      try {
        List<EndpointResult> results = new ArrayList<>(perEndpoint.size());
        for (CompletableFuture<EndpointResult> f : perEndpoint) {
          results.add(f.join()); // endpoint futures never complete exceptionally
        }
        PublishResult pr = PublishResult.of(successPolicy, publications.size(), results);
        try {
          listener.onResult(pr);
        } catch (RuntimeException ignored) {
          // a broken listener must not break publishing
        }
        if (pr.success()) {
          result.complete(pr);
        } else {
          result.completeExceptionally(new PublishException(pr));
        }
      } catch (Throwable e) {
        // a bug above must still end the caller's future, not leave it open with the error unseen
        result.completeExceptionally(new GripException("publish failed inside gripcast: " + e, e));
      }
    });
    return entry;
  }

  /**
   * The publications with the channel prefix put in front of their channels: the one place where
   * the prefix is applied. The new {@link Publication}s validate the prefixed channels.
   */
  private List<Publication> withPrefix(List<Publication> publications) {
    if (channelPrefix.isEmpty()) {
      return publications;
    }
    List<Publication> out = new ArrayList<>(publications.size());
    for (Publication p : publications) {
      Objects.requireNonNull(p, "publication");
      out.add(new Publication(channelPrefix + p.channel(), p.item()));
    }
    return out;
  }

  /**
   * The longest a publish of {@code requests} requests per endpoint can take: each request's
   * retries stop within the budget, and its last attempt ends within a call timeout and the
   * watchdog's grace; the extra second covers scheduling.
   */
  long boundMillis(int requests) {
    long perRequest = retryPolicy.totalBudget().toMillis() + callTimeout.toMillis() + Watchdog.GRACE_MILLIS;
    return Math.max(1, requests) * perRequest + 1_000;
  }

  private PublishResult await(InFlight entry) {
    CompletableFuture<PublishResult> f = entry.result();
    long bound = entry.boundMillis();
    try {
      try {
        return f.get(bound, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        // Never reached while the transports and the retry scheduler work: a last line so that a
        // synchronous caller is never stuck, even when the watchdog's thread could not be started
        // (it gives up on the same bound). What is still running is cancelled and reported.
        entry.giveUp();
        return f.get(1, TimeUnit.SECONDS);
      }
    } catch (TimeoutException e) {
      throw new GripException("publish did not end within " + bound + " ms, even after it was cancelled", e);
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw new GripException("interrupted while publishing; the publish was cancelled", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof PublishException) {
        // rethrow a fresh one so the stack trace shows the caller's frame
        PublishException pe = new PublishException(((PublishException) cause).result());
        throw pe;
      }
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      throw new GripException("publish failed: " + cause, cause);
    }
  }

  /**
   * Stops accepting publishes and stops retrying. Publishes in flight get up to the close timeout
   * (default 5 s) to finish their current attempt; those still running then are cancelled and
   * report {@link Outcome#CANCELLED}. Then the threads this publisher created are stopped.
   * Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<InFlight> pending = new ArrayList<>(inFlight);
    try {
      CompletableFuture.allOf(pending.stream().map(InFlight::result).toArray(CompletableFuture<?>[]::new))
          .get(closeTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | CancellationException e) {
      // failures are reported through each publish's own future
    }
    // What is still running ends as CANCELLED, so each caller learns its publish did not complete.
    for (InFlight f : pending) {
      f.call().cancel();
      for (PublishRun run : f.runs()) {
        run.abandon("publisher closed before this publish finished");
      }
    }
    scheduler.shutdown();
    watchdog.close();
    if (resolving != null) {
      resolving.shutdownNow();
    }
    if (zmq != null) {
      zmq.close(); // queued messages get up to the linger (the close timeout) to go out
    }
    if (nio != null) {
      nio.shutdown(); // before the callback pool: the attempts it ends complete there
    }
    if (http != null && ownedOkHttpExecutor != null) {
      http.dispatcher().cancelAll();
      http.connectionPool().evictAll();
      ownedOkHttpExecutor.shutdown();
    }
    if (ownedCallbacks != null) {
      ownedCallbacks.shutdown(); // queued completions still run; idle threads end at once
    }
  }

  @Override
  public String toString() {
    return "Publisher" + endpoints();
  }

  private record InFlight(PublishCall call, List<PublishRun> runs, CompletableFuture<PublishResult> result,
      long boundMillis) {
    /** Past the bound: cancels what still runs and ends every run as UNKNOWN (a run already ended stays as it is). */
    void giveUp() {
      call.cancel();
      for (PublishRun run : runs) {
        run.abandon(Outcome.UNKNOWN, "no outcome within the publish's bound of " + boundMillis
            + " ms; cancelled, the proxy may have accepted the items");
      }
    }

    // Identity, not the record's value semantics: an entry of the in-flight set is one publish, and
    // the generated hashCode/equals are bootstrapped through method handles on first use (tens of
    // milliseconds of a cold CLI publish)
    @Override
    public boolean equals(Object o) {
      return this == o;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(this);
    }
  }

  /** A cluster endpoint as the builder keeps it. */
  private record Cluster(Endpoint endpoint) {}

  /** Builds a {@link Publisher}. Not thread-safe; the publisher it builds is. */
  public static final class Builder {
    private final List<Object> endpoints = new ArrayList<>(); // Endpoint, Cluster or ZmqEndpoint, in order
    private Resolver resolver = Resolver.SYSTEM;
    private Duration resolveInterval = Duration.ofSeconds(30);
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration readTimeout = Duration.ofSeconds(10);
    private Duration writeTimeout = Duration.ofSeconds(10);
    private Duration callTimeout = Duration.ofSeconds(15);
    private Duration closeTimeout = Duration.ofSeconds(5);
    private Duration tokenTtl = Duration.ofMinutes(10);
    private RetryPolicy retryPolicy = RetryPolicy.defaults();
    private SuccessPolicy successPolicy = SuccessPolicy.ALL;
    private int maxBodyBytes = 1_000_000;
    private boolean idempotentIds = true;
    private String channelPrefix = "";
    private PublishListener listener = new PublishListener() {};
    private OkHttpClient okHttpClient;
    private HttpTransport transport = HttpTransport.AUTOMATIC;
    private Executor callbackExecutor;

    private Builder() {}

    /**
     * Adds an endpoint from a GRIP_URL such as {@code http://localhost:5561} or
     * {@code https://api.fastly.com/service/ID?key=TOKEN}. Repeat for a cluster: every item goes
     * to every endpoint. A ZeroMQ spec {@code tcp://host:port} adds a PUSH endpoint
     * ({@link ZmqEndpoint#push}), as pushpin-publish reads its {@code --spec}.
     *
     * @throws io.gripcast.config.GripConfigException naming the bad part (never a secret)
     */
    public Builder endpoint(String gripUrl) {
      if (ZmqEndpoint.isZmqSpec(gripUrl)) {
        return endpoint(ZmqEndpoint.push(gripUrl));
      }
      return endpoint(GripUrl.parse(gripUrl));
    }

    /**
     * Adds a ZeroMQ endpoint: PUSH to one instance's {@code push_in_spec}, or PUB to one
     * instance's {@code push_in_sub_specs} (add one per instance). Needs
     * {@code org.zeromq:jeromq} on the class path; {@link #build()} says so when it is missing.
     * What it guarantees: {@link Outcome#SENT}.
     */
    public Builder endpoint(ZmqEndpoint endpoint) {
      endpoints.add(Objects.requireNonNull(endpoint, "endpoint"));
      return this;
    }

    /**
     * Adds a cluster endpoint: a GRIP URL whose host name resolves to several instances (a DNS
     * name with one record per Pushpin, a headless Kubernetes service). Every publish goes to every
     * instance the {@link #resolver} last found, with one {@link EndpointResult} per instance; the
     * name is resolved at {@link #build()} and again every {@link #resolveInterval}. Plain
     * {@code http://} only: the instances are reached by IP, which TLS could not verify.
     *
     * @throws io.gripcast.config.GripConfigException when the URL is not usable, or is https
     */
    public Builder clusterEndpoint(String gripUrl) {
      return clusterEndpoint(GripUrl.parse(gripUrl));
    }

    /** {@link #clusterEndpoint(String)} with a parsed endpoint. */
    public Builder clusterEndpoint(Endpoint endpoint) {
      Objects.requireNonNull(endpoint, "endpoint");
      if (!"http".equalsIgnoreCase(endpoint.publishUri().getScheme())) {
        throw new GripConfigException("scheme", "a cluster endpoint must be http://: its instances are reached"
            + " by IP address, which a TLS certificate for the name would not match; add https instances one"
            + " by one with endpoint(..)");
      }
      endpoints.add(new Cluster(endpoint));
      return this;
    }

    /**
     * How cluster endpoints find their instances (default {@link Resolver#SYSTEM}, the JVM's DNS).
     * Tests map a name to several local instances with it.
     */
    public Builder resolver(Resolver r) {
      resolver = Objects.requireNonNull(r, "resolver");
      return this;
    }

    /** How often cluster endpoints are resolved again (default 30 seconds). */
    public Builder resolveInterval(Duration d) {
      resolveInterval = Args.positive(d, "resolveInterval");
      return this;
    }

    /** Adds a parsed endpoint (see {@link GripUrl}). */
    public Builder endpoint(Endpoint endpoint) {
      endpoints.add(Objects.requireNonNull(endpoint, "endpoint"));
      return this;
    }

    /**
     * Adds the endpoint of the {@code GRIP_URL} (and {@code GRIP_VERIFY_KEY}) environment
     * variables, and, when {@code GRIP_PREFIX} is set, makes it the {@link #channelPrefix} (as
     * faas-grip does). A later {@code channelPrefix(..)} call overrides it.
     *
     * @throws io.gripcast.config.GripConfigException when {@code GRIP_URL} is missing or unusable
     * @throws IllegalArgumentException when {@code GRIP_PREFIX} is not valid channel text
     */
    public Builder endpointFromEnvironment() {
      return endpointFromEnvironment(System.getenv());
    }

    /** {@link #endpointFromEnvironment()} over the given variables (for tests). */
    Builder endpointFromEnvironment(java.util.Map<String, String> env) {
      endpoint(GripUrl.fromEnvironment(env));
      String prefix = env.get(ENV_GRIP_PREFIX);
      if (prefix != null) {
        channelPrefix(prefix);
      }
      return this;
    }

    /**
     * A prefix put in front of the channel of every item this publisher sends (default none), as
     * js-grip's {@code prefix} and faas-grip's {@code GRIP_PREFIX}: with {@code "app."}, an item
     * published on {@code news} reaches the subscribers of {@code app.news}. It is applied once per
     * publish, before ids are assigned and the body is built; an empty prefix means none.
     *
     * @throws NullPointerException when {@code prefix} is null
     * @throws IllegalArgumentException when {@code prefix} is not valid channel text
     */
    public Builder channelPrefix(String prefix) {
      Objects.requireNonNull(prefix, "channelPrefix");
      if (!prefix.isEmpty()) {
        try {
          new Publication(prefix, Item.of(io.gripcast.item.WsMessage.text(""))); // the channel rules
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("channelPrefix is not valid channel text: " + e.getMessage(), e);
        }
      }
      channelPrefix = prefix;
      return this;
    }

    /** Adds several endpoints. */
    public Builder endpoints(Collection<String> gripUrls) {
      gripUrls.forEach(this::endpoint);
      return this;
    }

    public Builder connectTimeout(Duration d) {
      connectTimeout = Args.positive(d, "connectTimeout");
      return this;
    }

    public Builder readTimeout(Duration d) {
      readTimeout = Args.positive(d, "readTimeout");
      return this;
    }

    public Builder writeTimeout(Duration d) {
      writeTimeout = Args.positive(d, "writeTimeout");
      return this;
    }

    /** The limit on one HTTP attempt, from connect to the last byte of the answer. */
    public Builder callTimeout(Duration d) {
      callTimeout = Args.positive(d, "callTimeout");
      return this;
    }

    /** How long {@link Publisher#close()} lets publishes in flight finish. */
    public Builder closeTimeout(Duration d) {
      closeTimeout = Args.nonNegative(d, "closeTimeout");
      return this;
    }

    /**
     * The lifetime of the JWTs minted for endpoints with {@code iss} and {@code key} (default 10
     * minutes, at least 2 seconds); a token is reused until shortly before it expires.
     */
    public Builder tokenTtl(Duration d) {
      tokenTtl = Args.positive(d, "tokenTtl");
      if (d.compareTo(Duration.ofSeconds(2)) < 0) {
        throw new IllegalArgumentException("tokenTtl must be at least 2 seconds, but was " + d);
      }
      return this;
    }

    public Builder retryPolicy(RetryPolicy policy) {
      retryPolicy = Objects.requireNonNull(policy, "retryPolicy");
      return this;
    }

    public Builder successPolicy(SuccessPolicy policy) {
      successPolicy = Objects.requireNonNull(policy, "successPolicy");
      return this;
    }

    /**
     * The proxy's publish body limit (Pushpin's default is 1,000,000 bytes); larger lists are split.
     * An endpoint with its own limit ({@link Endpoint#withMaxBodyBytes}, e.g. Fanout's) keeps it:
     * each endpoint gets batches cut to its limit.
     */
    public Builder maxBodyBytes(int bytes) {
      maxBodyBytes = Args.atLeast(bytes, 64, "maxBodyBytes");
      return this;
    }

    /**
     * Whether items without an id get a generated one before the first attempt (default true), so
     * a retried publish is deduplicated by the proxy. See docs/reliability.md for prev-id chains.
     */
    public Builder idempotentIds(boolean on) {
      idempotentIds = on;
      return this;
    }

    public Builder listener(PublishListener l) {
      listener = Objects.requireNonNull(l, "listener");
      return this;
    }

    /**
     * The OkHttpClient whose dispatcher and connection pool the endpoints that go through OkHttp
     * share (see {@link #transport}): {@code https://} endpoints, endpoints behind a proxy, or every
     * endpoint with {@link HttpTransport#OKHTTP}. The publisher derives its own client from it (with
     * its own timeouts, no redirects and no automatic retries) and does not shut yours down on
     * close. It does not move {@code http://} endpoints to OkHttp by itself: say
     * {@code transport(HttpTransport.OKHTTP)} for that.
     */
    public Builder okHttpClient(OkHttpClient client) {
      okHttpClient = Objects.requireNonNull(client, "okHttpClient");
      return this;
    }

    /**
     * Which HTTP client carries the requests (default {@link HttpTransport#AUTOMATIC}: the
     * selector transport for directly reached {@code http://} endpoints, OkHttp for the rest).
     * {@link HttpTransport#SELECTOR} with an {@code https://} endpoint fails at {@link #build()}.
     */
    public Builder transport(HttpTransport choice) {
      transport = Objects.requireNonNull(choice, "transport");
      return this;
    }

    /**
     * Where publishes complete, and so where the stages you add to the returned futures run
     * (default: the publisher's own pool of at most {@value Publisher#MAX_CALLBACK_THREADS} daemon
     * threads). Pass your own to bound or account for those threads yourself; it stays yours (the
     * publisher does not shut it down). It must not refuse tasks: a completion it refuses runs on
     * the thread that tried to hand it over. A stage that blocks holds one of its threads, and
     * gripcast adds a task when completions wait more than 5 ms behind one, up to 64 at once.
     */
    public Builder callbackExecutor(Executor executor) {
      callbackExecutor = Objects.requireNonNull(executor, "callbackExecutor");
      return this;
    }

    public Publisher build() {
      return new Publisher(this);
    }
  }
}
