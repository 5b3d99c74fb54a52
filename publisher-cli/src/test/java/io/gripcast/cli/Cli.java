package io.gripcast.cli;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine;

/** Runs gripcast in-process through picocli's {@code CommandLine.execute}, capturing everything. */
final class Cli {
  private final Map<String, String> env = new HashMap<>();
  private byte[] stdin = new byte[0];
  private InputStream stdinStream;
  private Path workDir = Path.of("").toAbsolutePath();

  static Cli cli() {
    return new Cli();
  }

  Cli env(String name, String value) {
    env.put(name, value);
    return this;
  }

  Cli stdin(String text) {
    stdin = text.getBytes(StandardCharsets.UTF_8);
    return this;
  }

  Cli stdin(byte[] bytes) {
    stdin = bytes.clone();
    return this;
  }

  /** A live stdin, e.g. a pipe a test writes to while the command runs. */
  Cli stdin(InputStream in) {
    stdinStream = in;
    return this;
  }

  Cli workDir(Path dir) {
    workDir = dir;
    return this;
  }

  Result run(String... args) {
    CliContext ctx = new CliContext(env, stdinStream != null ? stdinStream : new ByteArrayInputStream(stdin), workDir);
    CommandLine cl = GripcastCommand.commandLine(ctx, args);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  /** What a run left behind. */
  record Result(int code, String out, String err) {
    /** The stderr lines, for one-line assertions. */
    String[] errLines() {
      return err.isEmpty() ? new String[0] : err.split("\n");
    }

    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }
}
