package io.gripcast.relay.outbox;

import io.gripcast.build.PostgresInstance;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.gripcast.Publisher;
import io.gripcast.RetryPolicy;
import io.gripcast.item.Item;
import io.gripcast.item.Publication;
import io.gripcast.item.WsMessage;
import io.gripcast.relay.RelayListener;
import io.gripcast.testing.PushpinExtension;
import io.gripcast.testing.PushpinInstance;
import io.gripcast.testing.WebSocketSubscriber;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The outbox relay end to end: a real PostgreSQL, a real Pushpin, real WebSocket subscribers (one
 * per channel, through Pushpin to the test origin). Every test checks what the subscribers got:
 * each row once, in row order per channel, and an empty outbox at the end.
 */
class OutboxRelayTest {

  @RegisterExtension
  static PushpinExtension pushpin = PushpinExtension.builder().build();

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static PostgresInstance pg;

  private final List<AutoCloseable> cleanup = new ArrayList<>();

  @BeforeAll
  static void startPostgres() {
    pg = PostgresInstance.start();
  }

  @AfterAll
  static void stopPostgres() {
    if (pg != null) {
      pg.close();
    }
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      cleanup.get(i).close();
    }
  }

  @Test
  void tenThousandEventsReachTheSubscribersOnceAndInOrder(PushpinInstance p) throws Exception {
    Channels ch = new Channels(p, "t10k", 4);
    Outbox outbox = migrated("outbox_10k");
    ch.write(outbox, 10_000);
    Publisher publisher = publisher(p, RetryPolicy.defaults());
    OutboxRelay relay = OutboxRelay.builder(publisher).jdbc(pg.jdbcUrl(), PostgresInstance.USER, null)
        .table("outbox_10k").build();
    cleanup.add(relay);
    long t0 = System.nanoTime();
    relay.start();
    await(() -> rows("outbox_10k") == 0, "the outbox to empty");
    double seconds = (System.nanoTime() - t0) / 1e9;
    ch.awaitAll(10_000);
    // printed for docs/performance.md: rows/s from a full table into a local Pushpin, batch 500
    System.out.printf("OUTBOX_RATE rows=10000 seconds=%.3f rows_per_s=%.0f commits=%d%n",
        seconds, 10_000 / seconds, relay.stats().commits());
    ch.assertExactlyOnceInOrder(10_000);
    assertEquals(10_000, relay.stats().published());
    assertNull(relay.failure());
  }

  @Test
  void aRelayKilledMidRunAndRestartedLosesNothingAndRepeatsNothing(PushpinInstance p) throws Exception {
    Channels ch = new Channels(p, "kill", 4);
    Outbox outbox = migrated("outbox_kill");
    ch.write(outbox, 4_000);
    // small batches, so that the kill lands mid-run, likely between a publish and its delete
    Process first = startChild(p, "outbox_kill", 10);
    await(() -> ch.received() >= 1_000, "a quarter of the events before the kill");
    first.destroyForcibly(); // SIGKILL: no shutdown hook, no rollback from the relay itself
    assertTrue(first.waitFor(10, TimeUnit.SECONDS));
    long left = rows("outbox_kill");
    assertTrue(left > 0 && left < 4_000, "killed mid-run, with " + left + " rows left");
    Process second = startChild(p, "outbox_kill", 10);
    await(() -> rows("outbox_kill") == 0, "the restarted relay to empty the outbox");
    ch.awaitAll(4_000);
    ch.assertExactlyOnceInOrder(4_000);
    assertTrue(second.isAlive(), "the restarted relay still runs");
  }

  @Test
  void nothingIsDeletedWhilePushpinIsDownAndEverythingArrivesAfter(PushpinInstance p) throws Exception {
    Channels ch = new Channels(p, "down", 2);
    Outbox outbox = migrated("outbox_down");
    ch.write(outbox, 200);
    // each publish gives up after about 1.5 s: well below the time Pushpin stays down
    Publisher publisher = publisher(p, RetryPolicy.builder().maxAttempts(3)
        .backoff(Duration.ofMillis(100), 2.0, Duration.ofMillis(400)).totalBudget(Duration.ofMillis(1500)).build());
    AtomicInteger failures = new AtomicInteger();
    OutboxRelay relay = OutboxRelay.builder(publisher).jdbc(pg.jdbcUrl(), PostgresInstance.USER, null)
        .table("outbox_down").backoff(Duration.ofMillis(100), Duration.ofMillis(500))
        .listener(new RelayListener() {
          @Override
          public void publishFailed(Throwable error) {
            failures.incrementAndGet();
          }
        }).build();
    cleanup.add(relay);
    p.pause();
    try {
      relay.start();
      await(() -> failures.get() >= 3, "three failed publishes while Pushpin is stopped");
      assertEquals(200, rows("outbox_down"), "no row deleted while no publish was accepted");
      assertEquals(0, ch.received());
    } finally {
      p.resume();
    }
    await(() -> rows("outbox_down") == 0, "the outbox to empty after Pushpin is back");
    ch.awaitAll(200);
    ch.assertExactlyOnceInOrder(200);
    assertTrue(relay.stats().publishFailures() >= 3);
  }

  @Test
  void twoRelaysAtOncePublishEveryRowOnceInChannelOrder(PushpinInstance p) throws Exception {
    Channels ch = new Channels(p, "two", 6);
    Outbox outbox = migrated("outbox_two");
    Publisher publisher = publisher(p, RetryPolicy.defaults());
    List<OutboxRelay> relays = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      OutboxRelay r = OutboxRelay.builder(publisher).jdbc(pg.jdbcUrl(), PostgresInstance.USER, null)
          .table("outbox_two").batchSize(20).pollInterval(Duration.ofMillis(100)).build();
      cleanup.add(r);
      relays.add(r);
      r.start();
    }
    // written while both relays run, in many small transactions, so the two race for rows
    ch.write(outbox, 3_000, 25);
    await(() -> rows("outbox_two") == 0, "the outbox to empty");
    ch.awaitAll(3_000);
    ch.assertExactlyOnceInOrder(3_000);
    long a = relays.get(0).stats().published();
    long b = relays.get(1).stats().published();
    assertEquals(3_000, a + b, "no row published twice: the relays published " + a + " and " + b);
  }

  @Test
  void aRowThatIsNotAnItemGoesToTheDeadLetterTableAndItsChannelGoesOn(PushpinInstance p) throws Exception {
    Channels ch = new Channels(p, "dead", 1);
    String channel = ch.subscribers.keySet().iterator().next();
    Outbox outbox = migrated("outbox_dead");
    ch.write(outbox, 2);
    try (Connection c = pg.connect()) {
      // written by hand, as another language might: valid JSON, but no formats
      c.createStatement().execute("INSERT INTO outbox_dead (item) VALUES ('{\"channel\":\"" + channel + "\"}')");
    }
    try (Connection c = pg.connect()) {
      c.setAutoCommit(false);
      outbox.write(c, channel, Item.of(WsMessage.text(channel + " 2")));
      c.commit();
    }
    List<String> poison = new java.util.concurrent.CopyOnWriteArrayList<>();
    OutboxRelay relay = OutboxRelay.builder(publisher(p, RetryPolicy.defaults()))
        .jdbc(pg.jdbcUrl(), PostgresInstance.USER, null).table("outbox_dead")
        .listener(new RelayListener() {
          @Override
          public void poison(String position, boolean deadLettered, String reason) {
            poison.add(position + " " + deadLettered + " " + reason);
          }
        }).build();
    cleanup.add(relay);
    relay.start();
    await(() -> rows("outbox_dead") == 0, "the outbox to empty");
    ch.awaitAll(3);
    ch.assertExactlyOnceInOrder(3);
    assertEquals(1, rows("outbox_dead_dead"));
    assertEquals(1, relay.stats().deadLettered());
    assertEquals(1, poison.size(), poison::toString);
    assertTrue(poison.get(0).startsWith("3 true "), poison::toString);
    assertTrue(poison.get(0).contains("formats"), poison::toString);
  }

  @Test
  void aMissingTableStopsTheRelayWithTheReason(PushpinInstance p) throws Exception {
    OutboxRelay relay = OutboxRelay.builder(publisher(p, RetryPolicy.defaults()))
        .jdbc(pg.jdbcUrl(), PostgresInstance.USER, null).table("never_migrated").build();
    cleanup.add(relay);
    relay.start();
    assertTrue(relay.awaitTermination(Duration.ofSeconds(30)), "a relay on a missing table stops by itself");
    assertTrue(relay.failure() != null && relay.failure().getMessage().contains("never_migrated"),
        String.valueOf(relay.failure()));
  }

  @Test
  void theDatabasePasswordIsInNoMessage(PushpinInstance p) throws Exception {
    String secret = "s3cret-" + UUID.randomUUID();
    try (Connection c = pg.connect()) {
      c.createStatement().execute("CREATE ROLE pw_user LOGIN PASSWORD '" + secret + "'");
    }
    // loopback is trust in the test cluster, so a wrong password cannot be shown here; what is shown
    // is that neither the relay nor a failure message carries the password or the URL's parameters
    OutboxRelay relay = OutboxRelay.builder(publisher(p, RetryPolicy.defaults()))
        .jdbc(pg.jdbcUrl() + "?password=" + secret, "pw_user", secret).table("never_migrated_pw").build();
    cleanup.add(relay);
    assertTrue(!relay.toString().contains(secret) && relay.toString().contains("pw_user"), relay::toString);
    relay.start();
    assertTrue(relay.awaitTermination(Duration.ofSeconds(30)));
    assertTrue(relay.failure() != null, "no such table");
    java.io.StringWriter trace = new java.io.StringWriter();
    relay.failure().printStackTrace(new java.io.PrintWriter(trace));
    assertTrue(!trace.toString().contains(secret), trace::toString);
  }

  @Test
  void badConfigurationIsRefusedWithTheFix(PushpinInstance p) {
    Publisher publisher = publisher(p, RetryPolicy.defaults());
    IllegalArgumentException url = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> OutboxRelay.builder(publisher).jdbc("jdbc:mysql://db/app?password=hunter2", "u", "hunter2"));
    assertTrue(url.getMessage().contains("jdbc:postgresql:") && !url.getMessage().contains("hunter2"), url.getMessage());
    IllegalStateException none = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
        () -> OutboxRelay.builder(publisher).build());
    assertTrue(none.getMessage().contains("jdbc(url, user, password)"), none.getMessage());
    IllegalArgumentException batch = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> OutboxRelay.builder(publisher).batchSize(0));
    assertTrue(batch.getMessage().contains("1..10000"), batch.getMessage());
    IllegalArgumentException table = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> OutboxRelay.builder(publisher).table("Outbox"));
    assertTrue(table.getMessage().contains("lower-case"), table.getMessage());
  }

  // ------------------------------------------------------------------ helpers

  private Publisher publisher(PushpinInstance p, RetryPolicy retry) {
    Publisher publisher = Publisher.builder().endpoint(p.gripUrl()).retryPolicy(retry)
        .callTimeout(Duration.ofSeconds(2)).build();
    cleanup.add(publisher);
    return publisher;
  }

  private static Outbox migrated(String table) throws Exception {
    Outbox outbox = Outbox.inTable(table);
    try (Connection c = pg.connect()) {
      outbox.migrate(c);
    }
    return outbox;
  }

  private static long rows(String table) {
    try (Connection c = pg.connect()) {
      return OutboxTest.count(c, table);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private Process startChild(PushpinInstance p, String table, int batch) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child = new ProcessBuilder(java.toString(), "-Xmx128m", "-cp", System.getProperty("java.class.path"),
        RelayChild.class.getName(), pg.jdbcUrl(), PostgresInstance.USER, p.gripUrl(), table, Integer.toString(batch))
        .redirectErrorStream(true).start();
    cleanup.add(() -> {
      child.destroyForcibly();
      child.waitFor(10, TimeUnit.SECONDS);
    });
    BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine(); // bounded: the child prints "started" or dies, closing the pipe
    if (!"started".equals(line)) {
      fail("the relay child did not start: " + line);
    }
    Thread drain = new Thread(() -> {
      try {
        while (out.readLine() != null) {
          // keep the pipe from filling up
        }
      } catch (Exception e) {
        // child gone
      }
    }, "relay-child-output");
    drain.setDaemon(true);
    drain.start();
    return child;
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out after " + WAIT.toSeconds() + " s waiting for " + what);
      }
      Thread.sleep(10);
    }
  }

  /** Fresh channels, one WebSocket subscriber each, and the events written for them. */
  private final class Channels {
    final Map<String, WebSocketSubscriber> subscribers = new LinkedHashMap<>();

    Channels(PushpinInstance p, String prefix, int count) throws Exception {
      String run = UUID.randomUUID().toString().substring(0, 8);
      for (int i = 0; i < count; i++) {
        String name = prefix + "-" + run + "-" + i;
        WebSocketSubscriber ws = WebSocketSubscriber.open(p.webSocketUri("/ws?channel=" + name));
        cleanup.add(ws);
        subscribers.put(name, ws);
      }
      for (String name : subscribers.keySet()) {
        assertTrue(p.awaitSubscribed(name, Duration.ofSeconds(10)), p::handlerLog);
      }
    }

    void write(Outbox outbox, int events) throws Exception {
      write(outbox, events, 500);
    }

    /** Events 0..n-1, round robin over the channels, text "CHANNEL SEQ", committed every {@code perTx}. */
    void write(Outbox outbox, int events, int perTx) throws Exception {
      List<String> names = new ArrayList<>(subscribers.keySet());
      int[] seq = new int[names.size()];
      try (Connection c = pg.connect()) {
        c.setAutoCommit(false);
        List<Publication> batch = new ArrayList<>();
        for (int i = 0; i < events; i++) {
          int k = i % names.size();
          batch.add(Item.of(WsMessage.text(names.get(k) + " " + seq[k]++)).on(names.get(k)));
          if (batch.size() == perTx || i == events - 1) {
            outbox.writeAll(c, batch);
            c.commit();
            batch.clear();
          }
        }
      }
    }

    int received() {
      return subscribers.values().stream().mapToInt(ws -> ws.messages().size()).sum();
    }

    void awaitAll(int events) throws InterruptedException {
      await(() -> received() >= events, events + " events at the subscribers (have " + received() + ")");
      Thread.sleep(500); // room for a duplicate to show up
    }

    void assertExactlyOnceInOrder(int events) {
      int total = 0;
      for (Map.Entry<String, WebSocketSubscriber> e : subscribers.entrySet()) {
        List<WebSocketSubscriber.Message> got = e.getValue().messages();
        int expected = events / subscribers.size() + (total < events % subscribers.size() ? 1 : 0);
        for (int i = 0; i < got.size(); i++) {
          String want = e.getKey() + " " + i;
          if (!want.equals(got.get(i).text())) {
            fail("channel " + e.getKey() + ": message " + i + " was \"" + got.get(i).text() + "\", wanted \""
                + want + "\" (" + got.size() + " messages)");
          }
        }
        total += got.size();
        assertEquals(expected, got.size(), "messages on " + e.getKey());
      }
      assertEquals(events, total);
    }
  }
}
