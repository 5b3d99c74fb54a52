package io.gripcast.cli;

import static io.gripcast.cli.Cli.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gripcast publish --ndjson}: batching, counts, and bad lines named by number. */
class BatchTest extends MockServerTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  static String line(String channel, String content) {
    return "{\"channel\":\"" + channel + "\",\"formats\":{\"ws-message\":{\"content\":\"" + content + "\"}}}";
  }

  /** {@code n} NDJSON lines for channel c, line i with content {@code item-<i>-} and 40 x's. */
  static String numberedLines(int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(line("c", "item-" + i + "-" + "x".repeat(40))).append('\n');
    }
    return sb.toString();
  }

  List<JsonNode> allItems() throws Exception {
    List<JsonNode> items = new ArrayList<>();
    int n = server.getRequestCount();
    for (int i = 0; i < n; i++) {
      RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
      assertNotNull(r);
      JSON.readTree(r.getBody().utf8()).get("items").forEach(items::add);
    }
    return items;
  }

  @Test
  void publishesEveryLineInOrderAndPrintsCounts() throws Exception {
    Files.writeString(dir.resolve("items.ndjson"),
        line("a", "1") + "\n\n" + line("b", "2") + "\n" + line("a", "3") + "\n");
    for (int i = 0; i < 3; i++) {
      server.enqueue(published());
    }
    // one request at a time: channels a and b share one lane (by default they would go in two), so the
    // file's order holds across requests; usually all three go in one, unless a cold JVM took longer
    // than the 5 ms linger between two lines
    Cli.Result r = cli().workDir(dir).run("publish", "--spec", spec, "--in-flight", "1", "--ndjson", "items.ndjson");
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().matches("Published 3 items from items\\.ndjson in (1 request|[23] requests)\n"), r.out());
    List<JsonNode> items = allItems();
    assertEquals(3, items.size());
    assertEquals("1", items.get(0).get("formats").get("ws-message").get("content").asText());
    assertEquals("b", items.get(1).get("channel").asText());
    assertEquals("3", items.get(2).get("formats").get("ws-message").get("content").asText());
  }

  @Test
  void readsStdin() throws Exception {
    server.enqueue(published());
    Cli.Result r = cli().stdin(line("a", "x") + "\n" + line("a", "y")).run("publish", "--spec", spec, "--ndjson", "-");
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().startsWith("Published 2 items from stdin"), r.out());
    assertEquals(2, allItems().size());
  }

  @Test
  void splitsUnderTheBodyLimit() throws Exception {
    Files.writeString(dir.resolve("big.ndjson"), numberedLines(50));
    for (int i = 0; i < 50; i++) {
      server.enqueue(published());
    }
    Cli.Result r = cli().workDir(dir).run("publish", "--spec", spec, "--max-body-bytes", "1000", "--ndjson", "big.ndjson");
    assertEquals(0, r.code(), r.toString());
    assertTrue(server.getRequestCount() > 1, "split into several requests");
    List<JsonNode> items = allItems();
    assertEquals(50, items.size());
    for (int i = 0; i < 50; i++) {
      assertTrue(items.get(i).get("formats").get("ws-message").get("content").asText().startsWith("item-" + i + "-"),
          "order kept");
    }
    assertTrue(r.out().contains("Published 50 items") && r.out().contains(server.getRequestCount() + " requests"), r.out());
  }

  @Test
  void badLineExits65NamingTheLineAndSendsNothingOfItsBatch() throws Exception {
    Files.writeString(dir.resolve("bad.ndjson"), line("a", "1") + "\n" + line("a", "2") + "\n"
        + "{\"channel\":\"a\",\"formats\":{\"ws-message\":{\"content\":\"3\"}},\"prev_id\":\"x\"}\n" + line("a", "4") + "\n");
    Cli.Result r = cli().workDir(dir).run("publish", "--spec", spec, "--ndjson", "bad.ndjson");
    assertEquals(65, r.code(), r.toString());
    assertEquals(1, r.errLines().length, r.toString());
    assertTrue(r.err().startsWith("gripcast publish: bad.ndjson line 3: "), r.err());
    assertTrue(r.err().contains("prev_id"), "names the bad field: " + r.err());
    assertTrue(r.err().contains("nothing was published"), r.err());
    assertEquals(0, server.getRequestCount());
  }

  /**
   * JSON lets a line spell a lone surrogate as an escape; it has no UTF-8 form, so the line is bad
   * data (65, named), not an item that would reach subscribers as U+FFFD.
   */
  @Test
  void loneSurrogateEscapeExits65NamingTheLine() {
    String emoji = line("a", "hi \\ud83c\\udf0d");
    String cut = line("a", "hi \\ud83c");
    Cli.Result r = cli().stdin(emoji + "\n" + cut + "\n").run("publish", "--spec", spec, "--ndjson", "-");
    assertEquals(65, r.code(), r.toString());
    assertEquals(1, r.errLines().length, r.toString());
    assertTrue(r.err().startsWith(
        "gripcast publish: stdin line 2: ws-message content has a lone UTF-16 surrogate U+D83C at index 3"), r.err());
    assertTrue(r.err().contains("binary content"), "says what to do instead: " + r.err());
    assertTrue(r.err().contains("nothing was published"), r.err());
    assertEquals(0, server.getRequestCount());
  }

  @Test
  void lineThatIsNotUtf8Exits65NamingTheLine() throws Exception {
    byte[] latin1 = (line("a", "caf\u00e9") + "\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    byte[] first = (line("a", "1") + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] both = new byte[first.length + latin1.length];
    System.arraycopy(first, 0, both, 0, first.length);
    System.arraycopy(latin1, 0, both, first.length, latin1.length);
    Files.write(dir.resolve("latin1.ndjson"), both);
    Cli.Result r = cli().workDir(dir).run("publish", "--spec", spec, "--ndjson", "latin1.ndjson");
    assertEquals(65, r.code(), r.toString());
    assertEquals(1, r.errLines().length, r.toString());
    assertTrue(r.err().startsWith("gripcast publish: latin1.ndjson line 2 is not UTF-8 text"), r.err());
    assertEquals(0, server.getRequestCount());
  }

  @Test
  void twoItemsOnOneLineExit65RatherThanLosingTheSecond() {
    Cli.Result r = cli().stdin(line("a", "1") + line("a", "2") + "\n").run("publish", "--spec", spec, "--ndjson", "-");
    assertEquals(65, r.code(), r.toString());
    assertTrue(r.err().contains("stdin line 1: more JSON after the item object: one item per line"), r.err());
    assertEquals(0, server.getRequestCount());
  }

  /** A producer that pauses: what it wrote goes out while it is still writing, not at the end. */
  @Test
  void aPausingProducerOnStdinHasEachLinePublishedWithoutWaitingForTheEnd() throws Exception {
    server.enqueue(published());
    server.enqueue(published());
    java.io.PipedOutputStream producer = new java.io.PipedOutputStream();
    java.io.PipedInputStream stdin = new java.io.PipedInputStream(producer);
    java.util.concurrent.CompletableFuture<Cli.Result> run = java.util.concurrent.CompletableFuture.supplyAsync(
        () -> cli().stdin(stdin).run("publish", "--spec", spec, "--ndjson", "-"));
    try {
      producer.write((line("a", "first") + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
      producer.flush();
      RecordedRequest first = server.takeRequest(10, TimeUnit.SECONDS);
      assertNotNull(first, "the first line was published while the producer still had the pipe open");
      assertTrue(first.getBody().utf8().contains("first"), first.getBody().utf8());
      producer.write((line("a", "second") + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
      producer.flush();
      RecordedRequest second = server.takeRequest(10, TimeUnit.SECONDS);
      assertNotNull(second, "and so was the second");
      assertTrue(second.getBody().utf8().contains("second"), second.getBody().utf8());
    } finally {
      producer.close();
    }
    Cli.Result r = run.get(10, TimeUnit.SECONDS);
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().startsWith("Published 2 items from stdin in 2 requests"), r.out());
  }

  @Test
  void notJsonLineExits65() {
    Cli.Result r = cli().stdin(line("a", "1") + "\nnot json\n").run("publish", "--spec", spec, "--ndjson", "-");
    assertEquals(65, r.code(), r.toString());
    assertTrue(r.err().contains("stdin line 2: not valid JSON"), r.err());
  }

  @Test
  void missingFileExits65() {
    Cli.Result r = cli().workDir(dir).run("publish", "--spec", spec, "--ndjson", "nope.ndjson");
    assertEquals(65, r.code(), r.toString());
    assertTrue(r.err().contains("cannot read nope.ndjson: no such file"), r.err());
  }

  @Test
  void failureMidwayReportsWhatWasPublished() throws Exception {
    Files.writeString(dir.resolve("f.ndjson"), numberedLines(20));
    server.enqueue(published());
    server.enqueue(new MockResponse.Builder().code(400).body("Invalid format: x\n").build());
    Cli.Result r = cli().workDir(dir).run("publish", "--spec", spec, "--max-body-bytes", "500", "--ndjson", "f.ndjson");
    assertEquals(76, r.code(), r.toString());
    assertEquals(1, r.errLines().length, r.toString());
    assertTrue(r.err().contains("rejected the publish"), r.err());
    assertFalse(r.err().contains("nothing was published"), r.err());
    // the first request was accepted: the message says how many items went out, and they did
    int accepted = JSON.readTree(server.takeRequest(5, TimeUnit.SECONDS).getBody().utf8()).get("items").size();
    assertTrue(r.err().contains(accepted + " items were published before the failure"), accepted + ": " + r.err());
  }

  @Test
  void itemFlagsDoNotMixWithNdjson() {
    Cli.Result r = cli().stdin(line("a", "1")).run("publish", "--spec", spec, "--id", "1", "--ndjson", "-");
    assertEquals(64, r.code(), r.toString());
    assertTrue(r.err().contains("--id does not apply to --ndjson"), r.err());
    Cli.Result r2 = cli().stdin(line("a", "1")).run("publish", "--spec", spec, "--ndjson", "-", "chan");
    assertEquals(64, r2.code(), r2.toString());
  }

  @Test
  void dryRunValidatesAndSendsNothing() throws Exception {
    Cli.Result r = cli().stdin(line("a", "1") + "\n" + line("b", "2") + "\n").run("publish", "--spec", spec, "--dry-run", "--ndjson", "-");
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().startsWith("POST " + spec + "/publish/\n"), r.out());
    assertTrue(r.err().contains("2 items from stdin are valid; nothing was sent"), r.err());
    assertEquals(0, server.getRequestCount());
  }

  /** The input is shown in parts as it is read (a part per body limit's worth of lines), every line once. */
  @Test
  void dryRunOfALargeInputShowsItInPartsAndNamesABadLine() throws Exception {
    Cli.Result r = cli().stdin(numberedLines(50)).run("publish", "--spec", spec, "--max-body-bytes", "1000",
        "--dry-run", "--ndjson", "-");
    assertEquals(0, r.code(), r.toString());
    int posts = r.out().split("POST " + java.util.regex.Pattern.quote(spec) + "/publish/\n", -1).length - 1;
    assertTrue(posts >= 4, "about 4,900 bytes of lines in parts of 1,000: " + posts);
    for (int i = 0; i < 50; i++) {
      assertEquals(1, r.out().split("item-" + i + "-x", -1).length - 1, "item " + i + " shown once");
    }
    assertTrue(r.err().contains("50 items from stdin are valid; nothing was sent"), r.err());
    Cli.Result bad = cli().stdin(numberedLines(30) + "{\"channel\":\"c\"}\n").run("publish", "--spec", spec,
        "--dry-run", "--ndjson", "-");
    assertEquals(65, bad.code(), bad.toString());
    assertTrue(bad.err().startsWith("gripcast publish: stdin line 31: "), bad.err());
    assertEquals(0, server.getRequestCount());
  }

  @Test
  void jsonSummary() throws Exception {
    server.enqueue(published());
    Cli.Result r = cli().stdin(line("a", "1") + "\n" + line("a", "2") + "\n").run("publish", "--spec", spec, "--json", "--ndjson", "-");
    assertEquals(0, r.code(), r.toString());
    JsonNode j = JSON.readTree(r.out());
    assertEquals(2, j.get("items").asInt());
    assertEquals(1, j.get("requests").asInt());
    assertEquals("PUBLISHED", j.get("endpoints").get(0).get("outcome").asText());
  }

  @Test
  void channelsGoOutInSeveralRequestsAtOnceEachChannelInOrder() throws Exception {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 60; i++) {
      for (String ch : List.of("a", "b", "c", "d")) {
        sb.append(line(ch, ch + i)).append('\n');
      }
    }
    Files.writeString(dir.resolve("lanes.ndjson"), sb.toString());
    for (int i = 0; i < 100; i++) {
      server.enqueue(published());
    }
    Cli.Result r = cli().workDir(dir).run("publish", "--spec", spec, "--batch", "10", "--in-flight", "4", "--ndjson", "lanes.ndjson");
    assertEquals(0, r.code(), r.toString());
    List<JsonNode> items = allItems();
    assertEquals(240, items.size());
    java.util.Map<String, Integer> next = new java.util.HashMap<>();
    for (JsonNode it : items) {
      String ch = it.get("channel").asText();
      int n = next.getOrDefault(ch, 0);
      assertEquals(ch + n, it.get("formats").get("ws-message").get("content").asText(), "order on " + ch);
      next.put(ch, n + 1);
    }
    assertTrue(r.out().startsWith("Published 240 items from lanes.ndjson in "), r.out());
    assertTrue(server.getRequestCount() >= 24, "at most 10 items per request: " + server.getRequestCount());
  }

  @Test
  void batchAndInFlightMustBePositive() {
    Cli.Result r = cli().stdin(line("a", "1")).run("publish", "--spec", spec, "--in-flight", "0", "--ndjson", "-");
    assertEquals(64, r.code(), r.toString());
    assertTrue(r.err().contains("--in-flight must be at least 1"), r.err());
  }
}
