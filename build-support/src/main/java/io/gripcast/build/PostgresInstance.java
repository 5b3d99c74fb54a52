package io.gripcast.build;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real PostgreSQL server for tests (the recipe of the project's real-components notes): a fresh
 * cluster made by {@code initdb} in a temp dir, started by {@code pg_ctl -w} on 127.0.0.1 and a free
 * port, with its Unix socket in the same temp dir; {@link #close()} stops it ({@code -m fast}) and
 * deletes the dir.
 *
 * <p>{@code initdb} and {@code postgres} refuse to run as root; as root (CI) every server command
 * runs as the {@code postgres} user through {@code runuser}. The superuser is {@link #USER}, with
 * trust auth on loopback: no password exists to leak.
 *
 * <p>PostgreSQL missing: with {@code CI=true} {@link #start()} throws (CI must not pass by
 * skipping); otherwise the test is aborted (skipped) with the reason.
 *
 * <p>In build-support (not published) rather than in one module's test sources, so that
 * publisher-relay's tests and publisher-cli's {@code gripcast relay --source outbox} tests share it.
 */
public final class PostgresInstance implements AutoCloseable {

  public static final String USER = "gripcast";
  private static final long COMMAND_TIMEOUT_SECONDS = 60;

  private final Path binDir;
  private final Path dir;
  private final int port;
  private final boolean asPostgresUser;
  private boolean stopped;

  private PostgresInstance(Path binDir, Path dir, int port, boolean asPostgresUser) {
    this.binDir = binDir;
    this.dir = dir;
    this.port = port;
    this.asPostgresUser = asPostgresUser;
  }

  /** Makes a cluster and starts it; ready for connections when this returns. */
  public static PostgresInstance start() {
    Path bin = binDir();
    boolean root = "root".equals(System.getProperty("user.name"));
    Path dir;
    try {
      dir = Files.createTempDirectory("gripcast-pg-");
      if (root) {
        run(List.of("chown", "postgres", dir.toString()), dir.resolve("chown.out"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not make the PostgreSQL temp dir: " + e.getMessage(), e);
    }
    PostgresInstance pg = null;
    try {
      List<String> initdb = List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(),
          "-A", "trust", "-U", USER, "-E", "UTF8", "--locale=C", "--no-sync");
      runChecked(root, initdb, dir.resolve("initdb.out"), "initdb");
      // a free port can be taken between the probe and the bind: try a few
      IllegalStateException last = null;
      for (int attempt = 0; attempt < 3; attempt++) {
        int port = freePort();
        pg = new PostgresInstance(bin, dir, port, root);
        try {
          pg.pgCtlStart();
          return pg;
        } catch (IllegalStateException e) {
          last = e;
        }
      }
      throw last;
    } catch (RuntimeException e) {
      if (pg != null) {
        pg.close();
      } else {
        deleteTree(dir);
      }
      throw e;
    }
  }

  /** {@code jdbc:postgresql://127.0.0.1:PORT/postgres}. */
  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  public int port() {
    return port;
  }

  public Path directory() {
    return dir;
  }

  /** A new connection as {@link #USER}; the caller closes it. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl(), USER, "");
  }

  /** The server log so far (for assertion messages). */
  public String log() {
    try {
      return Files.readString(dir.resolve("log"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no server log: " + e.getMessage() + ")";
    }
  }

  private void pgCtlStart() {
    String opts = "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c max_connections=50";
    runChecked(asPostgresUser, List.of(binDir.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(),
        "-l", dir.resolve("log").toString(), "-w", "-t", "60", "-o", opts, "start"),
        dir.resolve("pg_ctl-start.out"), "pg_ctl start (server log: " + dir.resolve("log") + ")");
  }

  /** Stops the server ({@code pg_ctl stop -m fast}, then SIGKILL if it lingers) and deletes the dir. */
  @Override
  public synchronized void close() {
    if (stopped) {
      return;
    }
    stopped = true;
    try {
      Path pidFile = dir.resolve("data/postmaster.pid");
      long pid = -1;
      if (Files.exists(pidFile)) {
        pid = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
      }
      try {
        runChecked(asPostgresUser, List.of(binDir.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(),
            "-m", "fast", "-w", "-t", "30", "stop"), dir.resolve("pg_ctl-stop.out"), "pg_ctl stop");
      } catch (RuntimeException e) {
        // fall through to the kill below
      }
      if (pid > 0) {
        ProcessHandle.of(pid).ifPresent(p -> {
          p.destroyForcibly();
          p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> null).join();
        });
      }
    } catch (IOException | RuntimeException e) {
      // best effort: the dir is still removed
    } finally {
      deleteTree(dir);
    }
  }

  @Override
  public String toString() {
    return "PostgresInstance[" + jdbcUrl() + ", dir=" + dir + "]";
  }

  // ------------------------------------------------------------------ helpers

  /**
   * The server's bin dir: {@code PG_BIN} (property or environment), else the newest
   * {@code /usr/lib/postgresql/N/bin}, else {@code pg_config --bindir}.
   */
  public static Path binDir() {
    String configured = System.getProperty("PG_BIN", System.getenv("PG_BIN"));
    if (configured != null && !configured.isBlank()) {
      Path p = Path.of(configured);
      if (Files.isExecutable(p.resolve("initdb"))) {
        return p;
      }
      return missing("PG_BIN=" + configured + " has no executable initdb");
    }
    Path debian = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(debian)) {
      try (Stream<Path> versions = Files.list(debian)) {
        Path found = versions.map(v -> v.resolve("bin"))
            .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
            .max(Comparator.comparing(b -> versionOf(b.getParent().getFileName().toString())))
            .orElse(null);
        if (found != null) {
          return found;
        }
      } catch (IOException e) {
        // try pg_config
      }
    }
    try {
      Process p = new ProcessBuilder("pg_config", "--bindir").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 && Files.isExecutable(Path.of(out, "initdb"))) {
        return Path.of(out);
      }
    } catch (IOException e) {
      // not installed
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return missing("no PostgreSQL server found (looked at PG_BIN, /usr/lib/postgresql/*/bin, pg_config --bindir); "
        + "install it with `apt-get install -y postgresql`");
  }

  private static Integer versionOf(String dirName) {
    try {
      return Integer.parseInt(dirName);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static Path missing(String why) {
    if ("true".equalsIgnoreCase(System.getenv().getOrDefault("CI", ""))) {
      throw new IllegalStateException("CI=true and PostgreSQL is missing, so PostgreSQL tests fail instead of "
          + "skipping: " + why);
    }
    Assumptions.abort("skipped: " + why + " (with CI=true this fails instead)");
    throw new AssertionError("unreachable");
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on 127.0.0.1", e);
    }
  }

  private static void runChecked(boolean asPostgresUser, List<String> command, Path output, String what) {
    List<String> full = new ArrayList<>();
    if (asPostgresUser) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(command);
    int code = run(full, output);
    if (code != 0) {
      String out;
      try {
        out = Files.readString(output, StandardCharsets.UTF_8);
      } catch (IOException e) {
        out = "(no output)";
      }
      throw new IllegalStateException(what + " failed with exit code " + code + ": " + out.strip());
    }
  }

  private static int run(List<String> command, Path output) {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(output.toFile());
    Map<String, String> env = pb.environment();
    env.put("LC_ALL", "C");
    try {
      Process p = pb.start();
      if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not end within "
            + COMMAND_TIMEOUT_SECONDS + " s");
      }
      return p.exitValue();
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + command.get(0) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command.get(0), e);
    }
  }

  private static void deleteTree(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> all = Files.walk(root)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          // left behind in the temp dir
        }
      });
    } catch (IOException e) {
      // left behind in the temp dir
    }
  }
}
