package io.gripcast.testing;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * One real, isolated Pushpin (Debian 1.36) for a test: its own config, routes, ipc rundir and log
 * dir, free TCP ports on 127.0.0.1, its own session (started with {@code setsid}) and its whole
 * process tree stopped by {@link #close()}.
 *
 * <pre>{@code
 * try (GripTestOrigin origin = GripTestOrigin.start();
 *      PushpinInstance pushpin = PushpinInstance.builder().origin(origin).overHttp(true).start()) {
 *   String gripUrl = pushpin.gripUrl();          // http://127.0.0.1:PORT, the control endpoint
 *   URI stream = pushpin.clientUri("/stream?channel=c1");
 * }
 * }</pre>
 *
 * <p>{@link Builder#start()} returns only once the instance is really ready: the runner is alive,
 * the client and control ports accept connections and belong to this instance's processes, every
 * internal ZeroMQ ipc socket has a connected peer, the control port answers {@code Pushpin API},
 * and an item published on a private channel reached a stream subscriber through the client
 * port. (Open ports alone are not enough: 25-30 % of requests sent right after the ports opened
 * failed; see docs/testing.md.) A route {@code /_gripcast_ready/} to a private origin is added for
 * that round trip, so the instance is ready even before the test's own origin runs.
 *
 * <p>If a port turns out to be taken by someone else (another test run on the machine), the whole
 * start is retried with new ports. Thread-safe; several instances may start concurrently.
 */
public final class PushpinInstance implements AutoCloseable {

  /** Path prefix of the readiness route (path_rem strips it before the private origin). */
  static final String READY_PREFIX = "/_gripcast_ready";

  private static final int ATTEMPTS = 3;
  private static final int MAX_IPC_PATH = 100;
  private static final String LONGEST_IPC_NAME = "pushpin-condure-out-stream";
  private static final Duration IO_TIMEOUT = Duration.ofSeconds(5);
  private static final Set<Integer> RESERVED_PORTS = ConcurrentHashMap.newKeySet();
  private static final int LOG_TAIL_LINES = 25;

  private final Path binary;
  private final List<String> routes;
  private final int messageRate;
  private final int messageHwm;
  private final int logLevel;
  private final Map<String, String> overrides;
  private final Duration readyTimeout;
  private final Duration stopTimeout;
  private final IntSupplier portSource;
  private final Path dir;
  private final boolean deleteDirOnClose;
  private final Path logDir;

  private Path rundir;
  private boolean rundirOutsideDir;
  private PushpinConfig.Ports ports;
  private GripTestOrigin readyOrigin;
  private Process runner;
  private List<ProcessHandle> children = List.of();
  private ProcessHandle handler;
  private long readyMillis;
  private int attempts;
  private Thread shutdownHook;
  private boolean paused;
  private boolean stopped;

  /** Status and body of a POST to the control port's {@code /publish/}. */
  public record PublishResponse(int status, String body) {}

  private PushpinInstance(Builder b, Path binary) throws IOException {
    this.binary = binary;
    this.routes = List.copyOf(b.routes);
    this.messageRate = b.messageRate;
    this.messageHwm = b.messageHwm;
    this.logLevel = b.logLevel;
    this.overrides = Collections.unmodifiableMap(new LinkedHashMap<>(b.overrides));
    this.readyTimeout = b.readyTimeout;
    this.stopTimeout = b.stopTimeout;
    this.portSource = b.portSource;
    Path parent;
    if (b.directory != null) {
      parent = b.directory;
      this.deleteDirOnClose = false;
    } else if (Files.isDirectory(Path.of("target"))) {
      // under Maven: keep the logs next to the build output, where CI can collect them
      parent = Path.of("target", "pushpin");
      this.deleteDirOnClose = false;
    } else {
      parent = Path.of(System.getProperty("java.io.tmpdir"));
      this.deleteDirOnClose = true;
    }
    Files.createDirectories(parent);
    this.dir = Files.createTempDirectory(parent.toAbsolutePath().normalize(), b.name + "-");
    this.logDir = dir.resolve("log");
  }

  public static Builder builder() {
    return new Builder();
  }

  // ------------------------------------------------------------------ accessors

  /** {@code http://127.0.0.1:PORT}: where subscribers connect. */
  public URI clientUrl() {
    return URI.create("http://" + PushpinConfig.BIND + ":" + ports.client());
  }

  /** The client URL plus {@code pathAndQuery} (which must start with {@code /}). */
  public URI clientUri(String pathAndQuery) {
    return URI.create(clientUrl() + checkPath(pathAndQuery));
  }

  /** {@code ws://127.0.0.1:PORT} plus {@code pathAndQuery}: for WebSocket clients. */
  public URI webSocketUri(String pathAndQuery) {
    return URI.create("ws://" + PushpinConfig.BIND + ":" + ports.client() + checkPath(pathAndQuery));
  }

  /** The client (condure) port. */
  public int clientPort() {
    return ports.client();
  }

  /** {@code http://127.0.0.1:PORT} of the control (publish) port: the GRIP_URL of this instance. */
  public URI controlUrl() {
    return URI.create(gripUrl());
  }

  /** The control URL as a string, the form {@code GRIP_URL} takes. */
  public String gripUrl() {
    return "http://" + PushpinConfig.BIND + ":" + ports.control();
  }

  /** {@code http://127.0.0.1:PORT/publish/}. */
  public URI publishUrl() {
    return URI.create(gripUrl() + "/publish/");
  }

  /** The control (publish) port. */
  public int controlPort() {
    return ports.control();
  }

  /** The instance dir: pushpin.conf, routes, log/ (and run/ unless the path was too long). */
  public Path directory() {
    return dir;
  }

  /** Where the runner and each service write their logs. */
  public Path logDir() {
    return logDir;
  }

  /** The PID of the pushpin runner (the session leader of the instance). */
  public long runnerPid() {
    return runner.pid();
  }

  /** The PID of the {@code pushpin-handler} process (it serves the control port and publishes). */
  public long handlerPid() {
    return handler.pid();
  }

  /** The runner and its children (condure, zurl, pushpin-proxy, pushpin-handler) seen at start. */
  public List<ProcessHandle> processes() {
    List<ProcessHandle> all = new ArrayList<>();
    all.add(runner.toHandle());
    all.addAll(children);
    return Collections.unmodifiableList(all);
  }

  /** How many launches the start needed (more than 1 only if a port was taken meanwhile). */
  public int attempts() {
    return attempts;
  }

  /** True until {@link #stop()}, if the runner is still alive. */
  public boolean isRunning() {
    synchronized (this) {
      return !stopped && runner.isAlive();
    }
  }

  /** The handler's log ({@code log/pushpin-handler.log}) as text, for debugging and assertions. */
  public String handlerLog() {
    return readLog("pushpin-handler.log");
  }

  /** The last lines of every log of this instance, for failure messages. */
  public String logTails() {
    return tails(logDir);
  }

  // ------------------------------------------------------------------ actions

  /**
   * Freezes the handler with SIGSTOP: the control port then accepts connections but answers
   * nothing, and nothing is delivered, until {@link #resume()}. Returns once the kernel reports the
   * process stopped.
   */
  public synchronized void pause() {
    requireRunning();
    if (!paused) {
      signal(handler, "STOP");
      paused = true;
      awaitState(handler, true);
    }
  }

  /** Lets a paused handler run again (SIGCONT). */
  public synchronized void resume() {
    requireRunning();
    if (paused) {
      signal(handler, "CONT");
      paused = false;
      awaitState(handler, false);
    }
  }

  /** True between {@link #pause()} and {@link #resume()}. */
  public synchronized boolean isPaused() {
    return paused;
  }

  /**
   * POSTs a raw JSON body to {@code /publish/} with a fixed {@code Content-Length}, on a new
   * connection; a plain helper for tests that need no publisher.
   *
   * @throws UncheckedIOException if the control port does not answer within 5 s
   */
  public PublishResponse publish(String json) {
    Objects.requireNonNull(json, "json");
    try {
      RawHttp.Response r = RawHttp.exchange(PushpinConfig.BIND, ports.control(), "POST", "/publish/",
          Map.of("Content-Type", "application/json"), json.getBytes(StandardCharsets.UTF_8), IO_TIMEOUT);
      return new PublishResponse(r.status(), r.bodyText());
    } catch (IOException e) {
      throw new UncheckedIOException("publish to " + publishUrl() + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * Waits until the handler has logged a subscription to {@code channel}: once it has, a publish
   * to the channel reaches that subscriber. Pushpin logs this when a channel gets its first
   * subscriber (stream, long-poll or WebSocket), so use a fresh channel per test. Needs log level
   * 2 or more.
   *
   * @return false if no such line appeared within {@code timeout}
   */
  public boolean awaitSubscribed(String channel, Duration timeout) {
    Objects.requireNonNull(channel, "channel");
    if (logLevel < 2) {
      throw new IllegalStateException("awaitSubscribed reads the handler's INFO log: start the instance "
          + "with logLevel(2) or more (it has " + logLevel + ")");
    }
    String suffix = " channel=" + channel;
    Path log = logDir.resolve("pushpin-handler.log");
    long deadline = System.nanoTime() + timeout.toNanos();
    long offset = 0;
    StringBuilder partial = new StringBuilder();
    while (true) {
      try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
        if (f.length() > offset) {
          f.seek(offset);
          byte[] buf = new byte[(int) Math.min(f.length() - offset, 1 << 20)];
          f.readFully(buf);
          offset += buf.length;
          partial.append(new String(buf, StandardCharsets.UTF_8));
          int nl;
          while ((nl = partial.indexOf("\n")) >= 0) {
            String line = partial.substring(0, nl);
            partial.delete(0, nl + 1);
            if (line.contains(" subscribe ") && line.endsWith(suffix)) {
              return true;
            }
          }
          continue;
        }
      } catch (IOException e) {
        // not written yet
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
      sleep(10);
    }
  }

  /**
   * SIGTERM to the runner, then waits for its whole process tree to end (the runner stops its
   * services itself); what is left after the stop timeout gets SIGKILL. Idempotent.
   *
   * @throws IllegalStateException if a process of the instance survived SIGKILL
   */
  public synchronized void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    try {
      stopProcesses();
    } finally {
      releaseResources();
    }
  }

  /** Same as {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }

  @Override
  public String toString() {
    return "PushpinInstance{client=" + (ports == null ? "?" : ports.client())
        + ", control=" + (ports == null ? "?" : ports.control())
        + ", pid=" + (runner == null ? "?" : runner.pid())
        + ", readyMs=" + readyMillis + ", dir=" + dir + "}";
  }

  // ------------------------------------------------------------------ start

  private void start() {
    List<String> problems = new ArrayList<>();
    for (attempts = 1; ; attempts++) {
      try {
        launchOnce();
        return;
      } catch (PortTaken e) {
        problems.add("attempt " + attempts + ": " + e.getMessage());
        stopProcesses();
        releasePorts();
        if (attempts == ATTEMPTS) {
          throw new IllegalStateException("pushpin could not get free ports in " + ATTEMPTS
              + " attempts (other processes took them): " + String.join("; ", problems)
              + "\n" + logTails());
        }
      }
    }
  }

  private void launchOnce() {
    ports = allocatePorts();
    try {
      prepareFiles();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the instance files in " + dir, e);
    }
    List<String> cmd = new ArrayList<>();
    setsid().ifPresent(cmd::add);
    cmd.add(binary.toString());
    cmd.add("--config");
    cmd.add(dir.resolve("pushpin.conf").toString());
    // own session: a terminal's ^C or a kill of the test JVM's process group does not hit it;
    // stop() (or the shutdown hook) ends it by PID and process tree, never by name
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .directory(dir.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logDir.resolve("runner.log").toFile()));
    long t0 = System.nanoTime();
    long deadline = t0 + readyTimeout.toNanos();
    try {
      runner = pb.start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + String.join(" ", cmd) + ": " + e.getMessage(), e);
    }
    if (shutdownHook == null) {
      shutdownHook = new Thread(this::stopQuietly, "gripcast-pushpin-shutdown-" + runner.pid());
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    }
    awaitExec(deadline);
    awaitPortsAndIpc(deadline);
    awaitRoundTrip(deadline);
    checkRoutes();
    readyMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    children = runner.toHandle().descendants().toList();
    handler = children.stream()
        .filter(p -> p.info().command().map(c -> c.endsWith("/pushpin-handler")).orElse(false))
        .findFirst()
        .orElseThrow(() -> fail("pushpin is ready but no pushpin-handler process is among its children " + children));
  }

  private PushpinConfig.Ports allocatePorts() {
    int[] p = new int[5];
    for (int i = 0; i < p.length; i++) {
      p[i] = portSource.getAsInt();
    }
    return new PushpinConfig.Ports(p[0], p[1], p[2], p[3], p[4]);
  }

  private void prepareFiles() throws IOException {
    if (Files.isDirectory(logDir)) {
      Path prev = dir.resolve("log.prev");
      deleteTree(prev);
      Files.move(logDir, prev, StandardCopyOption.ATOMIC_MOVE);
    }
    Files.createDirectories(logDir);
    if (rundir == null) {
      Path inDir = dir.resolve("run");
      if (inDir.toString().length() + 1 + LONGEST_IPC_NAME.length() <= MAX_IPC_PATH) {
        rundir = inDir;
      } else {
        // ipc:// names must fit in sun_path (108 bytes): fall back to a short unique dir
        rundir = Files.createTempDirectory(Path.of("/tmp"), "gripcast-run-");
        rundirOutsideDir = true;
      }
    }
    deleteTree(rundir);
    Files.createDirectories(rundir);
    String conf = PushpinConfig.render(ports, rundir.toString(), logDir.toString(), logLevel,
        messageRate, messageHwm, overrides);
    Files.writeString(dir.resolve("pushpin.conf"), conf, StandardCharsets.UTF_8);
    List<String> lines = new ArrayList<>();
    // the readiness route first; path_beg routes win over "*" anyway
    lines.add("*,path_beg=" + READY_PREFIX + "/,path_rem=" + READY_PREFIX.length() + " " + readyOrigin.hostPort());
    lines.addAll(routes);
    Files.write(dir.resolve("routes"), lines, StandardCharsets.UTF_8);
  }

  private void awaitExec(long deadline) {
    String target;
    try {
      target = binary.toRealPath().toString();
    } catch (IOException e) {
      throw new PushpinNotInstalledException(binary, "vanished");
    }
    while (true) {
      if (!runner.isAlive()) {
        throw runnerExited();
      }
      if (runner.info().command().map(target::equals).orElse(false)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw fail("process " + runner.pid() + " did not turn into " + target + " within " + readyTimeout
            + " (command: " + runner.info().command().orElse("?") + ")");
      }
      sleep(5);
    }
  }

  private void awaitPortsAndIpc(long deadline) {
    String pending = "client/control ports not accepting yet";
    while (true) {
      if (!runner.isAlive()) {
        throw runnerExited();
      }
      if (RawHttp.accepts(PushpinConfig.BIND, ports.client(), IO_TIMEOUT)
          && RawHttp.accepts(PushpinConfig.BIND, ports.control(), IO_TIMEOUT)) {
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(runner.toHandle());
        runner.toHandle().descendants().forEach(tree::add);
        for (int port : List.of(ports.client(), ports.control())) {
          if (!ProcFs.holdsSocket(tree, ProcFs.listeningInodes(port))) {
            if (!runner.isAlive()) {
              throw runnerExited();
            }
            throw new PortTaken("port " + port + " accepts connections but is not held by this instance");
          }
        }
        List<String> unlinked = unlinkedIpc();
        if (!unlinked.isEmpty()) {
          pending = "internal ipc sockets without a connected peer: " + unlinked;
        } else if (!controlSaysApi()) {
          pending = "GET / on the control port did not answer \"Pushpin API\"";
        } else {
          return;
        }
      }
      if (System.nanoTime() > deadline) {
        throw fail("pushpin not ready within " + readyTimeout + " (client port " + ports.client()
            + ", control port " + ports.control() + "): " + pending);
      }
      sleep(20);
    }
  }

  /**
   * The ipc sockets in the rundir that nobody has connected to yet. Pushpin's processes talk over
   * ZeroMQ ipc sockets and a failed connect is retried only after libzmq's reconnect interval
   * (100 ms), so the TCP ports can accept while e.g. the handler is not yet attached to the proxy.
   * Every socket an instance binds gets a local peer, except the handler's stats PUB socket.
   */
  private List<String> unlinkedIpc() {
    Set<String> connected = ProcFs.connectedUnixPaths(rundir.toString());
    List<String> out = new ArrayList<>();
    boolean accept = false;
    for (Path socket : ProcFs.socketFiles(rundir)) {
      String name = socket.getFileName().toString();
      accept |= name.equals("pushpin-accept");
      if (!name.equals("pushpin-stats") && !connected.contains(socket.toString())) {
        out.add(name);
      }
    }
    if (!accept) {
      out.add("pushpin-accept (missing)");
    }
    return out;
  }

  private boolean controlSaysApi() {
    try {
      RawHttp.Response r = RawHttp.exchange(PushpinConfig.BIND, ports.control(), "GET", "/", Map.of(),
          null, IO_TIMEOUT);
      return r.status() == 200 && r.bodyText().contains("Pushpin API");
    } catch (IOException e) {
      return false;
    }
  }

  /** Holds a stream on a private channel and publishes to it until an item arrives. */
  private void awaitRoundTrip(long deadline) {
    String channel = "gripcast-ready-" + UUID.randomUUID();
    URI uri = clientUri(READY_PREFIX + "/stream?channel=" + channel);
    String problem = "no attempt yet";
    StreamSubscriber sub = null;
    int published = 0;
    try {
      while (true) {
        if (!runner.isAlive()) {
          throw runnerExited();
        }
        if (System.nanoTime() > deadline) {
          throw fail("pushpin did not deliver a published item within " + readyTimeout + ": " + problem);
        }
        if (sub == null || sub.ended()) {
          if (sub != null) {
            problem = "the readiness stream ended: " + sub.body();
            sub.close();
            sub = null;
          }
          try {
            // bounded per try, so one lost request does not use up the whole wait
            sub = StreamSubscriber.open(uri, min(remaining(deadline), IO_TIMEOUT));
          } catch (IOException e) {
            problem = "GET " + uri + " failed: " + e.getMessage();
            sleep(50);
            continue;
          }
          if (sub.status() != 200 || !sub.awaitContains("stream open\n", remaining(deadline))) {
            problem = "GET " + uri + " answered " + sub.status() + ": " + sub.body().strip();
            sub.close();
            sub = null;
            sleep(50);
            continue;
          }
        }
        published++;
        String json = "{\"items\":[{\"channel\":\"" + channel + "\",\"formats\":{\"http-stream\":"
            + "{\"content\":\"gripcast-ready " + published + "\\n\"}}}]}";
        try {
          PublishResponse r = publish(json);
          if (r.status() != 200) {
            problem = "publish answered " + r.status() + ": " + r.body().strip();
          }
        } catch (UncheckedIOException e) {
          problem = e.getMessage();
        }
        // the subscription may not be registered yet when the first publish lands: publish again
        if (sub.awaitContains("gripcast-ready ", Duration.ofMillis(100))) {
          return;
        }
        problem = published + " item(s) published on " + channel + ", none arrived";
      }
    } finally {
      if (sub != null) {
        sub.close();
      }
    }
  }

  /** A bad route line is only a warning to Pushpin (it then answers 502): make it an error. */
  private void checkRoutes() {
    List<String> bad = new ArrayList<>();
    for (String line : readLog("pushpin-proxy.log").split("\n")) {
      if (line.contains("[WARN]") && line.matches(".*routes:[0-9]+:.*")) {
        bad.add(line);
      }
    }
    if (!bad.isEmpty()) {
      throw fail("pushpin rejected route line(s) in " + dir.resolve("routes") + ": " + String.join("; ", bad)
          + " (routes: " + routes + ")");
    }
  }

  private RuntimeException runnerExited() {
    int code;
    try {
      code = runner.waitFor(2, TimeUnit.SECONDS) ? runner.exitValue() : -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      code = -1;
    }
    String logs = allLogs().toLowerCase(Locale.ROOT);
    if (logs.contains("unable to bind") || logs.contains("address already in use")
        || logs.contains("address in use")) {
      return new PortTaken("pushpin exited (status " + code + ") because a port was taken");
    }
    return fail("pushpin (pid " + runner.pid() + ") exited during startup with status " + code);
  }

  private IllegalStateException fail(String what) {
    return new IllegalStateException(what + "; instance dir " + dir + "\n" + logTails());
  }

  /** A port of ours was taken by someone else between allocation and bind: start again. */
  private static final class PortTaken extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PortTaken(String message) {
      super(message, null, false, false);
    }
  }

  // ------------------------------------------------------------------ stop

  private void stopQuietly() {
    try {
      stop();
    } catch (RuntimeException ignored) {
      // the JVM is exiting; nothing more to do
    }
  }

  private void stopProcesses() {
    if (runner == null) {
      return;
    }
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
    List<ProcessHandle> left = awaitGone(targets, stopTimeout);
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
          + left.stream().map(p -> Long.toString(p.pid())).toList() + " (instance dir " + dir + ")");
    }
  }

  private static List<ProcessHandle> awaitGone(Set<ProcessHandle> targets, Duration timeout) {
    return awaitGone(new ArrayList<>(targets), timeout);
  }

  private static List<ProcessHandle> awaitGone(List<ProcessHandle> targets, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<ProcessHandle> left = targets.stream().filter(ProcFs::running).toList();
      if (left.isEmpty() || System.nanoTime() > deadline) {
        return left;
      }
      sleep(10);
    }
  }

  private void releaseResources() {
    releasePorts();
    if (readyOrigin != null) {
      readyOrigin.close();
    }
    if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException ignored) {
        // the JVM is already shutting down
      }
    }
    try {
      if (rundirOutsideDir) {
        deleteTree(rundir);
      }
      if (deleteDirOnClose) {
        deleteTree(dir);
      }
    } catch (IOException ignored) {
      // leftovers in a temp dir are harmless
    }
  }

  private void releasePorts() {
    if (ports != null) {
      ports.all().forEach(RESERVED_PORTS::remove);
    }
  }

  // ------------------------------------------------------------------ helpers

  private void requireRunning() {
    if (stopped || !runner.isAlive()) {
      throw new IllegalStateException("pushpin instance is not running: " + this);
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

  private static void awaitState(ProcessHandle p, boolean stoppedState) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < deadline) {
      char s = ProcFs.state(p.pid());
      if (stoppedState == (s == 'T' || s == 't')) {
        return;
      }
      sleep(2);
    }
    throw new IllegalStateException("process " + p.pid() + " did not become " + (stoppedState ? "stopped" : "running")
        + " (state " + ProcFs.state(p.pid()) + ")");
  }

  private String readLog(String name) {
    try {
      return Files.readString(logDir.resolve(name), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private String allLogs() {
    StringBuilder sb = new StringBuilder();
    for (Path f : logFiles(logDir)) {
      try {
        sb.append(Files.readString(f, StandardCharsets.UTF_8)).append('\n');
      } catch (IOException ignored) {
        // gone
      }
    }
    return sb.toString();
  }

  static String tails(Path logDir) {
    StringBuilder sb = new StringBuilder();
    for (Path f : logFiles(logDir)) {
      List<String> lines;
      try {
        lines = Files.readAllLines(f, StandardCharsets.UTF_8);
      } catch (IOException | UncheckedIOException e) {
        continue;
      }
      sb.append("----- tail ").append(f).append(" -----\n");
      lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size())
          .forEach(l -> sb.append(l).append('\n'));
    }
    return sb.toString();
  }

  private static List<Path> logFiles(Path logDir) {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(logDir)) {
      for (Path f : ds) {
        if (Files.isRegularFile(f)) {
          files.add(f);
        }
      }
    } catch (IOException ignored) {
      // no logs yet
    }
    files.sort(null);
    return files;
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

  private static Duration remaining(long deadline) {
    return Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(1), deadline - System.nanoTime()));
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static String checkPath(String pathAndQuery) {
    if (pathAndQuery == null || !pathAndQuery.startsWith("/")) {
      throw new IllegalArgumentException("path must start with '/', got " + pathAndQuery);
    }
    return pathAndQuery;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (var walk = Files.walk(root)) {
      for (Path p : walk.sorted(Collections.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Asks the OS for a free port on 127.0.0.1 that no other instance of this JVM holds. */
  static int freePort() {
    for (int i = 0; i < 100; i++) {
      try (ServerSocket s = new ServerSocket()) {
        s.setReuseAddress(false);
        s.bind(new InetSocketAddress(PushpinConfig.BIND, 0));
        int port = s.getLocalPort();
        if (RESERVED_PORTS.add(port)) {
          return port;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot get a free port on 127.0.0.1", e);
      }
    }
    throw new IllegalStateException("no free port found on 127.0.0.1 in 100 tries");
  }

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

  // ------------------------------------------------------------------ builder

  /**
   * Options of one instance. Give it a route, with {@link #origin(GripTestOrigin)},
   * {@link #origin(String)} or {@link #route(String)}, then {@link #start()} it. Not thread-safe;
   * {@link #start()} may be called more than once (each call starts a new instance).
   */
  public static final class Builder {
    private Path binary;
    private String origin;
    private boolean overHttp;
    private final List<String> rawRoutes = new ArrayList<>();
    private List<String> routes = List.of();
    private int messageRate = 0;
    private int messageHwm = 0;
    private int logLevel = 2;
    private final Map<String, String> overrides = new LinkedHashMap<>();
    private Duration readyTimeout = Duration.ofSeconds(20);
    private Duration stopTimeout = Duration.ofSeconds(10);
    private Path directory;
    private String name = "pushpin";
    private IntSupplier portSource = PushpinInstance::freePort;

    private Builder() {}

    /**
     * The pushpin binary. Default: system property {@code PUSHPIN_BIN}, else environment variable
     * {@code PUSHPIN_BIN}, else {@code /usr/bin/pushpin}, else {@code pushpin} on the PATH.
     */
    public Builder binary(Path binary) {
      this.binary = Objects.requireNonNull(binary, "binary");
      return this;
    }

    /** Routes everything ({@code *}) to {@code host:port}. Replaces an earlier origin. */
    public Builder origin(String hostPort) {
      if (hostPort == null || !hostPort.matches("[^:\\s,]+:[0-9]{1,5}")) {
        throw new IllegalArgumentException("origin must be HOST:PORT (e.g. 127.0.0.1:8080), got \"" + hostPort + "\"");
      }
      this.origin = hostPort;
      return this;
    }

    /** Routes everything ({@code *}) to the test origin. */
    public Builder origin(GripTestOrigin origin) {
      return origin(origin.hostPort());
    }

    /** Adds {@code over_http} (WebSocket-over-HTTP) to the {@link #origin} route. Default false. */
    public Builder overHttp(boolean overHttp) {
      this.overHttp = overHttp;
      return this;
    }

    /**
     * Adds a raw routes-file line, e.g. {@code "* 127.0.0.1:8080,over_http"} or
     * {@code "*,path_beg=/api 127.0.0.1:9000"}. Raw lines come before the {@link #origin} route.
     * Pushpin only warns about a bad line; {@link #start()} fails on it.
     */
    public Builder route(String line) {
      if (line == null || line.isBlank() || line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
        throw new IllegalArgumentException("a route must be one non-empty line, got \"" + line + "\"");
      }
      rawRoutes.add(line.strip());
      return this;
    }

    /** True once an origin or a route was given. */
    boolean hasRoutes() {
      return origin != null || !rawRoutes.isEmpty();
    }

    /**
     * {@code [handler] message_rate}: 0 (the default here) is unlimited. Pushpin's own default of
     * 2500 batches deliveries on a 25 ms tick.
     */
    public Builder messageRate(int messagesPerSecond) {
      if (messagesPerSecond < 0) {
        throw new IllegalArgumentException("message rate must be >= 0 (0 = unlimited), got " + messagesPerSecond);
      }
      this.messageRate = messagesPerSecond;
      return this;
    }

    /** {@code [handler] message_hwm}: 0 (the default here) is unlimited; Pushpin's own is 25000. */
    public Builder messageHwm(int messages) {
      if (messages < 0) {
        throw new IllegalArgumentException("message hwm must be >= 0 (0 = unlimited), got " + messages);
      }
      this.messageHwm = messages;
      return this;
    }

    /** Log level of every service: 0 errors ... 2 info (default) ... 3 debug. */
    public Builder logLevel(int level) {
      if (level < 0 || level > 5) {
        throw new IllegalArgumentException("log level must be 0..5 (2 = info, 3 = debug), got " + level);
      }
      this.logLevel = level;
      return this;
    }

    /**
     * Sets any pushpin.conf key: {@code set("handler.id_cache_ttl", "0")} replaces the key in
     * its section, or adds it (and the section).
     */
    public Builder set(String sectionDotKey, String value) {
      PushpinConfig.checkOverride(sectionDotKey, value);
      overrides.put(sectionDotKey, value);
      return this;
    }

    /** Bound on the whole readiness wait of one launch (default 20 s). */
    public Builder readyTimeout(Duration timeout) {
      this.readyTimeout = positive(timeout, "ready timeout");
      return this;
    }

    /** How long {@link PushpinInstance#stop()} waits after SIGTERM before SIGKILL (default 10 s). */
    public Builder stopTimeout(Duration timeout) {
      this.stopTimeout = positive(timeout, "stop timeout");
      return this;
    }

    /**
     * Parent dir of the instance dir. Default: {@code target/pushpin} if {@code ./target} exists
     * (Maven; kept for CI), else the temp dir (deleted on close).
     */
    public Builder directory(Path parent) {
      this.directory = Objects.requireNonNull(parent, "parent");
      return this;
    }

    /** Prefix of the instance dir's name, e.g. the test class (default {@code pushpin}). */
    public Builder name(String name) {
      if (name == null || !name.matches("[A-Za-z0-9._-]{1,60}")) {
        throw new IllegalArgumentException("name must be 1-60 of [A-Za-z0-9._-], got \"" + name + "\"");
      }
      this.name = name;
      return this;
    }

    /** Where ports come from (tests of the harness use it to hand out a taken port). */
    Builder portSource(IntSupplier source) {
      this.portSource = Objects.requireNonNull(source, "source");
      return this;
    }

    /**
     * Starts the instance and waits until it is ready (see {@link PushpinInstance}).
     *
     * @throws PushpinNotInstalledException if the pushpin binary is missing
     * @throws IllegalStateException if it did not become ready; the message has the log tails
     */
    public PushpinInstance start() {
      if (!hasRoutes()) {
        throw new IllegalStateException("no route: call origin(...) or route(...) before start()");
      }
      Path bin = resolveBinary(binary, System.getProperty("PUSHPIN_BIN"), System.getenv("PUSHPIN_BIN"));
      List<String> all = new ArrayList<>(rawRoutes);
      if (origin != null) {
        all.add("* " + origin + (overHttp ? ",over_http" : ""));
      }
      this.routes = all;
      PushpinInstance p;
      try {
        p = new PushpinInstance(this, bin);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create the instance dir", e);
      }
      try {
        p.readyOrigin = GripTestOrigin.start();
        p.start();
        return p;
      } catch (RuntimeException | Error e) {
        try {
          p.stop();
        } catch (RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
    }

    private static Duration positive(Duration d, String what) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive, got " + d);
      }
      return d;
    }
  }
}
