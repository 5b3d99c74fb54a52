package io.gripcast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gripcast.build.PostgresInstance;
import io.gripcast.item.Item;
import io.gripcast.item.WsMessage;
import io.gripcast.relay.outbox.Outbox;
import io.gripcast.testing.PushpinExtension;
import io.gripcast.testing.PushpinInstance;
import io.gripcast.testing.WebSocketSubscriber;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code gripcast relay --source outbox}: its options, and a run from a real PostgreSQL to a real Pushpin. */
class RelayOutboxCommandTest {

  @RegisterExtension
  static final PushpinExtension PUSHPIN = PushpinExtension.builder().build();

  @TempDir Path dir;

  @Test
  void printsTheMigrationForTheTable() {
    Cli.Result r = Cli.cli().run("relay", "--source", "outbox", "--print-migration", "--table", "app.events");
    assertEquals(ExitCodes.OK, r.code(), r.toString());
    assertTrue(r.out().contains("CREATE TABLE IF NOT EXISTS app.events ("), r.toString());
    assertTrue(r.out().contains("CREATE TABLE IF NOT EXISTS app.events_dead ("), r.toString());
    assertTrue(r.out().contains("pg_notify('app.events', '')"), r.toString());
    r = Cli.cli().run("relay", "--print-migration");
    assertEquals(ExitCodes.USAGE, r.code(), r.toString());
    assertTrue(r.err().contains("--source outbox"), r.toString());
  }

  @Test
  void badOptionsAreUsageErrorsThatSayWhatToDo() throws Exception {
    Cli.Result r = Cli.cli().run("relay", "--source", "outbox");
    assertEquals(ExitCodes.USAGE, r.code(), r.toString());
    assertTrue(r.err().contains("--jdbc-url jdbc:postgresql://"), r.toString());
    r = Cli.cli().run("relay", "--source", "outbox", "--jdbc-url", "jdbc:postgresql://127.0.0.1:1/db", "--table", "Bad-Name");
    assertEquals(ExitCodes.USAGE, r.code(), r.toString());
    assertTrue(r.err().contains("lower-case letters"), r.toString());
    r = Cli.cli().run("relay", "--source", "outbox", "--jdbc-url", "jdbc:mysql://db/app?password=hunter2");
    assertEquals(ExitCodes.USAGE, r.code(), r.toString());
    assertTrue(r.err().contains("jdbc:postgresql:") && !r.err().contains("hunter2"), r.toString());
    r = Cli.cli().workDir(dir).run("relay", "--source", "outbox", "--jdbc-url", "jdbc:postgresql://127.0.0.1:1/db",
        "--jdbc-password-file", "nope.txt");
    assertEquals(ExitCodes.DATA, r.code(), r.toString());
    assertTrue(r.err().contains("nope.txt: no such file"), r.toString());
  }

  @Test
  void relaysTheOutboxToASubscriberAndNeverPrintsThePassword() throws Exception {
    PushpinInstance pushpin = PUSHPIN.instance();
    String channel = "cli-outbox-" + System.nanoTime();
    String secret = "pw-" + System.nanoTime();
    Files.writeString(dir.resolve("pw.txt"), secret + "\n");
    try (PostgresInstance pg = PostgresInstance.start();
        WebSocketSubscriber ws = WebSocketSubscriber.open(pushpin.webSocketUri("/ws?channel=" + channel))) {
      assertTrue(pushpin.awaitSubscribed(channel, Duration.ofSeconds(15)));
      Outbox outbox = Outbox.inTable("cli_outbox");
      try (Connection c = pg.connect()) {
        outbox.migrate(c);
        for (int i = 0; i < 50; i++) {
          outbox.write(c, channel, Item.of(WsMessage.text("m" + i)));
        }
      }
      Cli.Result r = Cli.cli().workDir(dir).run("relay", "--source", "outbox", "--grip-url", pushpin.gripUrl(),
          "--jdbc-url", pg.jdbcUrl() + "?password=" + secret, "--jdbc-user", PostgresInstance.USER,
          "--jdbc-password-file", "pw.txt", "--table", "cli_outbox", "--batch-size", "7", "--run-for", "4s");
      assertEquals(ExitCodes.OK, r.code(), r.toString());
      assertTrue(r.err().contains("outbox table cli_outbox"), r.toString());
      assertTrue(r.err().contains("50 published"), r.toString());
      assertFalse(r.toString().contains(secret), "the password is printed nowhere: " + r);
      for (int i = 0; i < 50; i++) {
        WebSocketSubscriber.Message m = ws.nextMessage(Duration.ofSeconds(5));
        assertEquals("m" + i, m == null ? null : m.text(), "message " + i);
      }
      assertNull(ws.nextMessage(Duration.ofMillis(500)), "nothing twice");
      try (Connection c = pg.connect(); ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM cli_outbox")) {
        rs.next();
        assertEquals(0, rs.getLong(1), "every relayed row deleted");
      }
    }
  }
}
