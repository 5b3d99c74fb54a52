package io.gripcast.cli;

import java.io.InputStream;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What a command may read from the outside world besides its arguments: the environment (GRIP_URL),
 * standard input (content {@code -}, {@code --ndjson -}) and the working directory (for
 * {@code @file}). Passed in rather than read from {@code System}, so tests can run every command
 * in-process with their own values.
 */
final class CliContext {
  private final Map<String, String> env;
  private final InputStream stdin;
  private final Path workDir;
  private volatile boolean verbose;

  CliContext(Map<String, String> env, InputStream stdin, Path workDir) {
    this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
    this.stdin = Objects.requireNonNull(stdin, "stdin");
    this.workDir = Objects.requireNonNull(workDir, "workDir");
  }

  /** The process's real environment, stdin and working directory. */
  static CliContext system() {
    return new CliContext(System.getenv(), System.in, Path.of("").toAbsolutePath());
  }

  /** An environment variable, or null when unset or empty. */
  String env(String name) {
    String v = env.get(name);
    return v == null || v.isEmpty() ? null : v;
  }

  /** The whole environment, for publisher-core's GripUrl.fromEnvironment. */
  Map<String, String> envMap() {
    return env;
  }

  InputStream stdin() {
    return stdin;
  }

  /**
   * Resolves a path given on the command line against the working directory.
   *
   * @throws CliException (65) when the JVM cannot encode the name: file names go to the OS in the
   *     locale's charset, which is ASCII when the JVM runs in the C locale
   */
  Path resolve(String path) {
    try {
      return workDir.resolve(path);
    } catch (InvalidPathException e) {
      String charset = System.getProperty("sun.jnu.encoding", "UTF-8");
      if (charset.equalsIgnoreCase("UTF-8")) {
        throw CliException.data("cannot use the file name " + path + ": " + e.getReason(), e);
      }
      throw CliException.data("cannot use the file name " + path + ": the JVM encodes file names in " + charset
          + " (the locale's charset), which cannot hold it; run gripcast through its launcher, which runs"
          + " Java in a UTF-8 locale, or set LC_ALL=C.UTF-8", e);
    }
  }

  boolean verbose() {
    return verbose;
  }

  void verbose(boolean on) {
    this.verbose = on;
  }
}
