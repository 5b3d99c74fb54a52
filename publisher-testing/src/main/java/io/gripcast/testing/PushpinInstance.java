package io.gripcast.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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

  // A facade over one package-private class per concern, so each can be read and changed alone:
  // FreePorts (the ports), InstanceDir with PushpinConfig (the files), PushpinProcess (the process
  // tree), Readiness (proving it ready) and PushpinLogs (reading the logs). What stays here is the
  // order of one launch, the retry with new ports, and the public API.

  private static final int ATTEMPTS = 3;

  private final Path binary;
  private final int logLevel;
  private final Duration readyTimeout;
  private final Duration stopTimeout;
  private final IntSupplier portSource;
  private final InstanceDir files;
  private final PushpinLogs logs;

  private Readiness readiness;
  private PushpinConfig.Ports ports;
  private PushpinProcess process;
  private long readyMillis;
  private int attempts;
  private Thread shutdownHook;
  private boolean stopped;

  /** Status and body of a POST to the control port's {@code /publish/}. */
  public record PublishResponse(int status, String body) {}

  private PushpinInstance(Builder b, Path binary) throws IOException {
    this.binary = binary;
    this.logLevel = b.logLevel;
    this.readyTimeout = b.readyTimeout;
    this.stopTimeout = b.stopTimeout;
    this.portSource = b.portSource;
    this.files = InstanceDir.create(b.directory, b.name, b.routes, b.logLevel, b.messageRate, b.messageHwm,
        b.zmqIpc, b.overrides);
    this.logs = files.logs();
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
    return gripUrl(ports);
  }

  /** {@code http://127.0.0.1:PORT/publish/}. */
  public URI publishUrl() {
    return URI.create(gripUrl() + "/publish/");
  }

  /** The control (publish) port. */
  public int controlPort() {
    return ports.control();
  }

  /**
   * The handler's {@code push_in_spec}: a ZeroMQ PULL socket that takes one item per message from
   * a PUSH socket (what {@code pushpin-publish --spec ...} sends to). {@code tcp://127.0.0.1:PORT},
   * or with {@link Builder#zmqIpc(boolean)} {@code ipc://RUNDIR/pushpin-push-in} (a Unix socket).
   */
  public String zmqPushSpec() {
    return files.zmqIpc() ? PushpinConfig.ipcSpec(files.rundir().toAbsolutePath().toString(), PushpinConfig.PUSH_IN_IPC)
        : PushpinConfig.tcpSpec(ports.zmqPush());
  }

  /**
   * The handler's {@code push_in_sub_specs}: a ZeroMQ SUB socket (bound) that takes
   * {@code [channel, item]} messages from a PUB socket. {@code tcp://127.0.0.1:PORT}, or with
   * {@link Builder#zmqIpc(boolean)} {@code ipc://RUNDIR/pushpin-push-in-sub}.
   */
  public String zmqSubSpec() {
    return files.zmqIpc() ? PushpinConfig.ipcSpec(files.rundir().toAbsolutePath().toString(), PushpinConfig.PUSH_IN_SUB_IPC)
        : PushpinConfig.tcpSpec(ports.zmqSub());
  }

  /** {@code tcp://127.0.0.1:PORT} of the handler's {@code command_spec}: a ZeroMQ REP socket (zrpc). */
  public String zmqCommandSpec() {
    return PushpinConfig.tcpSpec(ports.zmqCommand());
  }

  /** The instance dir: pushpin.conf, routes, log/ (and run/ unless the path was too long). */
  public Path directory() {
    return files.path();
  }

  /** Where the runner and each service write their logs. */
  public Path logDir() {
    return files.logDir();
  }

  /** The PID of the pushpin runner (the session leader of the instance). */
  public long runnerPid() {
    return process.pid();
  }

  /** The PID of the {@code pushpin-handler} process (it serves the control port and publishes). */
  public long handlerPid() {
    return process.handler().pid();
  }

  /** The runner and its children (condure, zurl, pushpin-proxy, pushpin-handler) seen at start. */
  public List<ProcessHandle> processes() {
    return process.processes();
  }

  /** How many launches the start needed (more than 1 only if a port was taken meanwhile). */
  public int attempts() {
    return attempts;
  }

  /** True until {@link #stop()}, if the runner is still alive. */
  public boolean isRunning() {
    synchronized (this) {
      return !stopped && process.isAlive();
    }
  }

  /** The handler's log ({@code log/pushpin-handler.log}) as text, for debugging and assertions. */
  public String handlerLog() {
    return logs.read("pushpin-handler.log");
  }

  /** The last lines of every log of this instance, for failure messages. */
  public String logTails() {
    return logs.tails();
  }

  // ------------------------------------------------------------------ actions

  /**
   * Freezes the handler with SIGSTOP: the control port then accepts connections but answers
   * nothing, and nothing is delivered, until {@link #resume()}. Returns once the kernel reports the
   * process stopped.
   */
  public synchronized void pause() {
    requireRunning();
    process.pauseHandler();
  }

  /** Lets a paused handler run again (SIGCONT). */
  public synchronized void resume() {
    requireRunning();
    process.resumeHandler();
  }

  /** True between {@link #pause()} and {@link #resume()}. */
  public synchronized boolean isPaused() {
    return process.isPaused();
  }

  /**
   * Stops the whole process tree (as {@link #stop()} does, but keeping the ports and the instance
   * dir), runs {@code whileStopped}, then starts Pushpin again on the same ports and returns once it
   * is ready: a proxy restart, as in production (subscribers are disconnected, the id cache and
   * sequencing state are gone).
   *
   * @throws IllegalStateException if it is not ready again within the ready timeout
   */
  public synchronized void restart(Runnable whileStopped) {
    requireRunning();
    stopProcess();
    try {
      whileStopped.run();
    } finally {
      long t0 = System.nanoTime();
      process = PushpinProcess.launch(binary, files);
      readiness.await(process, ports, t0 + readyTimeout.toNanos());
      readyMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      if (!process.adoptChildren()) {
        throw logs.failure("pushpin is ready again but no pushpin-handler process is among its children "
            + process.children());
      }
    }
  }

  /**
   * POSTs a raw JSON body to {@code /publish/} with a fixed {@code Content-Length}, on a new
   * connection; a plain helper for tests that need no publisher.
   *
   * @throws UncheckedIOException if the control port does not answer within 5 s
   */
  public PublishResponse publish(String json) {
    Objects.requireNonNull(json, "json");
    return publish(ports, json);
  }

  /** The request of {@link #publish(String)}; readiness's round trip publishes with it too. */
  static PublishResponse publish(PushpinConfig.Ports ports, String json) {
    try {
      RawHttp.Response r = RawHttp.exchange(PushpinConfig.BIND, ports.control(), "POST", "/publish/",
          Map.of("Content-Type", "application/json"), json.getBytes(StandardCharsets.UTF_8),
          Duration.ofSeconds(5));
      return new PublishResponse(r.status(), r.bodyText());
    } catch (IOException e) {
      throw new UncheckedIOException("publish to " + gripUrl(ports) + "/publish/ failed: " + e.getMessage(), e);
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
    return logs.awaitSubscribed(channel, timeout);
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
      stopProcess();
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
        + ", pid=" + (process == null ? "?" : process.pid())
        + ", readyMs=" + readyMillis + ", dir=" + files.path() + "}";
  }

  // ------------------------------------------------------------------ start

  private void start() {
    readiness = new Readiness(files, readyTimeout);
    List<String> problems = new ArrayList<>();
    for (attempts = 1; ; attempts++) {
      try {
        launchOnce();
        return;
      } catch (FreePorts.PortTaken e) {
        problems.add("attempt " + attempts + ": " + e.getMessage());
        stopProcess();
        FreePorts.release(ports);
        if (attempts == ATTEMPTS) {
          throw new IllegalStateException("pushpin could not get free ports in " + ATTEMPTS
              + " attempts (other processes took them): " + String.join("; ", problems)
              + "\n" + logTails());
        }
      }
    }
  }

  private void launchOnce() {
    ports = FreePorts.take(portSource);
    try {
      files.write(ports, readiness.route());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the instance files in " + files.path(), e);
    }
    long t0 = System.nanoTime();
    long deadline = t0 + readyTimeout.toNanos();
    process = PushpinProcess.launch(binary, files);
    if (shutdownHook == null) {
      // an instance a test never closed must not outlive the JVM
      shutdownHook = new Thread(this::stopQuietly, "gripcast-pushpin-shutdown-" + process.pid());
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    }
    readiness.await(process, ports, deadline);
    readyMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    if (!process.adoptChildren()) {
      throw logs.failure("pushpin is ready but no pushpin-handler process is among its children "
          + process.children());
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

  private void stopProcess() {
    if (process != null) {
      process.stop(stopTimeout);
    }
  }

  private void releaseResources() {
    FreePorts.release(ports);
    if (readiness != null) {
      readiness.close();
    }
    if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException ignored) {
        // the JVM is already shutting down
      }
    }
    files.delete();
  }

  // ------------------------------------------------------------------ helpers

  private void requireRunning() {
    if (stopped || !process.isAlive()) {
      throw new IllegalStateException("pushpin instance is not running: " + this);
    }
  }

  private static String gripUrl(PushpinConfig.Ports ports) {
    return "http://" + PushpinConfig.BIND + ":" + ports.control();
  }

  private static String checkPath(String pathAndQuery) {
    if (pathAndQuery == null || !pathAndQuery.startsWith("/")) {
      throw new IllegalArgumentException("path must start with '/', got " + pathAndQuery);
    }
    return pathAndQuery;
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
    private boolean zmqIpc;
    private int logLevel = 2;
    private final Map<String, String> overrides = new LinkedHashMap<>();
    private Duration readyTimeout = Duration.ofSeconds(20);
    private Duration stopTimeout = Duration.ofSeconds(10);
    private Path directory;
    private String name = "pushpin";
    private IntSupplier portSource = FreePorts::reserve;

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

    /**
     * Binds the handler's ZeroMQ PULL ({@code push_in_spec}) and SUB ({@code push_in_sub_specs})
     * sockets as {@code ipc://} Unix sockets in the instance's rundir instead of on TCP ports, as
     * Pushpin installs that use {@code ipc://} do; {@link PushpinInstance#zmqPushSpec()} and
     * {@link PushpinInstance#zmqSubSpec()} then give those specs. Default false. Readiness then
     * waits for both socket files to be bound, not for a peer (the test's publisher is the peer).
     */
    public Builder zmqIpc(boolean ipc) {
      this.zmqIpc = ipc;
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
     * {@link #start()} for a test that manages its own instance: when the pushpin binary is
     * missing, the calling test is skipped (a JUnit assumption), or fails when {@code CI=true}, the
     * rule {@link PushpinExtension} applies, so CI can never pass without having run it.
     *
     * @throws IllegalStateException if Pushpin is missing and CI=true, or did not become ready
     */
    public PushpinInstance startOrSkip() {
      try {
        return start();
      } catch (PushpinNotInstalledException e) {
        throw PushpinExtension.unavailable(e, System.getenv());
      }
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
      Path bin = PushpinProcess.resolveBinary(binary, System.getProperty("PUSHPIN_BIN"), System.getenv("PUSHPIN_BIN"));
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
