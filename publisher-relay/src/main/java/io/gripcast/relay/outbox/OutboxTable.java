package io.gripcast.relay.outbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One outbox table's name and every SQL statement gripcast runs on it: the one place that knows the
 * outbox's SQL. Immutable.
 */
final class OutboxTable {

  static final String DEFAULT_NAME = "gripcast_outbox";

  // unquoted identifiers only (folded to lower case by PostgreSQL, so we ask for lower case): the
  // name goes into SQL text, and into trigger, function and dead-letter names with suffixes that
  // must stay within PostgreSQL's 63-byte identifiers
  private static final Pattern NAME = Pattern.compile("([a-z_][a-z0-9_]{0,55}\\.)?[a-z_][a-z0-9_]{0,55}");

  private final String name;
  private final String localName;

  private OutboxTable(String name) {
    this.name = name;
    this.localName = name.substring(name.indexOf('.') + 1);
  }

  /**
   * @throws IllegalArgumentException unless {@code name} is {@code table} or {@code schema.table} of
   *     lower-case letters, digits and underscores
   */
  static OutboxTable named(String name) {
    Objects.requireNonNull(name, "table");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("outbox table name must be TABLE or SCHEMA.TABLE of lower-case letters, "
          + "digits and _ (each part at most 56 characters, not starting with a digit), but was \"" + name + "\"");
    }
    return new OutboxTable(name);
  }

  String name() {
    return name;
  }

  /** The LISTEN/NOTIFY channel: the table's name. */
  String notifyChannel() {
    return name;
  }

  /** The migration script for this table (resource {@code outbox.sql} with the names filled in). */
  String migrationSql() {
    String template;
    try (InputStream in = OutboxTable.class.getResourceAsStream("outbox.sql")) {
      if (in == null) {
        throw new IllegalStateException("resource io/gripcast/relay/outbox/outbox.sql is missing from the jar");
      }
      template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the outbox migration resource", e);
    }
    return template.replace("${table}", name)
        .replace("${notify}", notifyChannel())
        .replace("${trigger}", localName + "_notify");
  }

  String insert() {
    return "INSERT INTO " + name + " (item) VALUES (?::jsonb)";
  }

  String listen() {
    return "LISTEN \"" + notifyChannel() + "\"";
  }

  /**
   * Step one of a claim: locks the channels of the oldest {@code ?} rows that no other relay holds,
   * and returns them. Each channel is tried exactly once (the CTE is materialized before the lock
   * calls), so the answer is one consistent set. Locking row by row inside the row query instead
   * would not be: a channel refused at row 10 (another relay holding it) could be granted at row 12
   * of the same scan once that relay committed, and row 12 would then go out before row 10.
   *
   * <p>The lock is transaction-scoped and keyed by this table and the channel's hash: a relay holds
   * its channels until its publish is done and its delete committed (or rolled back).
   */
  String lockChannels() {
    return "WITH oldest AS MATERIALIZED (SELECT DISTINCT channel FROM (SELECT channel FROM " + name
        + " ORDER BY id LIMIT ?) o) SELECT channel FROM oldest"
        + " WHERE pg_try_advisory_xact_lock(hashtext('" + name + "'), hashtext(channel))";
  }

  /**
   * Step two: the oldest {@code ?} rows of the channels locked in step one. A new statement, so a
   * new snapshot, taken after the locks were granted: it sees the deletes of whichever relay held
   * those channels before. No other relay locks rows of these channels, so FOR UPDATE does not wait
   * for one; SKIP LOCKED would only matter for some other transaction holding an outbox row, and
   * skipping that row would publish the channel's later rows first, so the claim waits instead,
   * bounded by lock_timeout.
   */
  String claimRows() {
    return "SELECT id, channel, item::text FROM " + name + " WHERE channel = ANY (?) ORDER BY id LIMIT ? FOR UPDATE";
  }

  String delete() {
    return "DELETE FROM " + name + " WHERE id = ANY (?)";
  }

  /** Moves one row to the dead-letter table, with the reason. */
  String deadLetter() {
    return "WITH moved AS (DELETE FROM " + name + " WHERE id = ? RETURNING id, channel, item, created_at) "
        + "INSERT INTO " + name + "_dead (id, channel, item, created_at, error) "
        + "SELECT id, channel, item, created_at, ? FROM moved";
  }

  String count() {
    return "SELECT count(*) FROM " + name;
  }

  @Override
  public String toString() {
    return name;
  }
}
