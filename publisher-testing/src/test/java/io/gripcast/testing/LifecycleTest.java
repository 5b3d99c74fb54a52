package io.gripcast.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start and stop of single instances: process tree, failures, port conflicts, long paths. */
class LifecycleTest {

  @TempDir
  static Path tmp;

  @BeforeAll
  static void pushpinInstalled() {
    // the same rule as the extension: skip without Pushpin, fail with CI=true
    try {
      PushpinProcess.resolveBinary(null, System.getProperty("PUSHPIN_BIN"), System.getenv("PUSHPIN_BIN"));
    } catch (PushpinNotInstalledException e) {
      throw PushpinExtension.unavailable(e, System.getenv());
    }
  }

  private static boolean running(long pid) {
    return ProcessHandle.of(pid).map(ProcFs::running).orElse(false);
  }

  @Test
  void stopLeavesNoProcessAndIsIdempotent() throws Exception {
    // a dir path this long forces the short rundir fallback (ipc names must fit in sun_path)
    Path deep = Files.createDirectories(tmp.resolve("a-directory-name-long-enough-to-push-the-ipc-socket-paths-past-the-sun-path-limit"));
    List<ProcessHandle> processes;
    PushpinInstance p;
    try (GripTestOrigin origin = GripTestOrigin.start()) {
      p = PushpinInstance.builder().origin(origin).directory(deep).name("stop").start();
      processes = p.processes();
      assertEquals(5, processes.size(), processes::toString); // runner, condure, zurl, proxy, handler
      List<String> names = processes.stream().map(h -> h.info().command().orElse("?")).toList();
      for (String n : List.of("/pushpin", "/condure", "/zurl", "/pushpin-proxy", "/pushpin-handler")) {
        assertTrue(names.stream().anyMatch(c -> c.endsWith(n)), names::toString);
      }
      assertTrue(processes.stream().allMatch(ProcessHandle::isAlive));
      // started with setsid: the runner leads its own session, and its children stay in it
      long runner = p.runnerPid();
      assertEquals(runner, ProcFs.session(runner));
      assertNotEquals(ProcFs.session(ProcessHandle.current().pid()), runner);
      assertTrue(processes.stream().allMatch(h -> ProcFs.session(h.pid()) == runner));
      assertTrue(p.directory().startsWith(deep));
      assertFalse(Files.exists(p.directory().resolve("run")), "rundir should have moved to /tmp");
      p.stop();
    }
    for (ProcessHandle h : processes) {
      assertFalse(running(h.pid()), "still running after stop: " + h.pid() + " " + h.info());
    }
    assertFalse(p.isRunning());
    p.stop(); // idempotent
    p.close();
    assertTrue(Files.readString(p.logDir().resolve("runner.log")).contains("stopped"));
  }

  @Test
  void readinessSurvivesAnOriginThatIsNotUpYet() {
    // routes to a port nobody listens on: readiness uses its own private origin
    int nothing = FreePorts.reserve();
    try (PushpinInstance p = PushpinInstance.builder().origin("127.0.0.1:" + nothing).start()) {
      assertTrue(p.isRunning());
    }
  }

  @Test
  void badRouteLineFailsTheStartWithTheProxyWarning() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> PushpinInstance.builder().route("* 127.0.0.1").start().close());
    assertTrue(e.getMessage().contains("rejected route"), e.getMessage());
    assertTrue(e.getMessage().contains("routes:2: target bad format"), e.getMessage());
    assertTrue(e.getMessage().contains("----- tail "), e.getMessage());
  }

  @Test
  void startupFailureReportsExitStatusAndLogTails() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> PushpinInstance.builder().origin("127.0.0.1:1").readyTimeout(Duration.ofSeconds(10))
            // mongrel2 is not installed with the Debian package: the runner exits
            .set("runner.services", "mongrel2,pushpin-proxy,pushpin-handler").start().close());
    assertTrue(e.getMessage().contains("exited during startup"), e.getMessage());
    assertTrue(e.getMessage().contains("runner.log"), e.getMessage());
  }

  @Test
  void aTakenPortMeansANewStartWithOtherPorts() throws Exception {
    try (ServerSocket squatter = new ServerSocket()) {
      squatter.bind(new InetSocketAddress("127.0.0.1", 0));
      int taken = squatter.getLocalPort();
      AtomicBoolean handedOut = new AtomicBoolean();
      // the first port handed out (the client port) is held by someone else
      try (PushpinInstance p = PushpinInstance.builder().origin("127.0.0.1:1")
          .portSource(() -> handedOut.getAndSet(true) ? FreePorts.reserve() : taken).start()) {
        assertEquals(2, p.attempts());
        assertNotEquals(taken, p.clientPort());
        assertEquals(200, p.publish("{\"items\":[]}").status());
      }
    }
  }
}
