package io.gripcast.cli;

import io.gripcast.Publisher;
import io.gripcast.config.Endpoint;
import io.gripcast.relay.Relay;
import io.gripcast.relay.RelayStats;
import io.gripcast.relay.kafka.KafkaRelay;
import io.gripcast.relay.kafka.RecordMapping;
import io.gripcast.relay.outbox.Outbox;
import io.gripcast.relay.outbox.OutboxRelay;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gripcast relay}: runs a {@link Relay} from a durable source to the proxy until stopped
 * (SIGTERM, Ctrl-C, or {@code --run-for}), then closes it, which commits what was published.
 *
 * <p>Options come from the command line, or from a properties file ({@code --config}) whose keys are
 * the long option names without the dashes; the command line wins over the file.
 *
 * <p>Sources: {@code kafka} here; {@code outbox} is the hook in {@link #outboxRelay(Publisher)}.
 */
@Command(
    name = "relay",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    description = {
      "Relay a durable source to the proxy: each record is published with an id taken from its position",
      "(topic, partition, offset), and its position is committed only after the proxy accepted it. Runs",
      "until SIGTERM or Ctrl-C (or --run-for), then commits what was published and exits 0.",
      "Options may come from a properties file (--config): keys are the long option names without",
      "the dashes (topic=a,b; kafka-property.security.protocol=SASL_SSL); the command line wins.",
      "See docs/relay.md."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      " 0:stopped on request",
      "64:usage error",
      "65:the --config file cannot be read",
      "69:the relay stopped by itself (see the error line)",
      "78:configuration error (bad GRIP URL)"
    })
final class RelayCommand implements Callable<Integer> {

  /** The sources a relay can read. */
  enum Source {
    kafka,
    outbox
  }

  /** How a Kafka record becomes an item. */
  enum Mapping {
    /** The value is an item in the wire JSON, as a line of {@code publish --ndjson}. */
    item,
    /** The value is content; the channel comes from --channel's template. */
    content
  }

  private final CliContext ctx;

  @Spec CommandSpec spec;

  @Mixin CommonOptions common;

  @Option(names = "--config", paramLabel = "FILE",
      description = "Read options from this properties file (keys: long option names without '--').")
  String config;

  @Option(names = "--source", paramLabel = "kafka|outbox", defaultValue = "kafka",
      description = "Where records come from: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Source source;

  @Option(names = {"--grip-url", "--spec"}, paramLabel = "GRIP_URL",
      description = "GRIP URL of a proxy (repeatable: publish to all). Default: env GRIP_URL, else "
          + Targets.DEFAULT_SPEC + ".")
  List<String> gripUrls = new ArrayList<>();

  // ------------------------------------------------------------------ kafka

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]", description = "Kafka: the brokers.")
  String bootstrapServers;

  @Option(names = "--topic", paramLabel = "TOPIC", split = ",",
      description = "Kafka: a topic to relay (repeatable or comma-separated).")
  List<String> topics = new ArrayList<>();

  @Option(names = "--group-id", paramLabel = "GROUP", defaultValue = "gripcast-relay",
      description = "Kafka: the consumer group; relays with the same group share the partitions (default: ${DEFAULT-VALUE}).")
  String groupId;

  @Option(names = "--mapping", paramLabel = "item|content", defaultValue = "item",
      description = "Kafka: 'item' (default): the record value is one item in wire JSON, as a line of"
          + " `publish --ndjson`; 'content': the value is the content of a ws-message and an http-stream"
          + " on the --channel template's channel.")
  Mapping mapping;

  @Option(names = "--channel", paramLabel = "TEMPLATE",
      description = "Kafka, --mapping content: the channel, with {key}, {topic}, {partition} and"
          + " {header:NAME} filled in from the record, e.g. 'orders-{key}'.")
  String channel;

  @Option(names = "--dead-letter-topic", paramLabel = "TOPIC",
      description = "Kafka: send poison records (unreadable, or rejected by the proxy) here; default: skip them with a log line.")
  String deadLetterTopic;

  @Option(names = "--kafka-property", paramLabel = "NAME=VALUE",
      description = "Kafka: a client property for the consumer and the dead-letter producer (repeatable),"
          + " e.g. security.protocol=SASL_SSL. Values are never printed.")
  Map<String, String> kafkaProperties = new LinkedHashMap<>();

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "500",
      description = "Kafka: most records of one partition in one publish; outbox: most rows per claim,"
          + " publish and delete (default: ${DEFAULT-VALUE}).")
  int batchSize;

  // ------------------------------------------------------------------ outbox

  @Option(names = "--jdbc-url", paramLabel = "URL",
      description = "Outbox: the PostgreSQL database, e.g. jdbc:postgresql://db:5432/app.")
  String jdbcUrl;

  @Option(names = "--jdbc-user", paramLabel = "USER", description = "Outbox: the database user.")
  String jdbcUser;

  @Option(names = "--jdbc-password-env", paramLabel = "NAME", defaultValue = "GRIPCAST_JDBC_PASSWORD",
      description = "Outbox: the environment variable holding the password (default: ${DEFAULT-VALUE});"
          + " unset means no password. Never printed.")
  String jdbcPasswordEnv;

  @Option(names = "--jdbc-password-file", paramLabel = "FILE",
      description = "Outbox: read the password from this file (one line) instead. Never printed.")
  String jdbcPasswordFile;

  @Option(names = "--table", paramLabel = "NAME", defaultValue = "gripcast_outbox",
      description = "Outbox: the table, TABLE or SCHEMA.TABLE (default: ${DEFAULT-VALUE}).")
  String table;

  @Option(names = "--poll-interval", paramLabel = "DURATION", converter = Durations.class, defaultValue = "1s",
      description = "Outbox: read the table at least this often when no NOTIFY came (default: ${DEFAULT-VALUE}).")
  Duration pollInterval;

  @Option(names = "--print-migration",
      description = "Outbox: print the SQL that creates --table (table, dead-letter table, NOTIFY trigger) and exit.")
  boolean printMigration;

  // ------------------------------------------------------------------ common

  @Option(names = "--run-for", paramLabel = "DURATION", converter = Durations.class,
      description = "Stop after this long (e.g. 30s, 10m) and exit 0; default: run until stopped.")
  Duration runFor;

  @Option(names = "--close-timeout", paramLabel = "DURATION", converter = Durations.class, defaultValue = "30s",
      description = "On stop, wait this long for publishes in flight before committing (default: ${DEFAULT-VALUE}).")
  Duration closeTimeout;

  RelayCommand(CliContext ctx) {
    this.ctx = ctx;
    this.common = new CommonOptions(ctx);
  }

  @Override
  public Integer call() throws Exception {
    if (config != null) {
      applyConfigFile();
    }
    PrintWriter err = spec.commandLine().getErr();
    if (printMigration) {
      if (source != Source.outbox) {
        throw CliException.usage("--print-migration is for --source outbox");
      }
      PrintWriter out = spec.commandLine().getOut();
      out.print(usage(() -> Outbox.inTable(table)).migrationSql());
      out.flush();
      return ExitCodes.OK;
    }
    Targets.Prepared targets = Targets.prepare(gripUrls, null, ctx, this::warn);
    Publisher.Builder pb = Publisher.builder();
    for (Endpoint e : targets.endpoints()) {
      pb.endpoint(e);
    }
    try (Publisher publisher = pb.build()) {
      Relay relay = switch (source) {
        case kafka -> kafkaRelay(publisher);
        case outbox -> outboxRelay(publisher);
      };
      Thread hook = new Thread(relay::close, "gripcast-relay-stop");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        try {
          relay.start();
        } catch (RuntimeException e) {
          // the source's client refused its configuration (say, an unresolvable bootstrap server)
          throw CliException.config("cannot start the relay: " + e.getMessage(), e);
        }
        status("relaying " + describe() + " to " + String.join(", ", targets.labels()));
        boolean stopped = relay.awaitTermination(runFor == null ? Duration.ofDays(36500) : runFor);
        if (!stopped) {
          status("--run-for " + Durations.format(runFor) + " is over: stopping");
        }
      } finally {
        relay.close();
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
          // the JVM is exiting: the hook is running or ran
        }
      }
      RelayStats s = relay.stats();
      status("stopped: " + s.published() + " published, " + s.skipped() + " skipped, " + s.deadLettered()
          + " dead-lettered, " + s.commits() + " commits, " + s.publishFailures() + " failed publishes (retried)");
      Throwable failure = relay.failure();
      if (failure != null) {
        err.println(Errors.prefix(spec.commandLine()) + ": the relay stopped by itself: " + failure.getMessage());
        err.flush();
        return ExitCodes.UNAVAILABLE;
      }
      return ExitCodes.OK;
    }
  }

  private Relay kafkaRelay(Publisher publisher) {
    if (bootstrapServers == null) {
      throw CliException.usage("--source kafka needs --bootstrap-servers HOST:PORT (or bootstrap-servers= in --config)");
    }
    if (topics.isEmpty()) {
      throw CliException.usage("--source kafka needs --topic TOPIC (or topic= in --config)");
    }
    RecordMapping m;
    if (mapping == Mapping.content) {
      if (channel == null) {
        throw CliException.usage("--mapping content needs --channel TEMPLATE, e.g. --channel 'orders-{key}'");
      }
      m = usage(() -> RecordMapping.content(channel));
    } else {
      if (channel != null) {
        throw CliException.usage("--channel is for --mapping content; with --mapping item each value names its channel");
      }
      m = RecordMapping.wireJson();
    }
    KafkaRelay.Builder b = KafkaRelay.builder().publisher(publisher).mapping(m).closeTimeout(closeTimeout);
    usage(() -> {
      b.bootstrapServers(bootstrapServers).groupId(groupId).topics(topics).deadLetterTopic(deadLetterTopic)
          .batchSize(batchSize);
      kafkaProperties.forEach(b::kafkaProperty);
      return b;
    });
    return usage(b::build);
  }

  /** {@code --source outbox}: the outbox relay from the --jdbc-* and outbox options. */
  private Relay outboxRelay(Publisher publisher) {
    if (jdbcUrl == null) {
      throw CliException.usage("--source outbox needs --jdbc-url jdbc:postgresql://HOST:5432/DB (or jdbc-url= in --config)");
    }
    String password = outboxPassword();
    OutboxRelay.Builder b = OutboxRelay.builder(publisher);
    usage(() -> b.jdbc(jdbcUrl, jdbcUser, password).table(table).batchSize(batchSize).pollInterval(pollInterval)
        .closeTimeout(closeTimeout));
    return usage(b::build);
  }

  /** The database password from --jdbc-password-file or the --jdbc-password-env variable; null for none. */
  private String outboxPassword() {
    if (jdbcPasswordFile == null) {
      return ctx.env(jdbcPasswordEnv);
    }
    try {
      // only the first line, without its line end; what the file holds never goes into a message
      return Files.readAllLines(ctx.resolve(jdbcPasswordFile), StandardCharsets.UTF_8).stream().findFirst().orElse("");
    } catch (NoSuchFileException e) {
      throw new CliException(ExitCodes.DATA, "--jdbc-password-file " + jdbcPasswordFile + ": no such file");
    } catch (IOException e) {
      throw new CliException(ExitCodes.DATA, "--jdbc-password-file " + jdbcPasswordFile + " cannot be read ("
          + e.getClass().getSimpleName() + ")");
    }
  }

  /** The JDBC URL without its parameters, which may hold a password. */
  private String jdbcUrlShown() {
    int q = jdbcUrl.indexOf('?');
    return q < 0 ? jdbcUrl : jdbcUrl.substring(0, q) + "?...";
  }

  private String describe() {
    return switch (source) {
      case kafka -> "Kafka topic(s) " + String.join(",", topics) + " (group " + groupId + ", mapping " + mapping
          + (deadLetterTopic == null ? "" : ", dead letters to " + deadLetterTopic) + ")";
      case outbox -> "outbox table " + table + " at " + jdbcUrlShown();
    };
  }

  /** Builder checks throw IllegalArgumentException/IllegalStateException with a clear message: a usage error. */
  private static <T> T usage(java.util.function.Supplier<T> build) {
    try {
      return build.get();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw CliException.usage(e.getMessage());
    }
  }

  /**
   * Parses the command line again with the file's options in front, leaving out those the command
   * line gives itself: so the command line wins, lists included.
   */
  private void applyConfigFile() {
    Properties props = new Properties();
    try (Reader r = Files.newBufferedReader(ctx.resolve(config), StandardCharsets.UTF_8)) {
      props.load(r);
    } catch (NoSuchFileException e) {
      throw new CliException(ExitCodes.DATA, "--config " + config + ": no such file");
    } catch (IOException | IllegalArgumentException e) {
      throw new CliException(ExitCodes.DATA, "--config " + config + " cannot be read: " + e.getMessage(), e);
    }
    // the whole command line: what follows this subcommand's name is ours
    List<String> all = spec.commandLine().getParseResult().originalArgs();
    List<String> originalArgs = all.subList(all.indexOf(spec.name()) + 1, all.size());
    List<String> fromFile = new ArrayList<>();
    for (String key : new TreeSet<>(props.stringPropertyNames())) {
      String value = props.getProperty(key).trim();
      String name = key.startsWith("kafka-property.") ? "--kafka-property" : "--" + key;
      OptionSpec option = spec.findOption(name);
      if (option == null || name.equals("--config") || option.usageHelp() || option.versionHelp()) {
        throw CliException.usage("--config " + config + ": unknown key '" + key + "'; keys are the long option names"
            + " of `gripcast relay --help` without '--', and kafka-property.NAME for --kafka-property NAME=VALUE");
      }
      if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
        continue; // the command line wins
      }
      if (name.equals("--kafka-property")) {
        fromFile.add(name);
        fromFile.add(key.substring("kafka-property.".length()) + "=" + value);
      } else if (option.arity().max() == 0) {
        if (Boolean.parseBoolean(value)) {
          fromFile.add(name);
        }
      } else {
        fromFile.add(name);
        fromFile.add(value);
      }
    }
    List<String> merged = new ArrayList<>(fromFile);
    merged.addAll(originalArgs);
    spec.commandLine().parseArgs(merged.toArray(new String[0]));
  }

  private void warn(String line) {
    status("warning: " + line);
  }

  private void status(String line) {
    PrintWriter err = spec.commandLine().getErr();
    err.println(Errors.prefix(spec.commandLine()) + ": " + line);
    err.flush();
  }
}
