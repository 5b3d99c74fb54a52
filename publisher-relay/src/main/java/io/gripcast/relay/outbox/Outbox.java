package io.gripcast.relay.outbox;

import io.gripcast.GripException;
import io.gripcast.item.Item;
import io.gripcast.item.Publication;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Objects;

/**
 * Writes items into a PostgreSQL outbox table, on the caller's JDBC connection and therefore inside
 * the caller's transaction: the item becomes visible to the {@link OutboxRelay} exactly when the
 * business change it belongs to commits, and disappears with it on rollback.
 *
 * <pre>{@code
 * Outbox outbox = Outbox.create();                 // table gripcast_outbox
 * connection.setAutoCommit(false);
 * // ... the business change ...
 * outbox.write(connection, "orders-42", Item.of(WsMessage.text("{\"status\":\"paid\"}")));
 * connection.commit();
 * }</pre>
 *
 * <p>Each row holds one wire item object (the same as one line of {@code gripcast publish
 * --ndjson}), written by the core's JSON writer. Immutable and thread-safe; it holds no connection.
 */
public final class Outbox {

  private final OutboxTable table;

  private Outbox(OutboxTable table) {
    this.table = table;
  }

  /** The outbox in table {@code gripcast_outbox}. */
  public static Outbox create() {
    return new Outbox(OutboxTable.named(OutboxTable.DEFAULT_NAME));
  }

  /**
   * The outbox in {@code table}.
   *
   * @param table {@code TABLE} or {@code SCHEMA.TABLE}, lower-case letters, digits and {@code _}
   * @throws IllegalArgumentException for any other name
   */
  public static Outbox inTable(String table) {
    return new Outbox(OutboxTable.named(table));
  }

  /** The table's name. */
  public String table() {
    return table.name();
  }

  /**
   * The SQL that creates the table, its dead-letter table and the NOTIFY trigger. Idempotent: it can
   * run on every deployment.
   */
  public String migrationSql() {
    return table.migrationSql();
  }

  /**
   * Runs {@link #migrationSql()} on {@code connection} (in its current transaction when auto-commit
   * is off: commit it yourself).
   *
   * @throws GripException if PostgreSQL refused it (the message has PostgreSQL's reason)
   */
  public void migrate(Connection connection) {
    Objects.requireNonNull(connection, "connection");
    try (Statement s = connection.createStatement()) {
      s.execute(migrationSql());
    } catch (SQLException e) {
      throw new GripException("could not create the outbox table " + table + ": " + e.getMessage(), e);
    }
  }

  /** Writes {@code item} for {@code channel}; same as {@code write(connection, item.on(channel))}. */
  public void write(Connection connection, String channel, Item item) {
    Objects.requireNonNull(item, "item");
    write(connection, item.on(channel));
  }

  /**
   * Inserts one row for {@code publication}, in the connection's current transaction.
   *
   * <p>The item keeps the id it has; an item without one gets, when relayed, an id made from its
   * row id ({@link io.gripcast.relay.RelayIds#outbox}), the same on every replay.
   *
   * @throws IllegalArgumentException if the item cannot be stored as jsonb (a NUL character in text
   *     content)
   * @throws GripException if the insert failed (the message has PostgreSQL's reason)
   */
  public void write(Connection connection, Publication publication) {
    writeAll(connection, List.of(publication));
  }

  /**
   * Inserts one row per publication, in list order (so in the order the relay publishes them), in
   * the connection's current transaction, as one JDBC batch.
   *
   * @throws IllegalArgumentException if an item cannot be stored as jsonb; nothing was written then
   * @throws GripException if the insert failed (the message has PostgreSQL's reason)
   */
  public void writeAll(Connection connection, List<Publication> publications) {
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(publications, "publications");
    String[] json = new String[publications.size()];
    for (int i = 0; i < json.length; i++) {
      json[i] = ItemJson.write(Objects.requireNonNull(publications.get(i), "publication"));
    }
    try (PreparedStatement ps = connection.prepareStatement(table.insert())) {
      for (String j : json) {
        ps.setString(1, j);
        ps.addBatch();
      }
      ps.executeBatch();
    } catch (SQLException e) {
      throw new GripException("could not write to the outbox table " + table + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "Outbox[" + table + "]";
  }
}
