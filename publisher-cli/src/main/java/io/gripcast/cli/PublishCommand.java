package io.gripcast.cli;

import io.gripcast.BufferedPublisher;
import io.gripcast.EndpointResult;
import io.gripcast.GripJson;
import io.gripcast.NdjsonReader;
import io.gripcast.PayloadTooLargeException;
import io.gripcast.PublishException;
import io.gripcast.PublishListener;
import io.gripcast.PublishResult;
import io.gripcast.Publisher;
import io.gripcast.RetryPolicy;
import io.gripcast.SuccessPolicy;
import io.gripcast.item.Item;
import io.gripcast.item.Publication;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code gripcast publish}: pushpin-publish's command line, on gripcast's publisher.
 *
 * <p>Output: {@code Published} on stdout after a successful publish, as pushpin-publish prints it
 * (or per-endpoint results with {@code --json}); failures are one line on stderr and an exit code.
 */
final class PublishCommand implements Callable<Integer> {

  private final CliContext ctx;

  /** The command's model, declared in code (see {@link Opts} for why); values are read in {@link #call()}. */
  final CommandSpec spec;

  // the parsed values
  private String channelArg;
  private String contentArg;
  private ItemOptions item;
  private List<String> specs;
  private String user;
  private String bearer;
  private String prefix;
  private List<String> channels;
  private String ndjson;
  private Duration timeout;
  private int retries;
  private boolean any;
  private boolean noAutoId;
  private int maxBodyBytes;
  private int batchItems;
  private int inFlight;
  private boolean json;
  private boolean dryRun;

  /** Where this run publishes; set by {@link #publisher()}. */
  private Targets.Prepared prepared;

  /** The client made for http-only publishing; it is ours to shut down after the publisher. */

  PublishCommand(CliContext ctx) {
    this.ctx = ctx;
    this.spec = CommandSpec.wrapWithoutInspection(this).name("publish");
    spec.usageMessage().sortOptions(false).width(100).description(
        "Publish an item to GRIP proxies. Takes every flag of pushpin-publish 1.36 with the same meaning.",
        "",
        "Content: a string (a newline is added on HTTP formats, not on ws-message, unless --no-eol),",
        "@FILE (sent as is, binary-safe), or - (stdin, sent as is). Content that is not UTF-8 goes out",
        "as bytes (content-bin, body-bin).",
        "Batch: --ndjson FILE|- publishes one item per line, in the wire's item JSON, e.g.",
        "  {\"channel\":\"news\",\"formats\":{\"ws-message\":{\"content\":\"hi\"}}}");
    spec.addPositional(Opts.positional("0", "<channel>", "Channel to send to."));
    spec.addPositional(Opts.positional("1", "<content>",
        "Content for the HTTP body and WebSocket message: text, @FILE or - (stdin)."));
    ItemOptions.define(spec);
    spec.addOption(Opts.list(21, String.class, "GRIP_URL", "GRIP URL of a proxy (repeatable: publish to all),"
        + " or a ZeroMQ spec tcp://HOST:PORT or ipc:///PATH (Pushpin's push_in_spec; sent, not acknowledged). Default: env GRIP_URL, else " + Targets.DEFAULT_SPEC + ".", "--spec", "--grip-url").build());
    spec.addOption(Opts.value(22, String.class, "user:pass",
        "Authenticate using basic auth (https, or a loopback address).", "-u", "--user").build());
    spec.addOption(Opts.value(23, String.class, "TOKEN",
        "Authenticate using a bearer token (https, or a loopback address).", "-B", "--bearer").build());
    spec.addOption(Opts.value(24, String.class, "PREFIX",
        "Put PREFIX in front of every channel (default: env " + Publisher.ENV_GRIP_PREFIX + ", else none).",
        "--prefix").build());
    spec.addOption(Opts.list(30, String.class, "CHANNEL",
        "Publish on this channel too (repeatable); then the only argument is the content.", "-c", "--channel").build());
    spec.addOption(Opts.value(31, String.class, "FILE|-",
        "Batch mode: publish one item per line of FILE (or stdin), in item JSON.", "--ndjson").build());
    spec.addOption(Opts.value(50, Duration.class, "DURATION",
        "Limit on each attempt and on the retrying as a whole (default: ${DEFAULT-VALUE}).", "--timeout")
        .converters(new Durations()).defaultValue("10s").build());
    spec.addOption(Opts.value(51, int.class, "N",
        "Retries after a connection failure, a timeout, a lost answer, or HTTP " + RetryPolicy.RETRIED_STATUSES
            + " (default: ${DEFAULT-VALUE}).", "--retries")
        .defaultValue("3").build());
    spec.addOption(Opts.flag(52, "With several endpoints, succeed when one accepts (default: all must).", "--any"));
    spec.addOption(Opts.flag(53,
        "Don't give items without --id a generated id (ids make retries safe; see docs/cli.md).", "--no-auto-id"));
    spec.addOption(Opts.value(54, int.class, "N",
        "The proxy's publish body limit; batches are split under it (default: ${DEFAULT-VALUE}).", "--max-body-bytes")
        .defaultValue("1000000").build());
    spec.addOption(Opts.value(57, int.class, "N",
        "With --ndjson: the most items per request (default: ${DEFAULT-VALUE}, where Pushpin publishes fastest).",
        "--batch").defaultValue(String.valueOf(BufferedPublisher.DEFAULT_BATCH_ITEMS)).build());
    spec.addOption(Opts.value(58, int.class, "N",
        "With --ndjson: the most requests at once (default: ${DEFAULT-VALUE}); each channel's items still"
            + " go out in order, one request at a time.", "--in-flight")
        .defaultValue(String.valueOf(BufferedPublisher.DEFAULT_LANES)).build());
    spec.addOption(Opts.flag(55, "Print per-endpoint results as JSON on stdout.", "--json"));
    spec.addOption(Opts.flag(56, "Print the target(s) and the request body; send nothing.", "--dry-run"));
    spec.addOption(Opts.verbose());
    Opts.standardHelp(spec);
  }

