package io.gripcast.examples.broadcast;

import io.gripcast.GripJson;
import io.gripcast.Publisher;
import io.gripcast.config.GripConfigException;
import io.gripcast.item.Item;
import io.gripcast.item.Publication;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * Lambda SnapStart priming through the {@code org.crac} hooks: before the snapshot, builds the
 * shared {@link Publisher} and runs the code a publish runs up to the network (the item and its
 * JSON, the wire body), so that the classes are loaded and initialized in the snapshot instead of
 * on the first invocation after a restore. It never publishes: nothing reaches the proxy.
 *
 * <p>Nothing that must be fresh is captured: the publisher opens no connection until its first
 * publish (so the snapshot holds no socket that would be dead after a restore), it mints the JWT of
 * a {@code GRIP_URL} with {@code iss}/{@code key} on the first publish (so no token that could have
 * expired since the snapshot), the item's time is read per invocation, and priming never lets the
 * publisher generate an item id (random ids drawn before the snapshot would repeat in every
 * environment restored from it). So {@link #afterRestore} has nothing to redo.
 *
 * <p>Uses gripcast's public API only.
 */
final class SnapStartPriming implements Resource {

  /** Keeps the registered resource reachable: a CRaC context need not hold it strongly. */
  private static final List<SnapStartPriming> REGISTERED = new ArrayList<>();

  private final Supplier<Publisher> publisher;
  private final BroadcastConfig config;
  private volatile String primedBody;

  SnapStartPriming(Supplier<Publisher> publisher, BroadcastConfig config) {
    this.publisher = Objects.requireNonNull(publisher, "publisher");
    this.config = Objects.requireNonNull(config, "config");
  }

  /** Registers a priming with the global CRaC context (outside SnapStart or CRaC, a no-op). */
  static SnapStartPriming register(Supplier<Publisher> publisher, BroadcastConfig config) {
    SnapStartPriming priming = new SnapStartPriming(publisher, config);
    synchronized (REGISTERED) {
      REGISTERED.add(priming);
    }
    Core.getGlobalContext().register(priming);
    return priming;
  }

  @Override
  public void beforeCheckpoint(Context<? extends Resource> context) {
    try {
      publisher.get(); // parses GRIP_URL, builds the publisher and its transport; no connection yet
    } catch (GripConfigException e) {
      // GRIP_URL missing or invalid: every invocation reports it; the snapshot is still useful
      System.err.println("SnapStartPriming: publisher not built before the snapshot: " + e.getMessage());
    }
    // an id is given, so nothing random is drawn; the wire body is built but never sent
    Item item = BroadcastHandler.item("snapstart-priming", config.text(), Instant.EPOCH);
    List<Publication> publications = new ArrayList<>();
    for (String channel : config.channels()) {
      publications.add(new Publication(channel, item));
    }
    primedBody = GripJson.toJson(publications);
  }

  @Override
  public void afterRestore(Context<? extends Resource> context) {
    // Nothing: no connection, token, time or random value was cached before the snapshot (see above).
  }

  /** The wire body built while priming (never sent), for tests; null before priming. */
  String primedBody() {
    return primedBody;
  }
}
