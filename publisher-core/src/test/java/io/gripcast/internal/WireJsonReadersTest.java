package io.gripcast.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import io.gripcast.item.Publication;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code WireJson.readItem} reads the common shape of an item with a streaming reader and hands
 * everything else to the tree reader. These tests check that the two never disagree: the same
 * publication for every line the streaming reader takes, the same error for every line it declines.
 */
class WireJsonReadersTest {

  /** Lines of the shape bulk runs send: the streaming reader must take each of them itself. */
  static final List<String> COMMON = List.of(
      "{\"channel\":\"c\",\"formats\":{\"ws-message\":{\"content\":\"x\"}}}",
      "{\"channel\":\"bulk-3\",\"formats\":{\"http-stream\":{\"content\":\"item 3\\n\"},\"ws-message\":{\"content\":\"item 3\"}}}",
      "{\"formats\":{\"ws-message\":{\"content\":\"x\"}},\"channel\":\"order-does-not-matter\"}",
      "{\"channel\":\"c\",\"id\":\"a-1\",\"prev-id\":\"a-0\",\"meta\":{\"sender\":\"alice\",\"skip\":\"bob\"},\"no-seq\":true,"
          + "\"formats\":{\"ws-message\":{\"content\":\"h\\u00e9llo \\ud83c\\udf0d\"}}}",
      "{\"channel\":\"c\",\"no-seq\":false,\"formats\":{\"http-stream\":{\"content-bin\":\"AAEC/w==\"}}}",
      "{\"channel\":\"c\",\"formats\":{\"ws-message\":{\"content-bin\":\"AAEC/w==\",\"type\":\"binary\"}}}",
      "{\"channel\":\"c\",\"formats\":{\"ws-message\":{\"type\":\"Ping\",\"content\":\"p\"}}}",
      "{\"channel\":\"c\",\"formats\":{\"ws-message\":{\"action\":\"close\",\"code\":4001,\"reason\":\"bye\"}}}",
      "{\"channel\":\"c\",\"formats\":{\"http-stream\":{\"action\":\"close\"},\"ws-message\":{\"action\":\"hint\"}}}",
      "{\"channel\":\"c\",\"formats\":{\"http-stream\":{\"action\":\"send\",\"content\":\"a\",\"content-filters\":[\"skip-self\"]}}}",
      "{\"channel\":\"c\",\"formats\":{\"ws-message\":{\"content\":\"a\",\"content-filters\":[\"skip-self\",\"var-subst\"]}}}",
      "  {\"channel\" : \"spaces\" , \"formats\" : { \"ws-message\" : { \"content\" : \"x\" } } }  ",
      "{\"channel\":\"c\",\"meta\":{},\"formats\":{\"ws-message\":{\"content\":\"\"}}}");

