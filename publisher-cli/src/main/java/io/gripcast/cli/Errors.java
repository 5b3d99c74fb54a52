package io.gripcast.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Turns every failure into one line on stderr and an exit code: {@code gripcast <command>: <problem>;
 * <fix>}. No stack trace unless {@code --verbose}. Messages come from {@link CliException}s built by
 * the commands from redacted values, from picocli (arguments as typed), or from publisher-core,
 * whose messages carry no secrets.
 */
final class Errors {
  private Errors() {}

  static void install(CommandLine root, CliContext ctx) {
    Map<String, String> exitCodes = new LinkedHashMap<>();
    for (String line : ExitCodes.HELP) {
      int colon = line.indexOf(':');
      exitCodes.put(line.substring(0, colon), line.substring(colon + 1));
    }
    apply(root, exitCodes);
    root.setParameterExceptionHandler(new UsageHandler());
    root.setExecutionExceptionHandler(new FailureHandler(ctx));
  }

  private static void apply(CommandLine cl, Map<String, String> exitCodes) {
    cl.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(exitCodes);
    cl.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.USAGE);
    cl.getCommandSpec().exitCodeOnExecutionException(ExitCodes.SOFTWARE);
    for (CommandLine sub : cl.getSubcommands().values()) {
      if (!"generate-completion".equals(sub.getCommandName())) {
        apply(sub, exitCodes);
      }
    }
  }

  /** The name to prefix messages with: {@code gripcast publish}. */
  static String prefix(CommandLine cl) {
    return cl.getCommandSpec().qualifiedName();
  }

  /** Prints one error line. */
  static void print(CommandLine cl, String message) {
    PrintWriter err = cl.getErr();
    err.println(prefix(cl) + ": " + oneLine(message));
    err.flush();
  }

  /** Folds a message onto one line, so every error is exactly one line of stderr. */
  static String oneLine(String message) {
    if (message == null || message.isBlank()) {
      return "failed (no detail; run again with --verbose)";
    }
    return message.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
  }

  /** Bad flags and arguments: exit 64 with a pointer to --help. */
  private static final class UsageHandler implements IParameterExceptionHandler {
    @Override
    public int handleParseException(ParameterException ex, String[] args) {
      CommandLine cl = ex.getCommandLine();
      StringBuilder msg = new StringBuilder(oneLine(ex.getMessage()));
      if (ex instanceof UnmatchedArgumentException) {
        var suggestions = ((UnmatchedArgumentException) ex).getSuggestions();
        if (!suggestions.isEmpty()) {
          msg.append(" (did you mean ").append(String.join(" or ", suggestions)).append("?)");
        }
      }
      msg.append("; see '").append(prefix(cl)).append(" --help'");
      print(cl, msg.toString());
      return ExitCodes.USAGE;
    }
  }

  /** Failures while running a command. */
  private static final class FailureHandler implements IExecutionExceptionHandler {
    private final CliContext ctx;

    FailureHandler(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parseResult) {
      int code;
      String message;
      if (ex instanceof CliException) {
        code = ((CliException) ex).exitCode();
        message = ex.getMessage();
      } else {
        code = ExitCodes.SOFTWARE;
        message = "internal error: " + ex.getClass().getSimpleName() + ": " + oneLine(ex.getMessage())
            + (ctx.verbose() ? "" : "; run again with --verbose for the stack trace")
            + ", and please report it";
      }
      print(cl, message);
      if (ctx.verbose()) {
        Throwable shown = ex instanceof CliException && ex.getCause() != null ? ex.getCause() : ex;
        shown.printStackTrace(cl.getErr());
        cl.getErr().flush();
      }
      return code;
    }
  }
}