  private void readValues() {
    ctx.verbose(Opts.isSet(spec, "--verbose"));
    channelArg = Opts.positional(spec, 0);
    contentArg = Opts.positional(spec, 1);
    item = ItemOptions.read(spec);
    specs = Opts.all(spec, "--spec");
    user = Opts.get(spec, "--user");
    bearer = Opts.get(spec, "--bearer");
    prefix = Opts.get(spec, "--prefix");
    if (prefix == null) {
      prefix = ctx.env(Publisher.ENV_GRIP_PREFIX);
    }
    channels = Opts.all(spec, "--channel");
    ndjson = Opts.get(spec, "--ndjson");
    timeout = Opts.get(spec, "--timeout");
    retries = Opts.<Integer>get(spec, "--retries");
    any = Opts.isSet(spec, "--any");
    noAutoId = Opts.isSet(spec, "--no-auto-id");
    maxBodyBytes = Opts.<Integer>get(spec, "--max-body-bytes");
    batchItems = Opts.<Integer>get(spec, "--batch");
    inFlight = Opts.<Integer>get(spec, "--in-flight");
    json = Opts.isSet(spec, "--json");
    dryRun = Opts.isSet(spec, "--dry-run");
  }

  @Override
  public Integer call() {
    readValues();
    if (retries < 0) {
      throw CliException.usage("--retries must be 0 or more, but was " + retries);
    }
    if (maxBodyBytes < 64) {
      throw CliException.usage("--max-body-bytes must be at least 64, but was " + maxBodyBytes);
    }
    if (batchItems < 1 || inFlight < 1) {
      throw CliException.usage((batchItems < 1 ? "--batch" : "--in-flight") + " must be at least 1, but was "
          + Math.min(batchItems, inFlight));
    }
    if (timeout.isZero()) {
      throw CliException.usage("--timeout must be more than 0");
    }
    if (ndjson != null) {
      return batch();
    }
    List<String> targets = new ArrayList<>();
    String contentText;
    if (channels.isEmpty()) {
      if (channelArg == null) {
        throw CliException.usage("no channel: give the channel, e.g. 'gripcast publish news \"hello\"'");
      }
      targets.add(channelArg);
      contentText = contentArg;
    } else if (contentArg != null) {
      // -c given: both arguments are channel and content, as without -c
      targets.add(channelArg);
      contentText = contentArg;
    } else {
      contentText = channelArg; // with -c, a lone argument is the content
    }
    targets.addAll(channels);
    List<String> distinct = new ArrayList<>(new LinkedHashSet<>(targets));
    for (String c : distinct) {
      if (c.isEmpty()) {
        throw CliException.usage("empty channel name: give the channel your subscribers hold");
      }
    }
    Payload payload = null;
    if (contentText != null && !(item.hint || item.close || item.closeCode != null)) {
      payload = Payload.resolve(contentText, item.binary, ctx);
    } else if (contentText != null) {
      payload = new Payload(io.gripcast.item.Content.text(contentText), true, "argument"); // only for the warning
    }
    Item built = item.toItem(payload, this::warn);
    List<Publication> publications = new ArrayList<>();
    for (String c : distinct) {
      publications.add(new Publication(c, built));
    }
    try (Publisher publisher = publisher(null)) {
      if (dryRun) {
        return dryRun(publisher, publications);
      }
      PublishResult result = send(publisher, publications);
      out().println(json ? CliJson.result(result, ExitCodes.OK) : "Published");
      return ExitCodes.OK;
    }
  }

