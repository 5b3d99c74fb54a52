package io.gripcast.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The root {@code gripcast} command. It does nothing itself; it holds the subcommands.
 *
 * <p>Start-up matters here, so: the root and {@code publish} are declared in code rather than with
 * annotations (see {@link Opts}), and {@link #commandLine(CliContext, String[])} gives picocli only
 * the subcommand being run; help, completion and unknown commands get the full tree.
 */
final class GripcastCommand implements Callable<Integer> {

  /** The subcommands, in help order; each factory builds a fresh command (an object or a spec). */
  static final Map<String, Function<CliContext, Object>> SUBCOMMANDS = new LinkedHashMap<>();

  static {
    SUBCOMMANDS.put("publish", ctx -> new PublishCommand(ctx).spec);
    SUBCOMMANDS.put("listen", ListenCommand::new);
    SUBCOMMANDS.put("token", TokenCommand::new);
    SUBCOMMANDS.put("url", UrlCommand::new);
    SUBCOMMANDS.put("bench", ctx -> new BenchCommand(ctx::env));
    SUBCOMMANDS.put("relay", RelayCommand::new);
  }

  private CommandSpec spec;

  @Override
  public Integer call() {
    // `gripcast` alone: show what there is, and fail like any other usage error
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }

  /** The full command tree, with error handling and exit codes set up; used by tests and help. */
  static CommandLine commandLine(CliContext ctx) {
    return commandLine(ctx, new String[0]);
  }

  /**
   * The command tree for running {@code args}: only the named subcommand when the first argument
   * names one, the full tree otherwise.
   */
  static CommandLine commandLine(CliContext ctx, String[] args) {
    GripcastCommand command = new GripcastCommand();
    CommandSpec spec = CommandSpec.wrapWithoutInspection(command).name("gripcast");
    command.spec = spec;
    spec.usageMessage()
        .description(
            "Publish through GRIP proxies (Pushpin, Fastly Fanout), and subscribe for debugging.",
            "`gripcast publish` takes every flag of pushpin-publish with the same meaning.")
        .synopsisSubcommandLabel("COMMAND")
        .commandListHeading("%nCommands:%n")
        .footerHeading("%nEnvironment:%n")
        .footer(
            "  GRIP_URL   the proxy's control URI when no --spec is given, e.g.",
            "             http://localhost:5561 (Pushpin, the default) or",
            "             https://api.fastly.com/service/ID?key=TOKEN",
            "  JAVA_HOME, GRIPCAST_JAVA_OPTS, GRIPCAST_CDS (auto|off|rebuild): read by the launcher");
    Opts.standardHelp(spec);
    CommandLine root = new CommandLine(spec);
    String first = args.length > 0 ? args[0] : null;
    Function<CliContext, Object> only = first == null ? null : SUBCOMMANDS.get(first);
    if (only != null) {
      root.addSubcommand(first, only.apply(ctx));
    } else {
      SUBCOMMANDS.forEach((name, factory) -> root.addSubcommand(name, factory.apply(ctx)));
      CommandLine completion = new CommandLine(new AutoComplete.GenerateCompletion());
      completion.getCommandSpec().usageMessage().hidden(true);
      root.addSubcommand("generate-completion", completion);
      root.addSubcommand("__train", new TrainCommand(ctx));
    }
    // "@file" is pushpin-publish's content-from-file syntax, not picocli's argument files
    root.setExpandAtFiles(false);
    Errors.install(root, ctx);
    return root;
  }
}
