package io.gripcast.cli;

import java.io.InputStream;
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

  /** Resolves a path given on the command line against the working directory. */
  Path resolve(String path) {
    return workDir.resolve(path);
  }

  boolean verbose() {
    return verbose;
  }

  void verbose(boolean on) {
    this.verbose = on;
  }
}
