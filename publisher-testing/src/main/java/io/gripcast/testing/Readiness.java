package io.gripcast.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Proves a launched instance ready, that is really answering, not just listening: the runner has
 * become pushpin, both ports accept and belong to this instance, every internal ipc socket has a
 * peer, the control port answers {@code Pushpin API}, and an item published on a private channel
 * reached a stream subscriber through the client port. Open ports alone are not enough: 25-30 % of
 * requests sent right after the ports opened failed (see docs/testing.md).
 *
 * <p>The round trip goes through a route {@code /_gripcast_ready/} to a private origin that this
 * class owns, so an instance is ready even before the test's own origin runs.
 */
final class Readiness implements AutoCloseable {

  /** Path prefix of the readiness route (path_rem strips it before the private origin). */
  static final String PREFIX = "/_gripcast_ready";

  private static final Duration IO_TIMEOUT = Duration.ofSeconds(5);

  private final InstanceDir files;
  private final PushpinLogs logs;
  private final Duration timeout;
  private final GripTestOrigin origin;

  /** Starts the private origin; {@code timeout} is only named in failure messages. */
  Readiness(InstanceDir files, Duration timeout) {
    this.files = files;
    this.logs = files.logs();
    this.timeout = timeout;
    this.origin = GripTestOrigin.start();
  }

  /** The routes-file line of the readiness route. */
  String route() {
    return "*,path_beg=" + PREFIX + "/,path_rem=" + PREFIX.length() + " " + origin.hostPort();
  }

  /**
   * Returns once the launch is ready, then fails it if the proxy rejected a route line.
   *
   * @throws FreePorts.PortTaken if a port is held by someone else: start again with new ports
   * @throws IllegalStateException if not ready by {@code deadline} ({@link System#nanoTime()}) or
   *     the runner exited; the message has the log tails
   */
  void await(PushpinProcess process, PushpinConfig.Ports ports, long deadline) {
    awaitExec(process, deadline);
    awaitPortsAndIpc(process, ports, deadline);
    awaitRoundTrip(process, ports, deadline);
    checkRoutes();
  }

  /** Stops the private origin. */
  @Override
  public void close() {
    origin.close();
  }

  /** Until the runner has exec'ed the binary, its PID is setsid's and its children are not there. */
  private void awaitExec(PushpinProcess process, long deadline) {
    Path binary = process.binary();
    String target;
    try {
      target = binary.toRealPath().toString();
    } catch (IOException e) {
      throw new PushpinNotInstalledException(binary, "vanished");
    }
    while (true) {
      if (!process.isAlive()) {
        throw runnerExited(process);
      }
      if (process.command().map(target::equals).orElse(false)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw logs.failure("process " + process.pid() + " did not turn into " + target + " within " + timeout
            + " (command: " + process.command().orElse("?") + ")");
      }
      Poll.sleep(5);
    }
  }

  private void awaitPortsAndIpc(PushpinProcess process, PushpinConfig.Ports ports, long deadline) {
    String pending = "client/control ports not accepting yet";
    while (true) {
      if (!process.isAlive()) {
        throw runnerExited(process);
      }
      if (RawHttp.accepts(PushpinConfig.BIND, ports.client(), IO_TIMEOUT)
          && RawHttp.accepts(PushpinConfig.BIND, ports.control(), IO_TIMEOUT)) {
        List<ProcessHandle> tree = process.tree();
        for (int port : List.of(ports.client(), ports.control())) {
          if (!ProcFs.holdsSocket(tree, ProcFs.listeningInodes(port))) {
            if (!process.isAlive()) {
              throw runnerExited(process);
            }
            throw new FreePorts.PortTaken("port " + port + " accepts connections but is not held by this instance");
          }
        }
        List<String> unlinked = unlinkedIpc();
        if (!unlinked.isEmpty()) {
          pending = "internal ipc sockets without a connected peer: " + unlinked;
        } else if (!controlSaysApi(ports)) {
          pending = "GET / on the control port did not answer \"Pushpin API\"";
        } else {
          return;
        }
      }
      if (System.nanoTime() > deadline) {
        throw logs.failure("pushpin not ready within " + timeout + " (client port " + ports.client()
            + ", control port " + ports.control() + "): " + pending);
      }
      Poll.sleep(20);
    }
  }

