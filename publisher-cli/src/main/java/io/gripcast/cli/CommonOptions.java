package io.gripcast.cli;

import picocli.CommandLine.Option;

/**
 * Options every command takes. A mixin rather than an inherited option, so each command's help
 * lists it and so the flag lands in the shared {@link CliContext}, where the error handler reads it.
 */
final class CommonOptions {
  private final CliContext ctx;

  CommonOptions(CliContext ctx) {
    this.ctx = ctx;
  }

  @Option(
      names = {"-v", "--verbose"},
      description = "Print progress and per-attempt details on stderr, and a stack trace with errors.")
  void verbose(boolean on) {
    ctx.verbose(on);
  }
}