  // ------------------------------------------------------------------------------------ batch

  private int batch() {
    if (channelArg != null || !channels.isEmpty()) {
      throw CliException.usage("--ndjson takes no channel or content arguments: each line names its channel");
    }
    for (String name : ItemOptions.NAMES) {
      if (spec.commandLine().getParseResult().hasMatchedOption(name)) {
        throw CliException.usage(name + " does not apply to --ndjson: each line is a complete item");
      }
    }
    String source = ndjson.equals("-") ? "stdin" : ndjson;
    if (dryRun) {
      return dryRunBatch(source);
    }
    BulkCounts counts = new BulkCounts();
    // A run ends within about one request's bound after a failure: what is in flight then may
    // still be retried, what waits is given up (and not counted as published)
    Duration oneRequest = timeout.multipliedBy(2).plusSeconds(1);
    // Read a batch ahead, and hold a batch per lane plus the next one: enough to keep every lane
    // busy. More only lengthens the garbage collector's pauses, which copy every waiting item (up
    // to 80 ms each with 16,000 of them, while Pushpin ran dry: docs/performance.md, "Round five")
    int capacity = (int) Math.min(1_000_000, (long) batchItems * (inFlight + 1));
    try (Publisher publisher = publisher(counts);
        NdjsonReader in = reader()) {
      BufferedPublisher buffer = BufferedPublisher.builder(publisher)
          .lanes(inFlight)
          .maxBatchItems(batchItems)
          .capacity(capacity)
          .offerTimeout(oneRequest)
          .closeTimeout(oneRequest)
          .build();
      String bad = null; // what is wrong with the first bad line
      IllegalArgumentException badCause = null;
      try {
        List<Publication> pending = new ArrayList<>();
        while (counts.failure.get() == null) {
          Publication next;
          try {
            next = next(in, source);
          } catch (IllegalArgumentException e) {
            bad = badLine(in, source, e);
            badCause = e;
            break;
          }
          if (next == null) {
            break;
          }
          pending.add(next);
          // Lines are parsed a batch ahead of sending, so a bad line near the start sends nothing;
          // a slow producer on stdin is not held back (what is ready goes out)
          if (pending.size() >= batchItems || !ready(in)) {
            submit(buffer, pending, counts);
          }
        }
        if (bad == null) {
          submit(buffer, pending, counts);
        }
        while (counts.failure.get() == null && !buffer.flush(Duration.ofMillis(50))) {
          // wait for the rest, unless something failed: then close() gives up what waits
        }
      } finally {
        buffer.close();
      }
      if (bad != null) {
        int published = counts.published.get();
        throw CliException.data(bad + (published == 0 ? " (nothing was published)"
            : " (" + published + " items before it were published)") + "; fix or remove that line", badCause);
      }
      Throwable failure = counts.failure.get();
      if (failure != null) {
        CliException e = failed(failure);
        int published = counts.published.get();
        String before = published == 0 ? "nothing was published"
            : published + (published == 1 ? " item was" : " items were") + " published before the failure";
        throw new CliException(e.exitCode(), e.getMessage() + " (" + before + ")", e.getCause());
      }
      int items = counts.published.get();
      int requests = counts.requests.get();
      if (json) {
        out().println(CliJson.batch(items, counts.last, requests, ExitCodes.OK));
      } else {
        out().println("Published " + items + (items == 1 ? " item" : " items") + " from " + source
            + " in " + requests + (requests == 1 ? " request" : " requests")
            + (counts.endpoints > 1 ? " to each of " + counts.endpoints + " endpoints" : ""));
      }
      return ExitCodes.OK;
    } catch (IOException e) {
      throw CliException.data("cannot read " + source + ": " + e.getMessage(), e);
    }
  }

