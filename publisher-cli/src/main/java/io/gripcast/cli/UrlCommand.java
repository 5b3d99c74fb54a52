package io.gripcast.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code gripcast url}: the parsed GRIP URL, secrets redacted. (Wired to GripUrl once it lands.) */
@Command(name = "url", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "Print the parsed GRIP URL (GRIP_URL or --spec) with secrets redacted.")
final class UrlCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Mixin CommonOptions common;

  UrlCommand(CliContext ctx) {
    this.ctx = ctx;
    this.common = new CommonOptions(ctx);
  }

  @Override
  public Integer call() {
    throw new CliException(ExitCodes.SOFTWARE, "not available yet: waiting for io.gripcast.config.GripUrl");
  }
}
