package io.gripcast.cli;

import io.gripcast.Outcome;
import io.gripcast.Publisher;
import io.gripcast.RetryPolicy;
import io.gripcast.cli.bench.LatencyHistogram;
import io.gripcast.cli.bench.Payloads;
import io.gripcast.cli.bench.PublishLoop;
import io.gripcast.cli.bench.Report;
import io.gripcast.cli.bench.Subscribers;
import io.gripcast.config.GripConfigException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gripcast bench}: publishes many items to a GRIP proxy and reports what it sustained.
 *
 * <p>Self-contained on purpose (its own options, output and exit codes), so it can be registered
 * under the {@code gripcast} root command as is, or run alone through {@link #main}.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Publish N items to a GRIP proxy as fast as it takes them, and report throughput (items/s, requests/s), "
          + "publish-call latency percentiles and errors. With --subscribe, also count what subscribers received "
          + "and the publish-to-receipt latency.",
      "",
      "For Pushpin, start it with message_rate=0: the default rate limit delays and drops items under load. "
          + "Progress goes to stderr, the report to stdout."
    },
    exitCodeOnInvalidInput = BenchCommand.USAGE,
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      " 0:every publish call succeeded",
      "64:usage error",
      "69:some calls failed: proxy unavailable (connection, timeout, 5xx, 429), or a subscriber failed",
      "76:some calls were rejected by the proxy (4xx)",
      "77:authentication refused (401, 403)",
      "78:configuration error (bad GRIP URL)"
    })
public final class BenchCommand implements Callable<Integer> {

  static final int OK = 0;
  static final int USAGE = 64;
  static final int UNAVAILABLE = 69;
  static final int REJECTED = 76;
  static final int AUTH = 77;
  static final int CONFIG = 78;

  static final String DEFAULT_GRIP_URL = "http://localhost:5561";

  @Spec CommandSpec spec;

  /** Environment lookup: a variable's value, or null when unset. */
  private final Function<String, String> env;

  @Option(names = {"--grip-url", "--spec"}, paramLabel = "URL",
      description = "GRIP URL of the proxy's control endpoint; repeat to publish to several"
          + " (default: env GRIP_URL, else " + DEFAULT_GRIP_URL + ")")
  List<String> gripUrls = new ArrayList<>();

  @Option(names = "--items", paramLabel = "N", defaultValue = "10000",
      description = "items to publish (default: ${DEFAULT-VALUE}); ignored with --duration")
  long items;

  @Option(names = "--duration", paramLabel = "TIME", converter = Durations.class,
      description = "publish for this long instead of a number of items, e.g. 10s")
  Duration duration;

  @Option(names = "--warmup", paramLabel = "TIME", defaultValue = "0s", converter = Durations.class,
      description = "publish this long first without counting it, so the JVM is warmed up (default: ${DEFAULT-VALUE})")
  Duration warmup;

  @Option(names = "--batch", paramLabel = "N", defaultValue = "1", description = "items per publish call, i.e. per POST (default: ${DEFAULT-VALUE})")
  int batch;

  @Option(names = {"-c", "--concurrency"}, paramLabel = "N", defaultValue = "8",
      description = "publish calls in flight at once (default: ${DEFAULT-VALUE})")
  int concurrency;

  @Option(names = "--size", paramLabel = "BYTES", defaultValue = "64",
      description = "content bytes of each format of each item, at least " + Payloads.MIN_SIZE + " (default: ${DEFAULT-VALUE})")
  int size;

  @Option(names = "--format", paramLabel = "FORMAT",
      description = "ws-message, http-stream or http-response; repeat for several (default: ws-message and http-stream)")
  List<String> formats = new ArrayList<>();

  @Option(names = "--channel", defaultValue = "bench", description = "channel to publish on (default: ${DEFAULT-VALUE})")
  String channel;

  @Option(names = "--retries", paramLabel = "N", defaultValue = "0",
      description = "retries per failed call (default: ${DEFAULT-VALUE}, so errors show the proxy's own failure rate)")
  int retries;

  @Option(names = "--no-ids", description = "do not give items generated ids (the publisher's default is to, for deduplicated retries)")
  boolean noIds;

  @Option(names = "--subscribe", paramLabel = "URL",
      description = "a subscriber through the proxy's client side: ws://... (WebSocket) or http://... (stream);"
          + " it must be subscribed to --channel. Repeatable.")
  List<String> subscribe = new ArrayList<>();

  @Option(names = "--subscribe-timeout", paramLabel = "TIME", defaultValue = "10s", converter = Durations.class,
      description = "how long to wait for subscribers to connect and, after publishing, for deliveries (default: ${DEFAULT-VALUE})")
  Duration subscribeTimeout;