  /** Hands parsed items to the buffer, which sends them in lanes; stops at the first failure. */
  private static void submit(BufferedPublisher buffer, List<Publication> pending, BulkCounts counts) {
    for (Publication p : pending) {
      if (counts.failure.get() != null) {
        break;
      }
      // one call, one shared callback: this loop runs in the interpreter for most of a bulk run (it
      // is entered once per batch), so its body stays small
      buffer.submit(p).whenComplete(counts);
    }
    pending.clear();
  }

  /** The CLI's error for a failed bulk publish, as {@link #send} makes it for one publish. */
  private CliException failed(Throwable t) {
    Throwable cause = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
    if (cause instanceof PayloadTooLargeException) {
      return CliException.data(Errors.oneLine(cause.getMessage()) + "; publish less content, or raise --max-body-bytes"
          + " if your proxy accepts more (Pushpin: push_in_max_body_size)", cause);
    }
    if (cause instanceof PublishException) {
      PublishResult r = ((PublishException) cause).result();
      int code = Failures.exitCode(r);
      if (json) {
        out().println(CliJson.result(r, code));
        out().flush();
      }
      return new CliException(code, Failures.describe(r), cause);
    }
    if (cause instanceof IllegalArgumentException) {
      return CliException.data("the item cannot be sent: " + Errors.oneLine(cause.getMessage()), cause);
    }
    return new CliException(ExitCodes.UNAVAILABLE, Errors.oneLine(String.valueOf(cause.getMessage())), cause);
  }

  /**
   * What a bulk run counts, from the publisher's results (one per batch, told before the batch's
   * futures complete): a failed batch counts the items its first requests got published.
   */
  private static final class BulkCounts implements PublishListener, BiConsumer<PublishResult, Throwable> {
    final java.util.concurrent.atomic.AtomicInteger published = new java.util.concurrent.atomic.AtomicInteger();
    final java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
    final java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
    volatile PublishResult last;
    volatile int endpoints;

    /**
     * Each item's future, when it completes: the first failure stops the run. A future that failed
     * at once (the buffer stayed full: the proxy takes nothing) lands here too, on this thread.
     */
    @Override
    public void accept(PublishResult r, Throwable t) {
      if (t != null) {
        failure.compareAndSet(null, t);
      }
    }

    @Override
    public void onResult(PublishResult r) {
      requests.addAndGet(r.endpoints().get(0).requests());
      if (r.success()) {
        last = r;
        endpoints = r.endpoints().size();
        published.addAndGet(r.items());
      } else {
        int partial = Integer.MAX_VALUE;
        for (EndpointResult e : r.endpoints()) {
          partial = Math.min(partial, e.itemsPublished());
        }
        published.addAndGet(partial);
      }
    }
  }

