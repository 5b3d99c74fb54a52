package io.gripcast.cli;

import io.gripcast.auth.Auth;
import io.gripcast.config.Endpoint;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gripcast token}: a fresh JWT for a GRIP URL with {@code iss} and {@code key}, for tools
 * such as curl. Only a JWT: a bearer token or a password is the secret itself, and gripcast does
 * not print secrets.
 */
@Command(name = "token", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, sortOptions = false,
    description = {
      "Print a JWT (HS256, claims iss and exp) signed with the GRIP URL's key, e.g.",
      "  curl -H \"Authorization: Bearer $(gripcast token)\" -d @body.json https://.../publish/",
      "The GRIP URL must have iss and key (--spec, else GRIP_URL)."
    })
final class TokenCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Spec CommandSpec spec;

  @Option(names = {"--spec", "--grip-url"}, paramLabel = "GRIP_URL",
      description = "GRIP URL with iss and key. Default: env GRIP_URL.")
  String gripUrl;

  @Option(names = "--ttl", paramLabel = "DURATION", converter = Durations.class, defaultValue = "10m",
      description = "How long the token is valid (default: ${DEFAULT-VALUE}).")
  Duration ttl;

  @Mixin CommonOptions common;

  TokenCommand(CliContext ctx) {
    this.ctx = ctx;
    this.common = new CommonOptions(ctx);
  }

  @Override
  public Integer call() {
    if (gripUrl == null && ctx.env("GRIP_URL") == null) {
      throw CliException.config("no GRIP URL: set GRIP_URL or give --spec, with iss and key"
          + " (e.g. https://api.fanout.io/realm/R?iss=R&key=base64:KEY)", null);
    }
    if (ttl.compareTo(Duration.ofSeconds(1)) < 0) {
      throw CliException.usage("--ttl must be at least 1s, but was " + Durations.format(ttl));
    }
    List<String> warnings = new ArrayList<>();
    Targets.Prepared prepared = Targets.prepare(gripUrl == null ? List.of() : List.of(gripUrl), null, ctx, warnings::add);
    Endpoint e = prepared.endpoints().get(0);
    String label = prepared.labels().get(0);
    if (!(e.auth() instanceof Auth.Jwt)) {
      String why = e.auth() instanceof Auth.Bearer
          ? "its key without iss is a bearer token, which is sent as it is: use it directly"
          : e.auth() instanceof Auth.Basic
              ? "it uses Basic auth, which has no token"
              : "it has no iss and key, so there is nothing to sign (Pushpin itself needs no token)";
      throw CliException.config(label + " does not sign JWTs: " + why, null);
    }
    for (String w : warnings) {
      Errors.print(spec.commandLine(), "warning: " + w);
    }
    String token = ((Auth.Jwt) e.auth()).token(ttl);
    spec.commandLine().getOut().println(token);
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}
