package io.gripcast.cli;

import io.gripcast.config.Endpoint;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gripcast url}: how gripcast reads the GRIP URL, secrets redacted. */
@Command(name = "url", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, sortOptions = false,
    description = {
      "Print the parsed GRIP URL (--spec, else GRIP_URL and GRIP_VERIFY_KEY, else the default):",
      "where publishes go, how they authenticate, and any warning. Secrets show as ***."
    })
final class UrlCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Spec CommandSpec spec;

  @Option(names = {"--spec", "--grip-url"}, paramLabel = "GRIP_URL",
      description = "GRIP URL to read (repeatable). Default: env GRIP_URL, else " + Targets.DEFAULT_SPEC + ".")
  List<String> specs = new ArrayList<>();

  @Option(names = "--json", description = "Print as JSON.")
  boolean json;

  @Mixin CommonOptions common;

  UrlCommand(CliContext ctx) {
    this.ctx = ctx;
    this.common = new CommonOptions(ctx);
  }

  @Override
  public Integer call() {
    List<String> warnings = new ArrayList<>();
    Targets.Prepared prepared = Targets.prepare(specs, null, ctx, warnings::add);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(CliJson.urls(prepared.endpoints()));
    } else {
      for (int i = 0; i < prepared.endpoints().size(); i++) {
        Endpoint e = prepared.endpoints().get(i);
        if (i > 0) {
          out.println();
        }
        out.println("GRIP URL:    " + e.redacted());
        out.println("from:        " + prepared.labels().get(i).replaceFirst(" .*", ""));
        out.println("publish URL: " + e.publishUri());
        out.println("auth:        " + Targets.describeAuth(e.auth()));
        out.println("verify-iss:  " + e.verifyIssuer().orElse("(none)"));
        out.println("verify-key:  " + (e.verifyKey().isPresent() ? "*** (set)" : "(none)"));
        for (String w : e.warnings()) {
          out.println("warning:     " + w);
        }
      }
    }
    out.flush();
    return ExitCodes.OK;
  }
}