  @Option(names = "--json", description = "print the report as JSON")
  boolean json;

  @Option(names = "--no-progress", description = "no progress lines on stderr")
  boolean noProgress;

  /** Reads GRIP_URL from the process environment. */
  public BenchCommand() {
    this(System::getenv);
  }

  /** Reads GRIP_URL from {@code env} (tests). */
  public BenchCommand(Map<String, String> env) {
    this(Map.copyOf(Objects.requireNonNull(env, "env"))::get);
  }

  /**
   * Reads GRIP_URL through {@code env}, which returns a variable's value or null; under the
   * gripcast root command: {@code new BenchCommand(ctx::env)}.
   */
  public BenchCommand(Function<String, String> env) {
    this.env = Objects.requireNonNull(env, "env");
  }

  /** Runs {@code gripcast bench} alone: {@code java -cp ... io.gripcast.cli.BenchCommand --help}. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new BenchCommand()).execute(args));
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Settings s;
    try {
      s = settings();
    } catch (IllegalArgumentException e) {
      err.println("gripcast bench: " + e.getMessage());
      err.flush();
      return USAGE;
    }
    Publisher publisher;
    try {
      Publisher.Builder b = Publisher.builder()
          .idempotentIds(!noIds)
          .retryPolicy(retries == 0 ? RetryPolicy.none() : RetryPolicy.defaults().withMaxAttempts(retries + 1));
      for (String u : s.urls) {
        b.endpoint(u);
      }
      publisher = b.build();
    } catch (GripConfigException e) {
      err.println("gripcast bench: " + e.getMessage());
      err.flush();
      return CONFIG;
    }
    String runId = Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE).substring(0, 8);
    Payloads payloads = new Payloads(runId, size, s.kinds);
    PublishLoop loop = new PublishLoop(publisher, payloads, channel, batch, concurrency);
    Progress progress = noProgress ? null : new Progress(loop, err);
    try (publisher; Subscribers subs = new Subscribers(subscribe, payloads)) {
      if (!subscribe.isEmpty()) {
        String problem = connect(publisher, payloads, subs, s.subscribeTimeout);
        if (problem != null) {
          err.println("gripcast bench: " + problem);
          err.flush();
          return UNAVAILABLE;
        }
      }
      if (progress != null) {
        progress.start();
      }
      if (!s.warmup.isZero()) {
        progress("warming up for " + s.warmup.toMillis() + " ms", err);
        loop.run(Long.MAX_VALUE, s.warmup);
      }
      subs.measure(loop.nextSeq(), Long.MAX_VALUE);
      PublishLoop.Phase phase = loop.run(s.duration == null ? items : Long.MAX_VALUE, s.duration);
      if (progress != null) {
        progress.stop();
      }
      boolean waitTimedOut = !subscribe.isEmpty() && !awaitDeliveries(subs, phase.okItems(), s.subscribeTimeout);
      Report report = new Report(publisher.endpoints(), batch, concurrency, size, s.kinds, !noIds, phase, subs.all(),
          waitTimedOut, s.subscribeTimeout);
      out.println(json ? report.json() : report.text());
      out.flush();
      // a loss shows on stderr too, so it is seen even under --json
      report.lossWarnings().forEach(w -> err.println("gripcast bench: warning: " + w));
      err.flush();
      Outcome worst = phase.worstOutcome();
      if (worst == null) {
        return subs.all().stream().anyMatch(x -> x.error() != null) ? UNAVAILABLE : OK;
      }
      switch (worst) {
        case AUTH_REFUSED:
          return AUTH;
        case REJECTED:
          return REJECTED;
        default:
          return UNAVAILABLE;
      }
    } finally {
      if (progress != null) {
        progress.stop();
      }
      err.flush();
    }
  }

  private record Settings(List<String> urls, List<Payloads.Kind> kinds, Duration duration, Duration warmup, Duration subscribeTimeout) {}

  private Settings settings() {
    List<String> urls = new ArrayList<>(gripUrls);
    if (urls.isEmpty()) {
      String e = env.apply("GRIP_URL");
      urls.add(e == null || e.isBlank() ? DEFAULT_GRIP_URL : e);
    }
    if (items < 1) {
      throw new IllegalArgumentException("--items must be at least 1, but was " + items);
    }
    if (batch < 1 || batch > 100_000) {
      throw new IllegalArgumentException("--batch must be 1 to 100000, but was " + batch);
    }
    if (concurrency < 1 || concurrency > 4096) {
      throw new IllegalArgumentException("--concurrency must be 1 to 4096, but was " + concurrency);
    }
    if (size < Payloads.MIN_SIZE || size > 10_000_000) {
      throw new IllegalArgumentException("--size must be " + Payloads.MIN_SIZE + " to 10000000 bytes (room for the"
          + " sequence number and send time each item carries), but was " + size);
    }
    if (retries < 0 || retries > 100) {
      throw new IllegalArgumentException("--retries must be 0 to 100, but was " + retries);
    }
    if (channel.isEmpty()) {
      throw new IllegalArgumentException("--channel must not be empty");
    }
    List<Payloads.Kind> kinds = new ArrayList<>();
    for (String f : formats) {
      Payloads.Kind k = Payloads.Kind.parse(f);
      if (!kinds.contains(k)) {
        kinds.add(k);
      }
    }
    if (kinds.isEmpty()) {
      kinds.add(Payloads.Kind.HTTP_STREAM);
      kinds.add(Payloads.Kind.WS_MESSAGE);
    }
    if (duration != null && duration.isZero()) {
      throw new IllegalArgumentException("--duration must be longer than 0");
    }
    for (String u : subscribe) {
      Subscribers.check(u);
    }
    return new Settings(urls, kinds, duration, warmup, subscribeTimeout);
  }

  /** Publishes probe items until every subscriber saw one; returns a problem, or null. */
  private String connect(Publisher publisher, Payloads payloads, Subscribers subs, Duration timeout) throws InterruptedException {
    subs.open();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Subscribers.Subscriber bad = subs.failed();
      if (bad != null) {
        return "subscriber " + bad.url() + ": " + bad.error();
      }
      try {
        publisher.publishAsync(channel, payloads.probe(System.nanoTime()));
      } catch (RuntimeException e) {
        return "could not publish the probe item: " + e.getMessage();
      }
      for (int i = 0; i < 10 && !subs.allProbed(); i++) {
        Thread.sleep(20);
      }
      if (subs.allProbed()) {
        return null;
      }
    }
    StringBuilder sb = new StringBuilder("no probe item reached ");
    for (Subscribers.Subscriber sub : subs.all()) {
      if (!sub.probed()) {
        sb.append(sub.url()).append(' ');
      }
    }
    return sb.append("within ").append(timeout.toMillis())
        .append(" ms: is that URL subscribed to channel '").append(channel).append("' and is the proxy publishing to it?").toString();
  }

  /**
   * Waits until subscribers got every item, or nothing arrived for a second, or the timeout;
   * false for the timeout (items may still have been on their way).
   */
  private static boolean awaitDeliveries(Subscribers subs, long expectedEach, Duration timeout) throws InterruptedException {
    long expected = expectedEach * subs.all().size();
    long deadline = System.nanoTime() + timeout.toNanos();
    long last = -1;
    long lastChange = System.nanoTime();
    while (System.nanoTime() < deadline) {
      long now = subs.delivered();
      if (now >= expected) {
        return true;
      }
      if (now != last) {
        last = now;
        lastChange = System.nanoTime();
      } else if (System.nanoTime() - lastChange > 1_000_000_000L) {
        return true;
      }
      Thread.sleep(20);
    }
    return false;
  }

  private void progress(String line, PrintWriter err) {
    if (!noProgress) {
      err.println("gripcast bench: " + line);
      err.flush();
    }
  }

  /** Once a second: items so far and the rate of the last second, on stderr. */
  private static final class Progress {
    private final PublishLoop loop;
    private final PrintWriter err;
    private Thread thread;

    Progress(PublishLoop loop, PrintWriter err) {
      this.loop = loop;
      this.err = err;
    }

    void start() {
      thread = new Thread(this::run, "gripcast-bench-progress");
      thread.setDaemon(true);
      thread.start();
    }

    void stop() {
      if (thread != null) {
        thread.interrupt();
        thread = null;
      }
    }

    private void run() {
      PublishLoop.Phase seen = null;
      long lastItems = 0;
      try {
        while (true) {
          Thread.sleep(1000);
          PublishLoop.Phase p = loop.current();
          if (p == null) {
            continue;
          }
          if (p != seen) {
            seen = p;
            lastItems = 0;
          }
          long items = p.okItems();
          LatencyHistogram h = p.latency();
          err.printf("gripcast bench: %,d items, %,d items/s, %d errors, p50 %.2f ms%n",
              items, items - lastItems, p.failedCalls(), h.percentile(50) / 1e6);
          err.flush();
          lastItems = items;
        }
      } catch (InterruptedException e) {
        // stopped
      }
    }
  }
}
