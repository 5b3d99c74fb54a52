package io.gripcast.spring.boot;

import io.gripcast.testing.PushpinInstance;
import io.gripcast.testing.PushpinNotInstalledException;
import org.junit.jupiter.api.Assumptions;

/** Starts a real Pushpin; without one, skips the test, or fails it loudly under CI=true. */
final class Pushpins {
  private Pushpins() {}

  static PushpinInstance start(PushpinInstance.Builder builder) {
    try {
      return builder.start();
    } catch (PushpinNotInstalledException e) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException("CI=true and Pushpin is missing: " + e.getMessage(), e);
      }
      Assumptions.abort("skipped: " + e.getMessage() + " (with CI=true this fails instead)");
      throw e; // not reached
    }
  }
}
