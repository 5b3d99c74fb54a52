package io.gripcast.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The directory of one instance and the config files in it: {@code pushpin.conf} (rendered by
 * {@link PushpinConfig}), {@code routes}, the ipc rundir {@code run/} and {@code log/}. Each launch
 * rewrites the files, since a retried start has new ports.
 */
final class InstanceDir {

  /** Room for an ipc socket path, below sun_path's 108 bytes. */
  private static final int MAX_IPC_PATH = 100;
  private static final String LONGEST_IPC_NAME = "pushpin-condure-out-stream";

  private final Path path;
  private final Path logDir;
  private final boolean deleteOnClose;
  private final PushpinLogs logs;
  private final List<String> routes;
  private final int logLevel;
  private final int messageRate;
  private final int messageHwm;
  private final Map<String, String> overrides;
  private final boolean zmqIpc;

  private Path rundir;
  private boolean rundirOutsideDir;

  private InstanceDir(Path path, boolean deleteOnClose, List<String> routes, int logLevel, int messageRate,
      int messageHwm, boolean zmqIpc, Map<String, String> overrides) {
    this.zmqIpc = zmqIpc;
    this.path = path;
    this.logDir = path.resolve("log");
    this.deleteOnClose = deleteOnClose;
    this.logs = new PushpinLogs(path, logDir);
    this.routes = List.copyOf(routes);
    this.logLevel = logLevel;
    this.messageRate = messageRate;
    this.messageHwm = messageHwm;
    this.overrides = Collections.unmodifiableMap(new LinkedHashMap<>(overrides));
  }

  /**
   * Creates a new {@code name-<random>} dir under {@code parent}; without a parent under
   * {@code target/pushpin} when {@code ./target} exists, else in the temp dir (deleted on close).
   */
  static InstanceDir create(Path parent, String name, List<String> routes, int logLevel, int messageRate,
      int messageHwm, boolean zmqIpc, Map<String, String> overrides) throws IOException {
    boolean deleteOnClose;
    if (parent != null) {
      deleteOnClose = false;
    } else if (Files.isDirectory(Path.of("target"))) {
      // under Maven: keep the logs next to the build output, where CI can collect them
      parent = Path.of("target", "pushpin");
      deleteOnClose = false;
    } else {
      parent = Path.of(System.getProperty("java.io.tmpdir"));
      deleteOnClose = true;
    }
    Files.createDirectories(parent);
    Path dir = Files.createTempDirectory(parent.toAbsolutePath().normalize(), name + "-");
    return new InstanceDir(dir, deleteOnClose, routes, logLevel, messageRate, messageHwm, zmqIpc, overrides);
  }

  Path path() {
    return path;
  }

  Path logDir() {
    return logDir;
  }

  PushpinLogs logs() {
    return logs;
  }

  /** Where the ipc sockets are: {@code run/}, or a short dir in /tmp if that path is too long. */
  Path rundir() {
    return rundir;
  }

  /** Whether the handler's PULL and SUB sockets are ipc:// files in the rundir. */
  boolean zmqIpc() {
    return zmqIpc;
  }

  Path conf() {
    return path.resolve("pushpin.conf");
  }

  Path routesFile() {
    return path.resolve("routes");
  }

  /** The routes given to the builder (without the readiness route). */
  List<String> routes() {
    return routes;
  }

  /**
   * Writes the files of one launch. The previous launch's logs move to {@code log.prev}, so this
   * launch's logs start empty and the earlier ones are kept; the rundir is emptied, so it holds
   * only this launch's sockets.
   */
  void write(PushpinConfig.Ports ports, String readinessRoute) throws IOException {
    if (Files.isDirectory(logDir)) {
      Path prev = path.resolve("log.prev");
      deleteTree(prev);
      Files.move(logDir, prev, StandardCopyOption.ATOMIC_MOVE);
    }
    Files.createDirectories(logDir);
    if (rundir == null) {
      Path inDir = path.resolve("run");
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
        messageRate, messageHwm, zmqIpc, overrides);
    Files.writeString(conf(), conf, StandardCharsets.UTF_8);
    List<String> lines = new ArrayList<>();
    // the readiness route first; path_beg routes win over "*" anyway
    lines.add(readinessRoute);
    lines.addAll(routes);
    Files.write(routesFile(), lines, StandardCharsets.UTF_8);
  }

  /**
   * Removes a rundir outside the instance dir, and the instance dir itself if it is in the temp
   * dir; one under {@code target/} or a given parent stays, for its logs.
   */
  void delete() {
    try {
      if (rundirOutsideDir) {
        deleteTree(rundir);
      }
      if (deleteOnClose) {
        deleteTree(path);
      }
    } catch (IOException ignored) {
      // leftovers in a temp dir are harmless
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (var walk = Files.walk(root)) {
      for (Path p : walk.sorted(Collections.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
