package io.gripcast.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a command line as a process (the packaged launcher, or pushpin-publish), bounded in time. */
final class Launcher {
  private Launcher() {}

  /** The packaged launcher, from failsafe's system property (the build's target/gripcast). */
  static Path gripcast() {
    String p = System.getProperty("gripcast.launcher", "target/gripcast");
    Path path = Path.of(p).toAbsolutePath();
    assertTrue(Files.isExecutable(path), path + " is missing or not executable: run `mvn package` first");
    return path;
  }

  /** What a process left behind. */
  record Run(int code, byte[] stdout, String err) {
    String out() {
      return new String(stdout, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout\n" + out() + "--- stderr\n" + err;
    }
  }

  static Run run(Map<String, String> env, Path workDir, List<String> command) {
    return run(env, workDir, command, null);
  }

  /**
   * The environment of cron, systemd units and many CI shells: {@code LC_ALL=C} and no other locale
   * variable, so the C library's charset is ASCII. Give it to {@link #run}: a null value unsets.
   */
  static Map<String, String> cLocale() {
    Map<String, String> env = new HashMap<>();
    for (String name : System.getenv().keySet()) {
      if (name.startsWith("LC_") || name.equals("LANG") || name.equals("LANGUAGE")) {
        env.put(name, null);
      }
    }
    env.put("LC_ALL", "C");
    return env;
  }

  /** {@link #cLocale()} plus {@code more}. */
  static Map<String, String> cLocale(Map<String, String> more) {
    Map<String, String> env = cLocale();
    env.putAll(more);
    return env;
  }

  /** Applies {@code env} to a process's environment: a null value unsets the variable. */
  static void apply(Map<String, String> env, ProcessBuilder pb) {
    env.forEach((k, v) -> {
      if (v == null) {
        pb.environment().remove(k);
      } else {
        pb.environment().put(k, v);
      }
    });
  }

  /** Runs {@code command} with {@code env} on top of this JVM's environment (a null value unsets). */
  static Run run(Map<String, String> env, Path workDir, List<String> command, byte[] stdin) {
    ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
    pb.environment().remove("GRIP_URL");
    pb.environment().remove("GRIP_VERIFY_KEY");
    apply(env, pb);
    try {
      Process p = pb.start();
      CompletableFuture<byte[]> out = drain(p.getInputStream());
      CompletableFuture<byte[]> err = drain(p.getErrorStream());
      try (var in = p.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin);
        }
      }
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("timed out after 60 s: " + command);
      }
      return new Run(p.exitValue(), out.join(), new String(err.join(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static Run gripcast(Map<String, String> env, Path workDir, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(gripcast().toString());
    cmd.addAll(List.of(args));
    return run(env, workDir, cmd);
  }

  private static CompletableFuture<byte[]> drain(InputStream in) {
    return CompletableFuture.supplyAsync(() -> {
      try (in) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        in.transferTo(b);
        return b.toByteArray();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }
}
