package io.gripcast.build;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A real Kafka 4.1 broker for tests: a combined KRaft broker and controller from the
 * {@code kafka_2.13} artifact on the test class path, run as a child JVM on 127.0.0.1, free ports,
 * a temp dir; ready once an Admin client lists topics; stopped by PID (SIGTERM, then SIGKILL), its
 * dir removed. Nothing to install: Maven brings the jars.
 *
 * <p>Here rather than in one module's tests so that publisher-relay and publisher-cli share it;
 * kafka-clients is optional in build-support: a module that uses this class declares
 * {@code kafka-clients} and {@code kafka_2.13} (the broker, started from the test class path) as
 * test dependencies itself.
 */
public final class KafkaBroker implements AutoCloseable {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

  private final Path dir;
  private final int port;
  private final Process process;
  private final Thread shutdownHook;

  private KafkaBroker(Path dir, int port, Process process) {
    this.dir = dir;
    this.port = port;
    this.process = process;
    this.shutdownHook = new Thread(this::kill, "kafka-broker-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  public static KafkaBroker start() {
    List<String> problems = new ArrayList<>();
    for (int attempt = 1; attempt <= 3; attempt++) {
      Path dir;
      try {
        dir = Files.createTempDirectory("gripcast-kafka-");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      try {
        return launch(dir);
      } catch (RuntimeException e) {
        problems.add("attempt " + attempt + ": " + e.getMessage());
        deleteTree(dir);
      }
    }
    throw new IllegalStateException("the Kafka broker did not start: " + String.join("; ", problems));
  }

  private static KafkaBroker launch(Path dir) {
    int[] ports = freePorts(2);
    int port = ports[0];
    int controller = ports[1];
    try {
      Path config = dir.resolve("server.properties");
      Files.writeString(config, String.join("\n",
          "process.roles=broker,controller",
          "node.id=1",
          "controller.quorum.voters=1@127.0.0.1:" + controller,
          "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller,
          "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
          "controller.listener.names=CONTROLLER",
          "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
          "log.dirs=" + dir.resolve("data"),
          "offsets.topic.replication.factor=1",
          "offsets.topic.num.partitions=4",
          "transaction.state.log.replication.factor=1",
          "transaction.state.log.min.isr=1",
          "group.initial.rebalance.delay.ms=0",
          "num.partitions=1",
          ""), StandardCharsets.UTF_8);
      String clusterId = org.apache.kafka.common.Uuid.randomUuid().toString();
      Process format = javaProcess(dir, "format.log", "kafka.tools.StorageTool", "format", "-t", clusterId, "-c",
          config.toString());
      if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
        format.destroyForcibly();
        throw new IllegalStateException("formatting the log dir failed: " + tail(dir.resolve("format.log")));
      }
      Process server = javaProcess(dir, "server.log", "kafka.Kafka", config.toString());
      KafkaBroker broker = new KafkaBroker(dir, port, server);
      broker.awaitReady();
      return broker;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static Process javaProcess(Path dir, String log, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx512m");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-cp");
    cmd.add(testClassPath());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve(log).toFile());
    return pb.start();
  }

  /** The test JVM's full class path (surefire runs tests from a manifest-only jar, and says the real one here). */
  public static String testClassPath() {
    String cp = System.getProperty("surefire.test.class.path");
    return cp != null && !cp.isEmpty() ? cp : System.getProperty("java.class.path");
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    Throwable last = null;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        close();
        throw new IllegalStateException("the broker exited with " + process.exitValue() + ": " + tail(dir.resolve("server.log")));
      }
      try (Admin admin = admin()) {
        admin.listTopics().names().get(5, TimeUnit.SECONDS);
        return;
      } catch (Exception e) {
        last = e;
      }
      sleep(200);
    }
    close();
    throw new IllegalStateException("the broker was not ready within " + READY_TIMEOUT + ": " + last);
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  public long pid() {
    return process.pid();
  }

  public Admin admin() {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrapServers());
    p.put("request.timeout.ms", "5000");
    p.put("default.api.timeout.ms", "10000");
    return Admin.create(p);
  }

  public void createTopic(String name, int partitions) {
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
      // created is not yet writable: wait until every partition has a leader, or a producer's first
      // records can sit waiting for metadata
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (true) {
        org.apache.kafka.clients.admin.TopicDescription d = null;
        try {
          d = admin.describeTopics(List.of(name)).allTopicNames().get(10, TimeUnit.SECONDS).get(name);
        } catch (java.util.concurrent.ExecutionException e) {
          // the controller has made it, but the broker's metadata may not show it yet: seen under
          // load, right after createTopics returned
          if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)) {
            throw e;
          }
        }
        if (d != null && d.partitions().size() == partitions && d.partitions().stream().allMatch(p -> p.leader() != null)) {
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("topic " + name + " has partitions without a leader after 30 s: " + d);
        }
        sleep(100);
      }
    } catch (Exception e) {
      throw new IllegalStateException("creating topic " + name + " failed: " + e, e);
    }
  }

  /** The group's committed offsets. */
  public Map<TopicPartition, OffsetAndMetadata> committed(String groupId) {
    try (Admin admin = admin()) {
      return admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("reading the offsets of group " + groupId + " failed: " + e, e);
    }
  }

  /** The sum of the group's committed offsets on a topic. */
  public long committedTotal(String groupId, String topic) {
    long sum = 0;
    for (Map.Entry<TopicPartition, OffsetAndMetadata> e : committed(groupId).entrySet()) {
      if (e.getKey().topic().equals(topic) && e.getValue() != null) {
        sum += e.getValue().offset();
      }
    }
    return sum;
  }

  public String log() {
    return tail(dir.resolve("server.log"));
  }

  @Override
  public void close() {
    kill();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException ignored) {
      // the JVM is exiting
    }
    deleteTree(dir);
  }

  private void kill() {
    ProcessHandle h = process.toHandle();
    h.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        h.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      h.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  static int[] freePorts(int n) {
    int[] ports = new int[n];
    List<ServerSocket> held = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        held.add(s);
        ports[i] = s.getLocalPort();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      for (ServerSocket s : held) {
        try {
          s.close();
        } catch (IOException ignored) {
          // closing a listening socket
        }
      }
    }
    return ports;
  }

  public static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort: a temp dir
    }
  }
}
