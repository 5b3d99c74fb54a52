package io.gripcast.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** The {@code gripcast} entry point: runs one command and exits with its code. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    String[] utf8;
    try {
      utf8 = Argv.utf8(args);
    } catch (CliException e) {
      // before picocli, which would otherwise print the message: same one-line form as Errors
      PrintWriter err = utf8(FileDescriptor.err);
      err.println(prefix(args) + ": " + Errors.oneLine(e.getMessage()));
      err.flush();
      System.exit(e.exitCode());
      return;
    }
    System.exit(run(utf8, CliContext.system()));
  }

  /** "gripcast publish" when the first argument names a command, else "gripcast". */
  static String prefix(String[] args) {
    return args.length > 0 && args[0].matches("[a-z][a-z-]*") ? "gripcast " + args[0] : "gripcast";
  }

  /** Runs {@code args} with the real stdout and stderr, always as UTF-8 whatever the locale says. */
  static int run(String[] args, CliContext ctx) {
    if (args.length > 0 && args[0].equals("publish")) {
      Warmup.start(Warmup.mayNeedTls(args, ctx.env("GRIP_URL")));
    }
    PrintWriter out = utf8(FileDescriptor.out);
    PrintWriter err = utf8(FileDescriptor.err);
    try {
      CommandLine cl = GripcastCommand.commandLine(ctx, args);
      cl.setOut(out);
      cl.setErr(err);
      return cl.execute(args);
    } finally {
      out.flush();
      err.flush();
    }
  }

  private static PrintWriter utf8(FileDescriptor fd) {
    return new PrintWriter(new OutputStreamWriter(new FileOutputStream(fd), StandardCharsets.UTF_8), false);
  }
}