  /**
   * The ipc sockets in the rundir that nobody has connected to yet. Pushpin's processes talk over
   * ZeroMQ ipc sockets and a failed connect is retried only after libzmq's reconnect interval
   * (100 ms), so the TCP ports can accept while e.g. the handler is not yet attached to the proxy.
   * Every socket an instance binds gets a local peer, except the handler's stats PUB socket and,
   * with {@code zmqIpc}, its PULL and SUB sockets, which must only be bound.
   */
  private List<String> unlinkedIpc() {
    Path rundir = files.rundir();
    Set<String> connected = ProcFs.connectedUnixPaths(rundir.toString());
    List<String> out = new ArrayList<>();
    boolean accept = false;
    Set<String> present = new java.util.HashSet<>();
    for (Path socket : ProcFs.socketFiles(rundir)) {
      String name = socket.getFileName().toString();
      present.add(name);
      accept |= name.equals("pushpin-accept");
      // the stats PUB socket, and with zmqIpc the handler's PULL and SUB sockets: their peers are
      // the test's publishers, which connect later
      boolean external = name.equals("pushpin-stats") || (files.zmqIpc()
          && (name.equals(PushpinConfig.PUSH_IN_IPC) || name.equals(PushpinConfig.PUSH_IN_SUB_IPC)));
      if (!external && !connected.contains(socket.toString())) {
        out.add(name);
      }
    }
    if (!accept) {
      out.add("pushpin-accept (missing)");
    }
    if (files.zmqIpc()) {
      for (String name : List.of(PushpinConfig.PUSH_IN_IPC, PushpinConfig.PUSH_IN_SUB_IPC)) {
        if (!present.contains(name)) {
          out.add(name + " (not bound yet)");
        }
      }
    }
    return out;
  }

  private static boolean controlSaysApi(PushpinConfig.Ports ports) {
    try {
      RawHttp.Response r = RawHttp.exchange(PushpinConfig.BIND, ports.control(), "GET", "/", Map.of(),
          null, IO_TIMEOUT);
      return r.status() == 200 && r.bodyText().contains("Pushpin API");
    } catch (IOException e) {
      return false;
    }
  }

  /** Holds a stream on a private channel and publishes to it until an item arrives. */
  private void awaitRoundTrip(PushpinProcess process, PushpinConfig.Ports ports, long deadline) {
    String channel = "gripcast-ready-" + UUID.randomUUID();
    URI uri = URI.create("http://" + PushpinConfig.BIND + ":" + ports.client() + PREFIX + "/stream?channel=" + channel);
    String problem = "no attempt yet";
    StreamSubscriber sub = null;
    int published = 0;
    try {
      while (true) {
        if (!process.isAlive()) {
          throw runnerExited(process);
        }
        if (System.nanoTime() > deadline) {
          throw logs.failure("pushpin did not deliver a published item within " + timeout + ": " + problem);
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
            Poll.sleep(50);
            continue;
          }
          if (sub.status() != 200 || !sub.awaitContains("stream open\n", remaining(deadline))) {
            problem = "GET " + uri + " answered " + sub.status() + ": " + sub.body().strip();
            sub.close();
            sub = null;
            Poll.sleep(50);
            continue;
          }
        }
        published++;
        String json = "{\"items\":[{\"channel\":\"" + channel + "\",\"formats\":{\"http-stream\":"
            + "{\"content\":\"gripcast-ready " + published + "\\n\"}}}]}";
        try {
          PushpinInstance.PublishResponse r = PushpinInstance.publish(ports, json);
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
    for (String line : logs.read("pushpin-proxy.log").split("\n")) {
      if (line.contains("[WARN]") && line.matches(".*routes:[0-9]+:.*")) {
        bad.add(line);
      }
    }
    if (!bad.isEmpty()) {
      throw logs.failure("pushpin rejected route line(s) in " + files.routesFile() + ": " + String.join("; ", bad)
          + " (routes: " + files.routes() + ")");
    }
  }

  /** Why the runner ended during startup: a taken port means start again, anything else fails. */
  private RuntimeException runnerExited(PushpinProcess process) {
    int code = process.exitStatus();
    String all = logs.all().toLowerCase(Locale.ROOT);
    if (all.contains("unable to bind") || all.contains("address already in use")
        || all.contains("address in use")) {
      return new FreePorts.PortTaken("pushpin exited (status " + code + ") because a port was taken");
    }
    return logs.failure("pushpin (pid " + process.pid() + ") exited during startup with status " + code);
  }

  private static Duration remaining(long deadline) {
    return Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(1), deadline - System.nanoTime()));
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
