package io.gripcast.relay.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Claims rows for one relay transaction: first the channels (advisory locks), then their oldest
 * rows (see {@link OutboxTable#lockChannels()} and {@link OutboxTable#claimRows()} for why two
 * statements). Runs in the caller's transaction; the locks last until it ends.
 */
final class Claim {

  /** One claimed row, its item still as stored. */
  record Row(long id, String channel, String itemJson) {}

  private Claim() {}

  static List<Row> rows(Connection c, OutboxTable table, int batchSize) throws SQLException {
    List<String> channels = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(table.lockChannels())) {
      ps.setInt(1, batchSize);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          channels.add(rs.getString(1));
        }
      }
    }
    if (channels.isEmpty()) {
      return List.of();
    }
    List<Row> rows = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(table.claimRows())) {
      ps.setArray(1, c.createArrayOf("text", channels.toArray()));
      ps.setInt(2, batchSize);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(new Row(rs.getLong(1), rs.getString(2), rs.getString(3)));
        }
      }
    }
    return rows;
  }
}