  /** Lines the streaming reader leaves to the tree reader: other shapes, and every kind of error. */
  static final List<String> DECLINED = List.of(
      "{\"channel\":\"c\",\"formats\":{\"http-response\":{\"body\":\"x\"}}}",
      "{\"channel\":\"c\",\"formats\":{\"http-stream\":{\"content\":\"a\"},\"http-response\":{\"code\":204}}}",
      "{\"channel\":\"c\",\"id\":null,\"formats\":{\"ws-message\":{\"content\":\"x\"}}}",
      "{\"channel\":\"c\",\"channel\":\"d\",\"formats\":{\"ws-message\":{\"content\":\"x\"}}}",
      "{\"channel\":\"c\",\"meta\":{\"a\":\"1\",\"a\":\"2\"},\"formats\":{\"ws-message\":{\"content\":\"x\"}}}",
      "{\"channel\":\"c\",\"formats\":{\"ws-message\":{\"content\":\"x\",\"content\":\"y\"}}}",
      "{\"channel\":\"c\",\"formats\":{\"ws-message\":{\"content\":\"x\"},\"ws-message\":{\"content\":\"y\"}}}",
      "{\"channel\":\"c\",\"formats\":{\"ws-message\":{\"content\":\"x\"}}} trailing",
      "{\"channel\":\"c\",\"formats\":{\"ws-message\":{\"content\":\"x\"}}}{\"channel\":\"d\"}",
      // errors: each must keep the tree reader's message
      "",
      "   ",
      "[]",
      "\"text\"",
      "{",
      "{\"channel\":\"c\",\"formats\":{\"ws-message\":{\"content\":\"x\"}}",
      "{\"formats\":{\"ws-message\":{\"content\":\"x\"}}}",
      "{\"channel\":7,\"formats\":{\"ws-message\":{\"content\":\"x\"}}}",
      "{\"channel\":\"\",\"formats\":{\"ws-message\":{\"content\":\"x\"}}}",
      "{\"channel\":\"c\"}",
      "{\"channel\":\"c\",\"formats\":{}}",
      "{\"channel\":\"c\",\"formats\":[]}",
      "{\"channel\":\"c\",\"formats\":{\"sse\":{}}}",
      "{\"channel\":\"c\",\"prev_id\":\"1\",\"formats\":{\"ws-message\":{\"content\":\"x\"}}}",
      "{\"channel\":\"c\",\"no-seq\":\"yes\",\"formats\":{\"ws-message\":{\"content\":\"x\"}}}",
      "{\"channel\":\"c\",\"meta\":{\"n\":1},\"formats\":{\"ws-message\":{\"content\":\"x\"}}}",
      "{\"channel\":\"c\",\"meta\":[],\"formats\":{\"ws-message\":{\"content\":\"x\"}}}",
      "{\"channel\":\"c\",\"formats\":{\"ws-message\":\"x\"}}",
      "{\"channel\":\"c\",\"formats\":{\"ws-message\":{}}}",
      "{\"channel\":\"c\",\"formats\":{\"http-stream\":{}}}",
      "{\"channel\":\"c\",\"formats\":{\"ws-message\":{\"content\":\"x\",\"content-bin\":\"AA==\"}}}",
      "{\"channel\":\"c\",\"formats\":{\"ws-message\":{\"content-bin\":\"!!\"}}}",
      "{\"channel\":\"c\",\"formats\":{\"ws-message\":{\"action\":\"shout\"}}}",
      "{\"channel\":\"c\",\"formats\":{\"ws-message\":{\"type\":\"morse\",\"content\":\"x\"}}}",
      "{\"channel\":\"c\",\"formats\":{\"ws-message\":{\"action\":\"close\",\"code\":4001.5}}}",
      "{\"channel\":\"c\",\"formats\":{\"ws-message\":{\"action\":\"close\",\"code\":99999999999}}}",
      "{\"channel\":\"c\",\"formats\":{\"ws-message\":{\"action\":\"close\",\"code\":\"4001\"}}}",
      "{\"channel\":\"c\",\"formats\":{\"ws-message\":{\"content\":\"x\",\"code\":4001}}}",
      "{\"channel\":\"c\",\"formats\":{\"ws-message\":{\"content\":\"x\",\"content-filters\":\"skip-self\"}}}",
      "{\"channel\":\"c\",\"formats\":{\"ws-message\":{\"content\":\"x\",\"content-filters\":[1]}}}",
      "{\"channel\":\"c\",\"formats\":{\"ws-message\":{\"content\":\"\\udfff\"}}}",
      "{\"channel\":\"c\",\"formats\":{\"http-stream\":{\"content\":\"x\",\"extra\":1}}}");

  @Test
  void theStreamingReaderTakesTheCommonShapeAndAgreesWithTheTreeReader() {
    for (String line : COMMON) {
      Publication streamed = WireJson.readItemStreaming(line);
      assertNotNull(streamed, () -> "the streaming reader declined " + line);
      assertSame(line, streamed, WireJson.readItemTree(line));
      assertEquals(streamed, WireJson.readItem(line), line);
    }
  }

  /** One line reader for every line, as an NDJSON run uses it: a decline must not spoil the lines after it. */
  @Test
  void theLineReaderTakesTheCommonShapeFromBytesAndDeclinesTheRestWithOneParser() {
    WireJson.LineReader reader = new WireJson.LineReader();
    for (int round = 0; round < 2; round++) {
      for (String line : COMMON) {
        assertEquals(WireJson.readItemTree(line), lineRead(reader, line), line);
      }
      for (String line : DECLINED) {
        assertNull(lineRead(reader, line), () -> "the line reader took " + line);
        // and the next common line is read as if nothing had happened
        assertEquals(WireJson.readItemTree(COMMON.get(1)), lineRead(reader, COMMON.get(1)), "after " + line);
      }
    }
  }

