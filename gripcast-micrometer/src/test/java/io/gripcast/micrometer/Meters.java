package io.gripcast.micrometer;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;

/** Checks over every meter of a registry. */
final class Meters {
  private Meters() {}

  /** No tag key or value of any meter contains one of {@code secrets} (channel names, credentials). */
  static void assertNoTagContains(MeterRegistry registry, String... secrets) {
    for (Meter m : registry.getMeters()) {
      for (Tag t : m.getId().getTags()) {
        for (String s : secrets) {
          assertFalse(t.getKey().contains(s) || t.getValue().contains(s),
              m.getId() + " has a tag containing " + s);
        }
      }
      for (String s : secrets) {
        assertFalse(m.getId().getName().contains(s), m.getId() + " is named after " + s);
      }
    }
  }
}
