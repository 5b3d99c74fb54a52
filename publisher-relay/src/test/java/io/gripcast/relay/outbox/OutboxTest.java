package io.gripcast.relay.outbox;

import io.gripcast.build.PostgresInstance;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gripcast.GripException;
import io.gripcast.item.HttpStream;
import io.gripcast.item.Item;
import io.gripcast.item.Publication;
import io.gripcast.item.WsMessage;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The outbox table, its migration and the writer, on a real PostgreSQL. */
class OutboxTest {

  static PostgresInstance pg;

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

  @Test
  void migrationIsIdempotentAndMakesTheDocumentedTable() throws Exception {
    Outbox outbox = Outbox.inTable("mig_test");
    try (Connection c = pg.connect()) {
      outbox.migrate(c);
      outbox.migrate(c); // again: no error, nothing changes
      List<String> columns = new ArrayList<>();
      try (ResultSet rs = c.createStatement().executeQuery("SELECT column_name || ' ' || data_type FROM "
          + "information_schema.columns WHERE table_name = 'mig_test' ORDER BY ordinal_position")) {
        while (rs.next()) {
          columns.add(rs.getString(1));
        }
      }
      assertEquals(List.of("id bigint", "channel text", "item jsonb", "created_at timestamp with time zone"), columns);
      try (ResultSet rs = c.createStatement().executeQuery(
          "SELECT count(*) FROM information_schema.tables WHERE table_name = 'mig_test_dead'")) {
        rs.next();
        assertEquals(1, rs.getInt(1));
      }
    }
  }

  @Test
  void writesOneWireItemPerRowInTheCallersTransaction() throws Exception {
    Outbox outbox = Outbox.inTable("write_test");
    try (Connection c = pg.connect()) {
      outbox.migrate(c);
      c.setAutoCommit(false);
      Item item = Item.builder().id("app-id").meta("sender", "s1")
          .format(WsMessage.text("hello \"ws\" ✓")).format(HttpStream.text("hello\n")).build();
      outbox.write(c, "news", item);
      outbox.writeAll(c, List.of(Item.of(WsMessage.binary(new byte[] {0, 1, 2})).on("bin"),
          Item.of(WsMessage.text("second")).on("news")));
      c.rollback();
      assertEquals(0, count(c, "write_test"), "a rolled-back business transaction leaves no outbox row");

      outbox.write(c, "news", item);
      outbox.writeAll(c, List.of(Item.of(WsMessage.binary(new byte[] {0, 1, 2})).on("bin"),
          Item.of(WsMessage.text("second")).on("news")));
      c.commit();
      List<Publication> read = new ArrayList<>();
      List<String> channels = new ArrayList<>();
      try (ResultSet rs = c.createStatement().executeQuery("SELECT channel, item::text FROM write_test ORDER BY id")) {
        while (rs.next()) {
          channels.add(rs.getString(1));
          read.add(ItemJson.read(rs.getString(2)));
        }
      }
      c.commit();
      assertEquals(List.of("news", "bin", "news"), channels, "channel is computed from the item");
      assertEquals(List.of(item.on("news"), Item.of(WsMessage.binary(new byte[] {0, 1, 2})).on("bin"),
          Item.of(WsMessage.text("second")).on("news")), read, "jsonb round trip gives the same items back");
    }
  }

  @Test
  void theTriggerNotifiesOncePerInsertingStatement() throws Exception {
    Outbox outbox = Outbox.inTable("notify_test");
    try (Connection writer = pg.connect(); Connection listener = pg.connect()) {
      outbox.migrate(writer);
      listener.createStatement().execute("LISTEN \"notify_test\"");
      org.postgresql.PGConnection pgl = listener.unwrap(org.postgresql.PGConnection.class);
      assertEquals(0, pgl.getNotifications(50).length);
      writer.setAutoCommit(false);
      outbox.writeAll(writer, List.of(Item.of(WsMessage.text("a")).on("n"), Item.of(WsMessage.text("b")).on("n")));
      assertEquals(0, pgl.getNotifications(200).length, "nothing before commit");
      writer.commit();
      org.postgresql.PGNotification[] n = pgl.getNotifications(5000);
      assertEquals(1, n.length, "one notification per transaction: identical ones are folded");
      assertEquals("notify_test", n[0].getName());
    }
  }

  @Test
  void aClaimSkipsChannelsAnotherClaimHolds() throws Exception {
    // the ordering guarantee itself: while relay A holds row 1 of channel x, relay B must not get
    // row 2 of x, but does get the row of channel y
    Outbox outbox = Outbox.inTable("claim_test");
    OutboxTable table = OutboxTable.named("claim_test");
    try (Connection w = pg.connect(); Connection a = pg.connect(); Connection b = pg.connect()) {
      outbox.migrate(w);
      outbox.writeAll(w, List.of(Item.of(WsMessage.text("x1")).on("x"), Item.of(WsMessage.text("x2")).on("x"),
          Item.of(WsMessage.text("y1")).on("y")));
      a.setAutoCommit(false);
      b.setAutoCommit(false);
      assertEquals(List.of("x:x1"), claim(a, table, 1));
      assertEquals(List.of("y:y1"), claim(b, table, 10), "x2 must wait while x1 is held");
      a.rollback();
      b.rollback();
      assertEquals(List.of("x:x1", "x:x2", "y:y1"), claim(a, table, 10), "released at the end of the transaction");
      a.rollback();
    }
  }

  @Test
  void badInputIsRefusedWithTheReason() throws Exception {
    IllegalArgumentException name = assertThrows(IllegalArgumentException.class, () -> Outbox.inTable("Robert'); DROP"));
    assertTrue(name.getMessage().contains("lower-case letters"), name.getMessage());
    assertEquals("app.events", Outbox.inTable("app.events").table());

    Outbox outbox = Outbox.inTable("bad_test");
    try (Connection c = pg.connect()) {
      outbox.migrate(c);
      IllegalArgumentException nul = assertThrows(IllegalArgumentException.class,
          () -> outbox.write(c, "n", Item.of(WsMessage.text("a\u0000b"))));
      assertTrue(nul.getMessage().contains("NUL"), nul.getMessage());
      GripException missing = assertThrows(GripException.class,
          () -> Outbox.inTable("no_such_table").write(c, "n", Item.of(WsMessage.text("a"))));
      assertTrue(missing.getMessage().contains("no_such_table"), missing.getMessage());
      assertEquals(0, count(c, "bad_test"));
    }
  }

  private static List<String> claim(Connection c, OutboxTable table, int limit) throws Exception {
    List<String> out = new ArrayList<>();
    for (Claim.Row row : Claim.rows(c, table, limit)) {
      Publication p = ItemJson.read(row.itemJson());
      out.add(row.channel() + ":" + new String(p.item().wsMessage().content().toBytes(), java.nio.charset.StandardCharsets.UTF_8));
    }
    return out;
  }

  static long count(Connection c, String table) throws Exception {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
