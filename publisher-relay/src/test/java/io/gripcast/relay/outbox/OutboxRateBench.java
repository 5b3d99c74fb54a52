package io.gripcast.relay.outbox;

import io.gripcast.build.PostgresInstance;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gripcast.Publisher;
import io.gripcast.item.HttpStream;
import io.gripcast.item.Item;
import io.gripcast.item.Publication;
import io.gripcast.item.WsMessage;
import io.gripcast.testing.PushpinExtension;
import io.gripcast.testing.PushpinInstance;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The measurement behind docs/performance.md's outbox figure; opt-in (the name is outside
 * surefire's test patterns, so `mvn verify` does not run it, nor report it skipped), since it takes a minute and
 * its numbers mean something only on a quiet machine:
 * {@code mvn -pl publisher-relay -am test -Dtest=OutboxRateBench -Dsurefire.failIfNoSpecifiedTests=false -Dgripcast.outbox.rate=true}.
 * On one Pushpin it runs wrk at 100 items per POST (benchmarks/wrk/publish.lua, 64-byte
 * http-stream and ws-message content), then the relay over a full outbox of the same items, and
 * prints {@code RATE ...} lines to the test's output file.
 */
class OutboxRateBench {

  @RegisterExtension
  static PushpinExtension pushpin = PushpinExtension.builder().build();

  private static final int ROWS = 20_000;
  private static final int SIZE = 64;

  @Test
  void relayRateNextToWrk(PushpinInstance p) throws Exception {
    Assumptions.assumeTrue(Boolean.getBoolean("gripcast.outbox.rate"), "a measurement: run with -Dgripcast.outbox.rate=true");
    try (PostgresInstance pg = PostgresInstance.start();
        Publisher publisher = Publisher.builder().endpoint(p.gripUrl()).build()) {
      for (int rep = 0; rep < 3; rep++) {
        wrk(p, 100);
        for (int batch : new int[] {100, 500}) {
          String table = "rate_" + rep + "_" + batch;
          Outbox outbox = Outbox.inTable(table);
          try (Connection c = pg.connect()) {
            outbox.migrate(c);
            c.setAutoCommit(false);
            List<Publication> rows = new ArrayList<>();
            for (int i = 0; i < ROWS; i++) {
              String text = String.format("gco %06d ", i);
              text = text + "x".repeat(SIZE - 1 - text.length()) + "\n";
              rows.add(Item.of(HttpStream.text(text), WsMessage.text(text)).on("bench"));
            }
            outbox.writeAll(c, rows);
            c.commit();
          }
          try (OutboxRelay relay = OutboxRelay.builder(publisher).jdbc(pg.jdbcUrl(), PostgresInstance.USER, null)
              .table(table).batchSize(batch).build()) {
            long t0 = System.nanoTime();
            relay.start();
            long deadline = t0 + TimeUnit.SECONDS.toNanos(120);
            while (relay.stats().published() < ROWS && System.nanoTime() < deadline) {
              Thread.sleep(5);
            }
            double s = (System.nanoTime() - t0) / 1e9;
            assertEquals(ROWS, relay.stats().published());
            System.out.printf("RATE rep=%d source=outbox batch=%d rows=%d seconds=%.3f items_per_s=%.0f load=%s%n",
                rep, batch, ROWS, s, ROWS / s, load());
          }
        }
      }
    }
  }

  private static void wrk(PushpinInstance p, int batch) throws Exception {
    Path lua = Path.of("../benchmarks/wrk/publish.lua").toAbsolutePath().normalize();
    assertTrue(Files.isRegularFile(lua), "wrk script " + lua);
    ProcessBuilder pb = new ProcessBuilder("wrk", "-t1", "-c8", "-d5s", "-s", lua.toString(), p.gripUrl() + "/publish/")
        .redirectErrorStream(true);
    pb.environment().put("BATCH", Integer.toString(batch));
    pb.environment().put("SIZE", Integer.toString(SIZE));
    pb.environment().put("CHANNEL", "bench");
    Process w;
    try {
      w = pb.start();
    } catch (java.io.IOException e) {
      Assumptions.abort("wrk is missing (apt-get install -y wrk): " + e.getMessage());
      return;
    }
    String out = new String(w.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(w.waitFor(30, TimeUnit.SECONDS));
    String result = out.lines().filter(l -> l.startsWith("RESULT")).findFirst().orElse("no RESULT line: " + out);
    System.out.println("RATE source=wrk " + result + " load=" + load());
  }

  private static String load() throws Exception {
    return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
  }
}