  /** --dry-run with --ndjson: every line validated and shown, nothing sent. */
  private int dryRunBatch(String source) {
    try (Publisher publisher = publisher(null);
        NdjsonReader in = reader()) {
      BatchStats stats = new BatchStats();
      List<Publication> pending = new ArrayList<>();
      long shownBytes = 0; // of the input, up to the last body shown
      while (true) {
        Publication next;
        try {
          next = next(in, source);
        } catch (IllegalArgumentException e) {
          throw CliException.data(badLine(in, source, e) + " (nothing was published); fix or remove that line", e);
        }
        if (next == null) {
          break;
        }
        pending.add(next);
        if (in.bytesRead() - shownBytes >= maxBodyBytes || pending.size() >= 10_000) {
          stats.items += pending.size();
          dryRun(publisher, pending);
          pending.clear();
          shownBytes = in.bytesRead();
        }
      }
      if (!pending.isEmpty()) {
        stats.items += pending.size();
        dryRun(publisher, pending);
      }
      err().println(Errors.prefix(spec.commandLine()) + ": dry run: " + stats.items + " items from " + source
          + " are valid; nothing was sent");
      err().flush();
      return ExitCodes.OK;
    } catch (IOException e) {
      throw CliException.data("cannot read " + source + ": " + e.getMessage(), e);
    }
  }

  /** Counts of a dry run. */
  private static final class BatchStats {
    int items;
  }

  private NdjsonReader reader() {
    if (ndjson.equals("-")) {
      return GripJson.ndjsonReader(ctx.stdin());
    }
    try {
      return GripJson.ndjsonReader(Files.newInputStream(ctx.resolve(ndjson)));
    } catch (NoSuchFileException e) {
      throw CliException.data("cannot read " + ndjson + ": no such file; check the path after --ndjson", e);
    } catch (IOException e) {
      throw CliException.data("cannot read " + ndjson + ": " + e.getMessage(), e);
    }
  }

  /** The next item, or null at the end; a bad item throws IllegalArgumentException, as parsePublication does. */
  private static Publication next(NdjsonReader in, String source) throws IOException {
    try {
      return in.next();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw CliException.data(source + " line " + in.lineNumber() + " is not UTF-8 text; NDJSON items are UTF-8 JSON,"
          + " one per line", e);
    }
  }

  /** "items.ndjson line 57: item has an unknown field ...": a bad line, named. */
  private static String badLine(NdjsonReader in, String source, IllegalArgumentException e) {
    return source + " line " + in.lineNumber() + ": " + Errors.oneLine(e.getMessage());
  }

  private static boolean ready(NdjsonReader in) {
    try {
      return in.ready();
    } catch (IOException e) {
      return false;
    }
  }

  // ------------------------------------------------------------------------------------ sending

  private Publisher publisher(PublishListener counter) {
    prepared = Targets.prepare(specs, user, bearer, true, ctx, this::warn);
    RetryPolicy retry = retries == 0
        ? RetryPolicy.none()
        : RetryPolicy.defaults().withMaxAttempts(retries + 1).withTotalBudget(timeout);
    Publisher.Builder b = Publisher.builder()
        .connectTimeout(timeout.compareTo(Duration.ofSeconds(5)) < 0 ? timeout : Duration.ofSeconds(5))
        .readTimeout(timeout)
        .writeTimeout(timeout)
        .callTimeout(timeout)
        .retryPolicy(retry)
        .successPolicy(any ? SuccessPolicy.ANY : SuccessPolicy.ALL)
        .maxBodyBytes(maxBodyBytes)
        .idempotentIds(!noAutoId);
    PublishListener verbose = ctx.verbose() ? new VerboseListener(err()) : null;
    if (verbose != null && counter != null) {
      b.listener(new PublishListener() {
        @Override
        public void onAttempt(Attempt a) {
          verbose.onAttempt(a);
        }

        @Override
        public void onRetry(Retry r) {
          verbose.onRetry(r);
        }

        @Override
        public void onResult(PublishResult r) {
          counter.onResult(r);
        }
      });
    } else if (verbose != null || counter != null) {
      b.listener(verbose != null ? verbose : counter);
    }
    if (prefix != null) {
      try {
        b.channelPrefix(prefix);
      } catch (IllegalArgumentException e) {
        throw CliException.usage((Opts.get(spec, "--prefix") != null ? "--prefix" : Publisher.ENV_GRIP_PREFIX)
            + " is not usable: " + Errors.oneLine(e.getMessage()));
      }
    }
    prepared.endpoints().forEach(b::endpoint);
    prepared.zmq().forEach(b::endpoint);
    return b.build();
  }

