package io.gripcast.relay.outbox;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Properties;
import javax.sql.DataSource;

/** Where the relay's connection comes from; its toString never shows a password. */
abstract class ConnectionSource {

  abstract Connection open() throws SQLException;

  static ConnectionSource of(DataSource dataSource) {
    Objects.requireNonNull(dataSource, "dataSource");
    return new ConnectionSource() {
      @Override
      Connection open() throws SQLException {
        return dataSource.getConnection();
      }

      @Override
      public String toString() {
        return "dataSource=" + dataSource.getClass().getName();
      }
    };
  }

  static ConnectionSource driverManager(String url, String user, String password) {
    Objects.requireNonNull(url, "url");
    if (!url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("the outbox JDBC URL must start with jdbc:postgresql:, like "
          + "jdbc:postgresql://db.example:5432/app, but was " + redact(url));
    }
    Properties props = new Properties();
    if (user != null) {
      props.setProperty("user", user);
    }
    if (password != null) {
      props.setProperty("password", password);
    }
    // bounded waits: pgjdbc's default socket timeout is none, and a silent database would hold the
    // relay forever; URL parameters of the same names take precedence
    props.setProperty("connectTimeout", "10");
    props.setProperty("socketTimeout", "120");
    props.setProperty("tcpKeepAlive", "true");
    props.setProperty("ApplicationName", "gripcast-outbox-relay");
    String shown = redact(url) + (user == null ? "" : ", user=" + user);
    return new ConnectionSource() {
      @Override
      Connection open() throws SQLException {
        return DriverManager.getConnection(url, props);
      }

      @Override
      public String toString() {
        return "url=" + shown;
      }
    };
  }

  /** The URL without its parameters, which may hold a password. */
  static String redact(String url) {
    int q = url.indexOf('?');
    return q < 0 ? url : url.substring(0, q) + "?...";
  }
}
