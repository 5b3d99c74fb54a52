package io.gripcast.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Registered as an instance field, the extension gives every test its own instance. */
class PerTestExtensionTest {

  private static final List<ProcessHandle> RUNNERS = new CopyOnWriteArrayList<>();

  @RegisterExtension
  PushpinExtension pushpin = PushpinExtension.builder().build();

  @Test
  void first(PushpinInstance p) {
    assertTrue(p.isRunning());
    RUNNERS.add(p.processes().get(0));
  }

  @Test
  void second(PushpinInstance p) {
    assertTrue(p.isRunning());
    RUNNERS.add(p.processes().get(0));
  }

  @AfterAll
  static void eachTestHadItsOwnInstanceAndAllStopped() {
    if (RUNNERS.isEmpty()) {
      return; // skipped: no Pushpin on this machine
    }
    assertEquals(2, new HashSet<>(RUNNERS).size(), RUNNERS::toString);
    for (ProcessHandle h : RUNNERS) {
      assertFalse(ProcFs.running(h), "runner " + h.pid() + " still running");
    }
  }
}
