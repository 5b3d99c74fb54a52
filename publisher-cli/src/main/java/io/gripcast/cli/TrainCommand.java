package io.gripcast.cli;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Hidden: the training run for the class-data-sharing archive. The launcher runs it with
 * {@code -XX:ArchiveClassesAtExit} at build time (and on first run when the archive is missing or
 * stale), so the archive holds exactly the classes a real publish loads. It publishes through the
 * whole command line to an in-process HTTP server on a loopback ephemeral port (one item, a few
 * variants, and a short --ndjson run), then listens to a short stream from it. Nothing leaves the
 * machine.
 */
@Command(name = "__train", hidden = true, description = "Training run for the CDS archive (used by the launcher).")
final class TrainCommand implements Callable<Integer> {

  private final CliContext ctx;

  TrainCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      byte[] body = (exchange.getRequestURI().getPath().startsWith("/publish") ? "Published\n" : "stream open\n")
          .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "text/plain");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    try {
      String base = "http://127.0.0.1:" + server.getAddress().getPort();
      int failures = 0;
      Warmup.start(true); // as Main does for an https publish, so the archive holds OkHttp's client too
      failures += run("publish", "--spec", base, "train", "hello") == 0 ? 0 : 1;
      failures += run("publish", "--spec", base, "--id", "1", "-H", "X-A: 1", "-M", "k=v", "--no-eol", "train", "@/dev/null") == 0 ? 0 : 1;
      failures += run("publish", "--spec", base, "--close", "train") == 0 ? 0 : 1;
      failures += run("publish", "--dry-run", "--spec", base, "train", "hello") == 0 ? 0 : 1;
      // a bulk run: BufferedPublisher, the streaming item reader and Jackson's parser, which a
      // 100,000-line --ndjson otherwise loads and verifies from the jar before its first request
      String lines = "{\"channel\":\"train\",\"formats\":{\"http-stream\":{\"content\":\"a\\n\"},"
          + "\"ws-message\":{\"content\":\"a\"}}}\n"
          + "{\"channel\":\"train-2\",\"id\":\"t2\",\"meta\":{\"k\":\"v\"},\"formats\":{\"ws-message\":"
          + "{\"content\":\"b\"}}}\n";
      failures += runWithInput(lines, "publish", "--spec", base, "--ndjson", "-") == 0 ? 0 : 1;
      failures += run("listen", "--count", "1", base + "/stream") == 0 ? 0 : 1;
      return failures == 0 ? ExitCodes.OK : ExitCodes.SOFTWARE;
    } finally {
      server.stop(0);
    }
  }

  private int run(String... args) {
    return runWithInput("", args);
  }

  private int runWithInput(String stdin, String... args) {
    CliContext train = new CliContext(Map.of(), new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        ctx.resolve("."));
    CommandLine cl = GripcastCommand.commandLine(train, args);
    StringWriter sink = new StringWriter();
    cl.setOut(new PrintWriter(sink));
    cl.setErr(new PrintWriter(sink));
    int code = cl.execute(args);
    if (code != 0) {
      System.err.println("gripcast __train: '" + String.join(" ", args) + "' exited " + code + ": " + sink);
    }
    return code;
  }
}
