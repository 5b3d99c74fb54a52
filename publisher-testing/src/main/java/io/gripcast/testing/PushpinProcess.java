package io.gripcast.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The processes of one launch: the pushpin runner, started in its own session, and the services
 * it starts (condure, zurl, pushpin-proxy, pushpin-handler). It sends them signals and stops the
 * whole tree, always by PID and process tree, never by name: other instances, and other test
 * runs on the machine, run the same binaries. Not thread-safe; {@link PushpinInstance} guards it.
 */
final class PushpinProcess {

  private final Path binary;
  private final Path instanceDir;
  private final Process runner;
  private List<ProcessHandle> children = List.of();
  private ProcessHandle handler;
  private boolean paused;

  private PushpinProcess(Path binary, Path instanceDir, Process runner) {
    this.binary = binary;
    this.instanceDir = instanceDir;
    this.runner = runner;
  }

  /**
   * Runs {@code pushpin --config DIR/pushpin.conf} in the instance dir, stdout and stderr appended
   * to {@code log/runner.log}. Returns at once: readiness is {@link Readiness}'s job.
   */
  static PushpinProcess launch(Path binary, InstanceDir files) {
    List<String> cmd = new ArrayList<>();
    setsid().ifPresent(cmd::add);
    cmd.add(binary.toString());
    cmd.add("--config");
    cmd.add(files.conf().toString());
    // own session: a terminal's ^C or a kill of the test JVM's process group does not hit it;
    // stop() (or the shutdown hook) ends it by PID and process tree, never by name
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .directory(files.path().toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(files.logDir().resolve("runner.log").toFile()));
    try {
      return new PushpinProcess(binary, files.path(), pb.start());
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + String.join(" ", cmd) + ": " + e.getMessage(), e);
    }
  }

  /**
   * The pushpin binary: {@code explicit}, else system property {@code PUSHPIN_BIN}, else
   * environment variable {@code PUSHPIN_BIN}, else {@code /usr/bin/pushpin}, else the PATH.
   *
   * @throws PushpinNotInstalledException naming the path tried and where it came from
   */
  static Path resolveBinary(Path explicit, String property, String env) {
    if (explicit != null) {
      return check(explicit, "set with PushpinInstance.Builder.binary");
    }
    if (property != null && !property.isBlank()) {
      return check(Path.of(property), "from system property PUSHPIN_BIN");
    }
    if (env != null && !env.isBlank()) {
      return check(Path.of(env), "from environment variable PUSHPIN_BIN");
    }
    Path debian = Path.of("/usr/bin/pushpin");
    if (Files.isExecutable(debian)) {
      return debian;
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String d : path.split(File.pathSeparator)) {
        if (!d.isEmpty() && Files.isExecutable(Path.of(d, "pushpin")) && Files.isRegularFile(Path.of(d, "pushpin"))) {
          return Path.of(d, "pushpin");
        }
      }
    }
    throw new PushpinNotInstalledException(debian, "the Debian package's path; not on PATH either");
  }

  private static Path check(Path p, String source) {
    if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
      throw new PushpinNotInstalledException(p, source);
    }
    return p;
  }

  // ------------------------------------------------------------------ what is running

  Path binary() {
    return binary;
  }

  long pid() {
    return runner.pid();
  }

  boolean isAlive() {
    return runner.isAlive();
  }

  /** The runner's current executable: {@code setsid} until it has exec'ed pushpin. */
  Optional<String> command() {
    return runner.info().command();
  }

  /** The runner and its descendants now (services come and go during startup). */
  List<ProcessHandle> tree() {
    List<ProcessHandle> tree = new ArrayList<>();
    tree.add(runner.toHandle());
    runner.toHandle().descendants().forEach(tree::add);
    return tree;
  }

  /** The runner's exit status once it has ended (waiting up to 2 s for that), else -1. */
  int exitStatus() {
    try {
      return runner.waitFor(2, TimeUnit.SECONDS) ? runner.exitValue() : -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /**
   * Records the runner's descendants once the instance is ready, so that {@link #stop} also
   * finds a service that was orphaned later, and finds the handler among them.
   *
   * @return false if no {@code pushpin-handler} is among them
   */
  boolean adoptChildren() {
    children = runner.toHandle().descendants().toList();
    handler = children.stream()
        .filter(p -> p.info().command().map(c -> c.endsWith("/pushpin-handler")).orElse(false))
        .findFirst()
        .orElse(null);
    return handler != null;
  }

  /** The descendants recorded by {@link #adoptChildren()}. */
  List<ProcessHandle> children() {
    return children;
  }

  /** The runner and the recorded descendants. */
  List<ProcessHandle> processes() {
    List<ProcessHandle> all = new ArrayList<>();
    all.add(runner.toHandle());
    all.addAll(children);
    return Collections.unmodifiableList(all);
  }

  ProcessHandle handler() {
    return handler;
  }

  // ------------------------------------------------------------------ signals

  /** SIGSTOP to the handler; returns once the kernel reports it stopped. */
  void pauseHandler() {
    if (!paused) {
      signal(handler, "STOP");
      paused = true;
      awaitState(handler, true);
    }
  }

  /** SIGCONT to a paused handler; returns once it runs again. */
  void resumeHandler() {
    if (paused) {
      signal(handler, "CONT");
      paused = false;
      awaitState(handler, false);
    }
  }

  boolean isPaused() {
    return paused;
  }

  /**
   * SIGTERM to the runner, which stops its services itself, then waits for the whole tree to end;
   * what is left after {@code timeout} gets SIGKILL.
   *
   * @throws IllegalStateException if a process survived SIGKILL
   */
  void stop(Duration timeout) {
    Set<ProcessHandle> targets = new LinkedHashSet<>();
    targets.add(runner.toHandle());
    runner.toHandle().descendants().forEach(targets::add);
    targets.addAll(children);
    if (paused && handler != null && ProcFs.running(handler)) {
      // a stopped handler cannot act on the runner's SIGTERM
      signal(handler, "CONT");
      paused = false;
    }
    if (runner.isAlive()) {
      runner.destroy(); // SIGTERM: the runner stops its services itself
    } else {
      targets.stream().filter(ProcFs::running).forEach(ProcessHandle::destroy);
    }
    List<ProcessHandle> left = awaitGone(targets, timeout);
    if (!left.isEmpty()) {
      left.forEach(ProcessHandle::destroyForcibly);
      left = awaitGone(left, Duration.ofSeconds(5));
    }
    try {
      runner.waitFor(2, TimeUnit.SECONDS); // reap it
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!left.isEmpty()) {
      throw new IllegalStateException("pushpin processes survived SIGKILL: "
          + left.stream().map(p -> Long.toString(p.pid())).toList() + " (instance dir " + instanceDir + ")");
    }
  }

  /** The targets still running (zombies count as gone) once all ended or {@code timeout} passed. */
  private static List<ProcessHandle> awaitGone(Collection<ProcessHandle> targets, Duration timeout) {
    List<ProcessHandle> list = new ArrayList<>(targets);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<ProcessHandle> left = list.stream().filter(ProcFs::running).toList();
      if (left.isEmpty() || System.nanoTime() > deadline) {
        return left;
      }
      Poll.sleep(10);
    }
  }

  private static void signal(ProcessHandle p, String signal) {
    if (!ProcFs.running(p)) {
      throw new IllegalStateException("process " + p.pid() + " is not running; cannot send SIG" + signal);
    }
    try {
      // the JDK cannot send SIGSTOP/SIGCONT; the shell's builtin kill needs no extra package
      Process kill = new ProcessBuilder("/bin/sh", "-c", "kill -s " + signal + " " + p.pid())
          .redirectErrorStream(true).start();
      String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -s " + signal + " " + p.pid() + " failed: " + out.strip());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run /bin/sh to send SIG" + signal, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending SIG" + signal, e);
    }
  }

  /** Waits until /proc shows the process stopped (T, t) or running again: kill only queues. */
  private static void awaitState(ProcessHandle p, boolean stoppedState) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < deadline) {
      char s = ProcFs.state(p.pid());
      if (stoppedState == (s == 'T' || s == 't')) {
        return;
      }
      Poll.sleep(2);
    }
    throw new IllegalStateException("process " + p.pid() + " did not become " + (stoppedState ? "stopped" : "running")
        + " (state " + ProcFs.state(p.pid()) + ")");
  }

  private static Optional<String> setsid() {
    for (String d : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
      Path p = Path.of(d, "setsid");
      if (Files.isExecutable(p)) {
        return Optional.of(p.toString());
      }
    }
    return Optional.empty();
  }
}
