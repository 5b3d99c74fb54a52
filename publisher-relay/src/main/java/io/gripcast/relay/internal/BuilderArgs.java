package io.gripcast.relay.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * The relay builders' argument checks, so the Kafka and the outbox builder name a bad option and
 * its value the same way. Not exported: the module's own packages use it.
 */
public final class BuilderArgs {
  private BuilderArgs() {}

  public static Duration positive(Duration d, String what) {
    Objects.requireNonNull(d, what);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, but was " + d);
    }
    return d;
  }

  public static int atLeast1(int n, String what) {
    if (n < 1) {
      throw new IllegalArgumentException(what + " must be at least 1, but was " + n);
    }
    return n;
  }
}