  private PublishResult send(Publisher publisher, List<Publication> publications) {
    try {
      PublishResult r = publisher.publishAll(publications);
      if (ctx.verbose()) {
        for (EndpointResult e : r.endpoints()) {
          err().println(Errors.prefix(spec.commandLine()) + ": " + e);
        }
        err().flush();
      }
      return r;
    } catch (PayloadTooLargeException e) {
      throw CliException.data(Errors.oneLine(e.getMessage()) + "; publish less content, or raise --max-body-bytes"
          + " if your proxy accepts more (Pushpin: push_in_max_body_size)", e);
    } catch (PublishException e) {
      PublishResult r = e.result();
      int code = Failures.exitCode(r);
      if (json) {
        out().println(CliJson.result(r, code));
        out().flush();
      }
      throw new CliException(code, Failures.describe(r), e);
    } catch (IllegalArgumentException e) {
      throw CliException.data("the item cannot be sent: " + Errors.oneLine(e.getMessage()), e);
    }
  }

  private int dryRun(Publisher publisher, List<Publication> publications) {
    PrintWriter out = out();
    for (io.gripcast.config.Endpoint e : prepared.endpoints()) {
      out.println("POST " + e.publishUri());
      String auth = Targets.authorizationLine(e.auth());
      if (auth != null) {
        out.println(auth);
      }
    }
    for (io.gripcast.config.ZmqEndpoint z : prepared.zmq()) {
      out.println("ZeroMQ PUSH " + z.spec() + ": one message per item, 'J' followed by the item object");
    }
    out.println("Content-Type: application/json");
    out.println();
    try {
      List<Publication> shown = publications;
      if (prefix != null && !prefix.isEmpty()) {
        // what the publisher will send: the same prefixing as Publisher.Builder.channelPrefix
        shown = new ArrayList<>(publications.size());
        for (Publication p : publications) {
          shown.add(new Publication(prefix + p.channel(), p.item()));
        }
      }
      out.println(GripJson.toJson(shown));
    } catch (IllegalArgumentException e) {
      throw CliException.data("the item cannot be sent: " + Errors.oneLine(e.getMessage()), e);
    }
    out.flush();
    return ExitCodes.OK;
  }

  private void warn(String message) {
    err().println(Errors.prefix(spec.commandLine()) + ": warning: " + message);
    err().flush();
  }

  private PrintWriter out() {
    return spec.commandLine().getOut();
  }

  private PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** -v: each attempt and retry on stderr. */
  private static final class VerboseListener implements PublishListener {
    private final PrintWriter err;

    VerboseListener(PrintWriter err) {
      this.err = err;
    }

    @Override
    public void onAttempt(Attempt a) {
      err.println("gripcast publish: POST " + a.endpoint() + " attempt " + a.attempt() + " (" + a.items()
          + (a.items() == 1 ? " item, " : " items, ") + a.bodyBytes() + " bytes)");
      err.flush();
    }

    @Override
    public void onRetry(Retry r) {
      err.println("gripcast publish: attempt " + r.failedAttempt() + " to " + r.endpoint() + " failed ("
          + Errors.oneLine(r.reason()) + "); retrying in " + r.delay().toMillis() + " ms");
      err.flush();
    }
  }
}