  /** The line in the middle of a larger array, as NdjsonReader hands it over: bytes around it must not count. */
  private static Publication lineRead(WireJson.LineReader reader, String line) {
    byte[] utf8 = line.getBytes(StandardCharsets.UTF_8);
    byte[] framed = new byte[utf8.length + 8];
    java.util.Arrays.fill(framed, (byte) '{');
    System.arraycopy(utf8, 0, framed, 4, utf8.length);
    return reader.read(framed, 4, 4 + utf8.length);
  }

  @Test
  void everyOtherLineIsDeclinedAndReadItemGivesTheTreeReadersResultOrError() {
    WireJson.LineReader lineReader = new WireJson.LineReader();
    for (String line : DECLINED) {
      assertNull(WireJson.readItemStreaming(line), () -> "the streaming reader took " + line);
      assertEquals(outcome(() -> WireJson.readItemTree(line)), outcome(() -> WireJson.readItem(line)), line);
      byte[] utf8 = line.getBytes(StandardCharsets.UTF_8);
      assertEquals(outcome(() -> WireJson.readItemTree(line)), outcome(() -> lineReader.readItem(utf8, 0, utf8.length)),
          "from bytes: " + line);
    }
  }

  /**
   * Random single-character edits of the lines above (a byte removed, doubled or replaced by a
   * JSON-significant character): whatever either reader makes of a mutant, readItem agrees with
   * the tree reader, and where the streaming reader takes it, so does it.
   */
  @Test
  void mutatedLinesNeverMakeTheReadersDisagree() {
    Random random = new Random(20261203L); // fixed seed: a failure is reproducible
    String alphabet = "{}[],:\"\\ 0a-1tfn.";
    WireJson.LineReader lineReader = new WireJson.LineReader(); // one for all, through every decline
    int taken = 0;
    int takenFromBytes = 0;
    for (int i = 0; i < 20_000; i++) {
      // mostly the common lines, since most edits of a declined line stay declined
      List<String> seeds = random.nextInt(10) < 7 ? COMMON : DECLINED;
      String seed = seeds.get(random.nextInt(seeds.size()));
      if (seed.isEmpty()) {
        continue;
      }
      int at = random.nextInt(seed.length());
      String mutant;
      switch (random.nextInt(3)) {
        case 0:
          mutant = seed.substring(0, at) + seed.substring(at + 1);
          break;
        case 1:
          mutant = seed.substring(0, at) + seed.charAt(at) + seed.substring(at);
          break;
        default:
          mutant = seed.substring(0, at) + alphabet.charAt(random.nextInt(alphabet.length())) + seed.substring(at + 1);
      }
      String line = mutant;
      Object tree = outcome(() -> WireJson.readItemTree(line));
      assertEquals(tree, outcome(() -> WireJson.readItem(line)), line);
      Publication streamed = WireJson.readItemStreaming(line);
      if (streamed != null) {
        taken++;
        assertEquals(tree, streamed, line);
      }
      Publication fromBytes = line.isBlank() ? null : lineRead(lineReader, line);
      if (fromBytes != null) {
        takenFromBytes++;
        assertEquals(tree, fromBytes, line);
      }
    }
    if (takenFromBytes < 1_000) {
      fail("only " + takenFromBytes + " of the mutants were taken by the line reader");
    }
    // the mutants must exercise the streaming reader too, or this test shows nothing about it
    if (taken < 1_000) {
      fail("only " + taken + " of the mutants were taken by the streaming reader");
    }
  }

  private static void assertSame(String line, Publication streamed, Publication tree) {
    assertEquals(tree, streamed, line);
    // and the same bytes on the wire
    assertEquals(new String(WireJson.body(List.of(tree)), StandardCharsets.UTF_8),
        new String(WireJson.body(List.of(streamed)), StandardCharsets.UTF_8), line);
  }

  /** The publication, or the exception's class and message. */
  private static Object outcome(java.util.function.Supplier<Publication> read) {
    try {
      return read.get();
    } catch (RuntimeException e) {
      return e.getClass().getName() + ": " + e.getMessage();
    }
  }
}
