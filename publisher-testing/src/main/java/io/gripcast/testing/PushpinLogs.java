package io.gripcast.testing;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the log dir of an instance ({@code runner.log} and one log per service). The runner and
 * the services write these files; the harness only reads them: Pushpin announces some events
 * (a subscription, a rejected route, a bind failure) nowhere else, and their tails are what makes
 * a failed start understandable.
 */
final class PushpinLogs {

  private static final int TAIL_LINES = 25;

  private final Path instanceDir;
  private final Path dir;

  PushpinLogs(Path instanceDir, Path dir) {
    this.instanceDir = instanceDir;
    this.dir = dir;
  }

  Path dir() {
    return dir;
  }

  /** One log as text, or "" if it is not written yet. */
  String read(String name) {
    try {
      return Files.readString(dir.resolve(name), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** Every log, one after the other. */
  String all() {
    StringBuilder sb = new StringBuilder();
    for (Path f : files()) {
      try {
        sb.append(Files.readString(f, StandardCharsets.UTF_8)).append('\n');
      } catch (IOException ignored) {
        // gone
      }
    }
    return sb.toString();
  }

  /** The last lines of every log, each under a {@code ----- tail FILE -----} header. */
  String tails() {
    StringBuilder sb = new StringBuilder();
    for (Path f : files()) {
      List<String> lines;
      try {
        lines = Files.readAllLines(f, StandardCharsets.UTF_8);
      } catch (IOException | UncheckedIOException e) {
        continue;
      }
      sb.append("----- tail ").append(f).append(" -----\n");
      lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size())
          .forEach(l -> sb.append(l).append('\n'));
    }
    return sb.toString();
  }

  /**
   * A start failure: {@code what}, where the instance lives and the log tails, because the reason
   * is usually only in a service's log.
   */
  IllegalStateException failure(String what) {
    return new IllegalStateException(what + "; instance dir " + instanceDir + "\n" + tails());
  }

  /**
   * Tails {@code pushpin-handler.log} until a {@code subscribe ... channel=C} line appears; false
   * after {@code timeout}. Reads only what was appended since the last look, since a busy
   * handler's log grows quickly.
   */
  boolean awaitSubscribed(String channel, Duration timeout) {
    String suffix = " channel=" + channel;
    Path log = dir.resolve("pushpin-handler.log");
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
      Poll.sleep(10);
    }
  }

  private List<Path> files() {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
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
}
