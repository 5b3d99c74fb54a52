package io.gripcast.relay.outbox;

import static io.gripcast.relay.internal.BuilderArgs.positive;

import io.gripcast.GripException;
import io.gripcast.Publisher;
import io.gripcast.item.Item;
import io.gripcast.item.Publication;
import io.gripcast.relay.Relay;
import io.gripcast.relay.RelayIds;
import io.gripcast.relay.RelayListener;
import io.gripcast.relay.RelayStats;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Publishes the rows of a PostgreSQL outbox table (see {@link Outbox}) through a {@link Publisher},
 * oldest first, and deletes each row in the same transaction, once the publish succeeded under the
 * publisher's success policy. A failed publish rolls the transaction back (the rows stay) and the
 * relay tries again after a growing pause.
 *
 * <p><b>Waking up.</b> The table's trigger NOTIFYs on every insert; the relay LISTENs and reads the
 * table as soon as it is told, and every {@linkplain Builder#pollInterval poll interval} anyway (a
 * notification sent while the relay was disconnected is lost).
 *
 * <p><b>Order and several relays.</b> Rows of one channel are published in id order. Each claim
 * first takes a transaction-scoped advisory lock ({@code pg_try_advisory_xact_lock}, keyed by the
 * table and the channel's hash) on each channel of the oldest rows that it can get, then, in a
 * second statement, claims the oldest rows of those channels; the locks are held until the rows
 * are published and deleted. So several relays on one table share the channels
 * between them, and none publishes a channel's later row while another still holds an earlier one.
 * Run two or more for availability: when one dies, PostgreSQL ends its transaction, and the
 * others take over its channels with their next claim.
 *
 * <p><b>Ids.</b> An item without an id is published with {@link RelayIds#outbox(String, long)} of
 * its row, the same on every replay: if the relay dies after the proxy accepted a batch but before
 * the delete committed, the batch is published again and Pushpin's id cache drops the copies.
 *
 * <p><b>Rows that are not items.</b> A row whose {@code item} is not a valid wire item is moved to
 * the dead-letter table ({@code <table>_dead}, with the reason) and reported through
 * {@link RelayListener#poison}, so that it does not hold its channel back.
 *
 * <p>Threads: the relay runs on one daemon thread of its own, from {@link #start()} until
 * {@link #close()}. It does not own the publisher or the data source: close them after the relay.
 * Database errors are reported through {@link RelayListener#publishFailed} too (nothing was
 * published then either), and retried; errors that retrying cannot fix (authentication, a missing
 * database or table, a permission) stop the relay with {@link #failure()}.
 */
public final class OutboxRelay implements Relay {

  private final Publisher publisher;
  private final OutboxTable table;
  private final ConnectionSource connections;
  private final int batchSize;
  private final Duration pollInterval;
  private final Duration minBackoff;
  private final Duration maxBackoff;
  private final Duration lockTimeout;
  private final Duration closeTimeout;
  private final RelayListener listener;

  private final AtomicLong published = new AtomicLong();
  private final AtomicLong deadLettered = new AtomicLong();
  private final AtomicLong commits = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();

  private final Object lifecycle = new Object();
  private final CountDownLatch closeSignal = new CountDownLatch(1);
  private final CountDownLatch terminated = new CountDownLatch(1);
  private Thread thread;
  private volatile boolean closed;
  private volatile Throwable failure;
  // owned by the relay thread; close() aborts it only when the thread outlives the close timeout
  private volatile Connection connection;

  private OutboxRelay(Builder b) {
    this.publisher = b.publisher;
    this.table = b.table;
    this.connections = b.connections;
    this.batchSize = b.batchSize;
    this.pollInterval = b.pollInterval;
    this.minBackoff = b.minBackoff;
    this.maxBackoff = b.maxBackoff;
    this.lockTimeout = b.lockTimeout;
    this.closeTimeout = b.closeTimeout;
    this.listener = b.listener;
  }

  /** A builder for a relay that publishes with {@code publisher}. */
  public static Builder builder(Publisher publisher) {
    return new Builder(publisher);
  }

  /** The table this relay reads. */
  public String table() {
    return table.name();
  }

  @Override
  public void start() {
    synchronized (lifecycle) {
      if (closed) {
        throw new IllegalStateException("this outbox relay was closed; build a new one");
      }
      if (thread != null) {
        throw new IllegalStateException("this outbox relay was started already");
      }
      thread = new Thread(this::run, "gripcast-outbox-relay-" + table.name());
      thread.setDaemon(true);
      thread.start();
    }
  }

  @Override
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public Throwable failure() {
    return failure;
  }

  @Override
  public RelayStats stats() {
    return new RelayStats(published.get(), 0, deadLettered.get(), commits.get(), failures.get());
  }

  /**
   * Stops the relay: a publish in flight is allowed to finish (and its rows deleted) within the close
   * timeout; past it the relay's database connection is aborted, which rolls its transaction back,
   * so those rows stay in the table for the next relay. Idempotent; any thread.
   */
  @Override
  public void close() {
    Thread t;
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      t = thread;
    }
    closeSignal.countDown();
    if (t == null) {
      terminated.countDown();
      return;
    }
    try {
      if (!terminated.await(closeTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        Connection c = connection;
        if (c != null) {
          try {
            c.abort(Runnable::run);
          } catch (SQLException | RuntimeException e) {
            // the thread ends on its own once the publish returns
          }
        }
        terminated.await(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "OutboxRelay[table=" + table + ", " + connections + ", batchSize=" + batchSize + ", pollInterval="
        + pollInterval + "]";
  }

  // ------------------------------------------------------------------ the relay thread

  private void run() {
    long backoffMillis = 0;
    try {
      while (!closed) {
        try {
          Connection c = connection();
          int claimed = relayBatch(c);
          backoffMillis = 0;
          if (claimed < batchSize) {
            awaitWork(c);
          }
        } catch (PublishFailed e) {
          failures.incrementAndGet();
          report(() -> listener.publishFailed(e.getCause()));
          backoffMillis = nextBackoff(backoffMillis);
          pause(backoffMillis);
        } catch (SQLException | RuntimeException e) {
          dropConnection();
          if (closed) {
            break;
          }
          if (e instanceof SQLException && permanent((SQLException) e)) {
            failure = new GripException("the outbox relay for " + table + " stopped: " + e.getMessage(), e);
            break;
          }
          failures.incrementAndGet();
          report(() -> listener.publishFailed(e));
          backoffMillis = nextBackoff(backoffMillis);
          pause(backoffMillis);
        }
      }
    } catch (Error e) {
      failure = e;
      throw e;
    } finally {
      dropConnection();
      terminated.countDown();
    }
  }

  /**
   * One claim-publish-delete transaction.
   *
   * @return how many rows it claimed (a full batch means more may be waiting)
   * @throws PublishFailed if the publish failed; the transaction was rolled back
   */
  private int relayBatch(Connection c) throws SQLException {
    List<Long> ids = new ArrayList<>();
    List<Publication> publications = new ArrayList<>();
    List<long[]> dead = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    try (Statement s = c.createStatement()) {
      // synchronous_commit: the delete need not wait for its WAL flush; lost to a database crash,
      // it only means the rows are published again, with the same ids (at-least-once either way)
      s.execute("SET LOCAL lock_timeout = " + lockTimeout.toMillis() + "; SET LOCAL synchronous_commit = off");
    }
    for (Claim.Row row : Claim.rows(c, table, batchSize)) {
      Publication p;
      try {
        p = ItemJson.read(row.itemJson());
      } catch (IllegalArgumentException e) {
        dead.add(new long[] {row.id()});
        reasons.add("row " + row.id() + " of " + table + " (channel " + row.channel() + ") is not a gripcast item: "
            + e.getMessage());
        continue;
      }
      Item item = p.item().id() == null ? p.item().withId(RelayIds.outbox(table.name(), row.id())) : p.item();
      publications.add(item.on(row.channel()));
      ids.add(row.id());
    }
    int claimed = ids.size() + dead.size();
    if (claimed == 0) {
      c.commit();
      return 0;
    }
    if (!publications.isEmpty()) {
      try {
        publisher.publishAll(publications);
      } catch (RuntimeException e) {
        rollbackQuietly(c);
        throw new PublishFailed(e);
      }
      published.addAndGet(publications.size());
      int n = publications.size();
      report(() -> listener.published(n));
      try (PreparedStatement del = c.prepareStatement(table.delete())) {
        del.setArray(1, c.createArrayOf("bigint", ids.toArray()));
        del.executeUpdate();
      }
    }
    for (int i = 0; i < dead.size(); i++) {
      try (PreparedStatement mv = c.prepareStatement(table.deadLetter())) {
        mv.setLong(1, dead.get(i)[0]);
        mv.setString(2, reasons.get(i));
        mv.executeUpdate();
      }
    }
    c.commit();
    commits.incrementAndGet();
    report(() -> listener.committed(ids.size()));
    for (int i = 0; i < dead.size(); i++) {
      deadLettered.incrementAndGet();
      String position = Long.toString(dead.get(i)[0]);
      String reason = reasons.get(i);
      report(() -> listener.poison(position, true, reason));
    }
    return claimed;
  }

  /** Waits for a NOTIFY, the poll interval, or close(), whichever comes first. */
  private void awaitWork(Connection c) throws SQLException {
    PGConnection pg = c.unwrap(PGConnection.class);
    long deadline = System.nanoTime() + pollInterval.toNanos();
    while (!closed) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) {
        return;
      }
      // short slices, so close() is noticed soon; 0 would mean "wait forever"
      PGNotification[] n = pg.getNotifications((int) Math.max(1, Math.min(left, 200)));
      if (n != null && n.length > 0) {
        return;
      }
    }
  }

  private Connection connection() throws SQLException {
    Connection c = connection;
    if (c != null) {
      return c;
    }
    c = connections.open();
    try {
      c.unwrap(PGConnection.class);
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute(table.listen());
      }
      c.commit();
    } catch (SQLException | RuntimeException e) {
      closeQuietly(c);
      throw e;
    }
    connection = c;
    return c;
  }

  private void dropConnection() {
    Connection c = connection;
    connection = null;
    if (c != null) {
      closeQuietly(c);
    }
  }

  /** Errors that another attempt cannot fix: wrong credentials, a missing database or table, no permission. */
  static boolean permanent(SQLException e) {
    String state = e.getSQLState();
    if (state == null) {
      return false;
    }
    return state.startsWith("28") // invalid authorization
        || state.equals("3D000") // no such database
        || state.equals("42P01") // no such table: run the migration
        || state.equals("42501") // insufficient privilege
        || state.equals("42703") // no such column: not an outbox table
        || state.equals("42883"); // no such function
  }

  private long nextBackoff(long previous) {
    long min = minBackoff.toMillis();
    long max = maxBackoff.toMillis();
    long base = previous == 0 ? min : Math.min(max, previous * 2);
    // up to 20% less, so that several relays that failed together do not retry in step
    return base - (long) (base * 0.2 * ThreadLocalRandom.current().nextDouble());
  }

  private void pause(long millis) {
    try {
      closeSignal.await(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
    }
  }

  private void report(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      // a listener must not stop the relay
    }
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException e) {
      // the connection is dropped by the caller's error path or the next statement
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      // nothing to do
    }
  }

  /** A publish that failed; the transaction was rolled back. */
  private static final class PublishFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PublishFailed(RuntimeException cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }

  /** Builds an {@link OutboxRelay}. Not thread-safe. */
  public static final class Builder {
    private final Publisher publisher;
    private OutboxTable table = OutboxTable.named(OutboxTable.DEFAULT_NAME);
    private ConnectionSource connections;
    private int batchSize = 500;
    private Duration pollInterval = Duration.ofSeconds(1);
    private Duration minBackoff = Duration.ofMillis(200);
    private Duration maxBackoff = Duration.ofSeconds(10);
    private Duration lockTimeout = Duration.ofSeconds(5);
    private Duration closeTimeout = Duration.ofSeconds(30);
    private RelayListener listener = RelayListener.none();

    private Builder(Publisher publisher) {
      this.publisher = Objects.requireNonNull(publisher, "publisher");
    }

    /** The table ({@code TABLE} or {@code SCHEMA.TABLE}); default {@code gripcast_outbox}. */
    public Builder table(String name) {
      this.table = OutboxTable.named(name);
      return this;
    }

    /**
     * Connects with {@code DriverManager} (the PostgreSQL JDBC driver must be on the class or module
     * path). The password is kept only to connect: it is in no message and no {@code toString}.
     *
     * @param url e.g. {@code jdbc:postgresql://db:5432/app}
     * @param user the database user, or null to use the URL's
     * @param password the password, or null (trust, or a password in the URL or .pgpass)
     */
    public Builder jdbc(String url, String user, String password) {
      this.connections = ConnectionSource.driverManager(url, user, password);
      return this;
    }

    /** Takes connections from {@code dataSource} (one at a time, held while the relay runs). */
    public Builder dataSource(DataSource dataSource) {
      this.connections = ConnectionSource.of(dataSource);
      return this;
    }

    /** Most rows per claim, publish and delete (default 500): also the most channels locked at once. */
    public Builder batchSize(int rows) {
      if (rows < 1 || rows > 10_000) {
        throw new IllegalArgumentException("outbox batch size must be 1..10000 rows, but was " + rows);
      }
      this.batchSize = rows;
      return this;
    }

    /** How long the relay waits for a NOTIFY before it reads the table anyway (default 1 s). */
    public Builder pollInterval(Duration interval) {
      this.pollInterval = positive(interval, "poll interval");
      return this;
    }

    /**
     * The pause after a failed publish or database error: {@code min}, doubling per failure up to
     * {@code max} (defaults 200 ms and 10 s), less up to 20% at random.
     */
    public Builder backoff(Duration min, Duration max) {
      positive(min, "minimum backoff");
      positive(max, "maximum backoff");
      if (max.compareTo(min) < 0) {
        throw new IllegalArgumentException("maximum backoff " + max + " is less than the minimum " + min);
      }
      this.minBackoff = min;
      this.maxBackoff = max;
      return this;
    }

    /**
     * How long a claim waits for an outbox row that some other transaction (not a relay) holds
     * locked, before it gives up and tries again later (default 5 s).
     */
    public Builder lockTimeout(Duration timeout) {
      this.lockTimeout = positive(timeout, "lock timeout");
      return this;
    }

    /** How long {@link OutboxRelay#close()} lets a publish in flight finish (default 30 s). */
    public Builder closeTimeout(Duration timeout) {
      this.closeTimeout = positive(timeout, "close timeout");
      return this;
    }

    public Builder listener(RelayListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * @throws IllegalStateException if no connection was configured, or the PostgreSQL JDBC driver
     *     (org.postgresql:postgresql) is missing
     */
    public OutboxRelay build() {
      if (connections == null) {
        throw new IllegalStateException("no database: call jdbc(url, user, password) or dataSource(...)");
      }
      try {
        Class.forName("org.postgresql.PGConnection", false, OutboxRelay.class.getClassLoader());
      } catch (ClassNotFoundException | LinkageError e) {
        throw new IllegalStateException("the outbox relay needs the PostgreSQL JDBC driver: add "
            + "org.postgresql:postgresql to the application (and requires org.postgresql.jdbc on the module path)");
      }
      return new OutboxRelay(this);
    }
  }
}
