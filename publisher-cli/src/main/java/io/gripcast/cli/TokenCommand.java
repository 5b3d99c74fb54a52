package io.gripcast.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code gripcast token}: a JWT for the configured GRIP URL. (Wired to the auth package once it lands.) */
@Command(name = "token", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "Print a JWT for the GRIP URL's iss and key, e.g. for curl -H \"Authorization: Bearer $(gripcast token)\".")
final class TokenCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Mixin CommonOptions common;

  TokenCommand(CliContext ctx) {
    this.ctx = ctx;
    this.common = new CommonOptions(ctx);
  }

  @Override
  public Integer call() {
    throw new CliException(ExitCodes.SOFTWARE, "not available yet: waiting for io.gripcast.auth");
  }
}
