package io.gripcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gripcast.item.Publication;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link NdjsonReader} against what reading lines with a {@code BufferedReader} and
 * {@link GripJson#parsePublication(String)} gives: the same items, errors and line numbers,
 * whatever the line breaks and however the stream hands out its bytes.
 */
class NdjsonReaderTest {

  private static String item(String channel, String content) {
    return "{\"channel\":\"" + channel + "\",\"formats\":{\"ws-message\":{\"content\":\"" + content + "\"}}}";
  }

  private static final String A = item("a", "one");
  private static final String B = item("b", "two");
  private static final String C = item("c", "three");

  /** Every item of the input, read with chunks of {@code chunk} bytes at a time; with line numbers. */
  private static List<String> readAll(byte[] input, int chunk) throws IOException {
    List<String> out = new ArrayList<>();
    try (NdjsonReader r = GripJson.ndjsonReader(new Trickle(input, chunk))) {
      Publication p;
      while ((p = r.next()) != null) {
        out.add(r.lineNumber() + ":" + p.channel());
      }
      assertEquals(input.length, r.bytesRead(), "every byte counted");
    }
    return out;
  }

  private static List<String> readAll(String input, int chunk) throws IOException {
    return readAll(input.getBytes(StandardCharsets.UTF_8), chunk);
  }

  @Test
  void everyLineBreakBufferedReaderKnowsEndsALine() throws IOException {
    String input = A + "\n" + B + "\r\n" + C + "\r" + A + "\n\n\r\n" + B; // last line without a break
    List<String> expected = List.of("1:a", "2:b", "3:c", "4:a", "7:b");
    for (int chunk : new int[] {1, 2, 3, 7, 64 * 1024}) {
      assertEquals(expected, readAll(input, chunk), "chunks of " + chunk);
    }
  }

  @Test
  void aCarriageReturnAtTheEndOfTheInputEndsTheLastLine() throws IOException {
    assertEquals(List.of("1:a", "2:b"), readAll(A + "\r" + B + "\r", 1));
  }

  @Test
  void blankLinesAreSkippedButCountedWhateverTheirWhitespace() throws IOException {
    // ASCII whitespace, and Unicode whitespace (U+2003, U+3000), which String.isBlank also takes
    String input = " \t\u000b\f\u001f\n" + A + "\n\u2003\u3000\n" + B + "\n";
    assertEquals(List.of("2:a", "4:b"), readAll(input, 5));
  }

  @Test
  void nonAsciiItemsAreReadAsParsePublicationReadsThem() throws IOException {
    String line = item("caf\u00e9", "h\u00e9llo \uD83C\uDF0D \u65e5\u672c");
    try (NdjsonReader r = GripJson.ndjsonReader(new ByteArrayInputStream((line + "\n").getBytes(StandardCharsets.UTF_8)))) {
      assertEquals(GripJson.parsePublication(line), r.next());
      assertNull(r.next());
    }
  }

  @Test
  void shapesTheFastPathDeclinesAreStillRead() throws IOException {
    String response = "{\"channel\":\"r\",\"formats\":{\"http-response\":{\"body\":\"x\"}}}";
    String duplicate = "{\"channel\":\"x\",\"channel\":\"d\",\"formats\":{\"ws-message\":{\"content\":\"x\"}}}";
    String input = response + "\n" + A + "\n" + duplicate + "\n" + B + "\n";
    try (NdjsonReader r = GripJson.ndjsonReader(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)))) {
      assertEquals(GripJson.parsePublication(response), r.next());
      assertEquals(GripJson.parsePublication(A), r.next());
      assertEquals(GripJson.parsePublication(duplicate), r.next()); // the tree reader keeps the last
      assertEquals(GripJson.parsePublication(B), r.next());
      assertNull(r.next());
    }
  }

  @Test
  void aBadLineFailsWithParsePublicationsMessageAndItsNumber() throws IOException {
    // an unknown format, two items on one line, an item cut short
    for (String line : List.of("{\"channel\":\"c\",\"formats\":{\"sse\":{}}}", A + " " + B, "{\"channel\":\"c\"")) {
      String message = assertThrows(IllegalArgumentException.class, () -> GripJson.parsePublication(line)).getMessage();
      try (NdjsonReader r = GripJson.ndjsonReader(
          new ByteArrayInputStream((A + "\n\n" + line + "\n" + B).getBytes(StandardCharsets.UTF_8)))) {
        assertEquals(GripJson.parsePublication(A), r.next());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::next);
        assertEquals(message, e.getMessage(), line);
        assertEquals(3, r.lineNumber(), line);
      }
    }
  }

  /** A producer that forgot a line break: the second item must not be dropped unseen. */
  @Test
  void twoItemsOnOneLineAreRefusedRatherThanHalfRead() throws IOException {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GripJson.parsePublication(A + B));
    assertTrue(e.getMessage().contains("one item per line"), e.getMessage());
    try (NdjsonReader r = GripJson.ndjsonReader(new ByteArrayInputStream((A + " " + B).getBytes(StandardCharsets.UTF_8)))) {
      assertEquals(e.getMessage(), assertThrows(IllegalArgumentException.class, r::next).getMessage());
    }
  }

  @Test
  void aLineThatIsNotUtf8FailsAsADecodingReaderFails() throws IOException {
    byte[] a = (A + "\n").getBytes(StandardCharsets.UTF_8);
    // a lone continuation byte, an overlong '/', and a UTF-8-encoded surrogate: all malformed
    for (byte[] bad : new byte[][] {{(byte) 0x80}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}}) {
      byte[] line = item("c", "x").replace("x", "\u0001").getBytes(StandardCharsets.UTF_8);
      int at = new String(line, StandardCharsets.UTF_8).indexOf('\u0001');
      byte[] input = new byte[a.length + line.length - 1 + bad.length];
      System.arraycopy(a, 0, input, 0, a.length);
      System.arraycopy(line, 0, input, a.length, at);
      System.arraycopy(bad, 0, input, a.length + at, bad.length);
      System.arraycopy(line, at + 1, input, a.length + at + bad.length, line.length - at - 1);
      try (NdjsonReader r = GripJson.ndjsonReader(new ByteArrayInputStream(input))) {
        r.next();
        assertThrows(CharacterCodingException.class, r::next);
        assertEquals(2, r.lineNumber());
      }
    }
  }

  @Test
  void linesLongerThanTheBufferAreRead() throws IOException {
    String big = "x".repeat(300_000);
    String input = A + "\n" + item("big", big) + "\r\n" + B;
    try (NdjsonReader r = GripJson.ndjsonReader(new Trickle(input.getBytes(StandardCharsets.UTF_8), 10_000))) {
      assertEquals("a", r.next().channel());
      Publication p = r.next();
      assertEquals(GripJson.parsePublication(item("big", big)), p);
      assertEquals("b", r.next().channel());
      assertNull(r.next());
    }
  }

  @Test
  void readyTellsWhetherMoreCanBeReadWithoutWaiting() throws IOException {
    byte[] input = (A + "\n" + B + "\n").getBytes(StandardCharsets.UTF_8);
    try (NdjsonReader r = GripJson.ndjsonReader(new ByteArrayInputStream(input))) {
      assertTrue(r.ready(), "bytes available on the stream");
      r.next();
      assertTrue(r.ready(), "the second line is buffered");
      r.next();
      assertFalse(r.ready(), "nothing left");
      assertNull(r.next());
      assertFalse(r.ready());
    }
  }

  @Test
  void anEmptyStreamHasNoItems() throws IOException {
    assertEquals(List.of(), readAll(new byte[0], 1));
    assertEquals(List.of(), readAll("\n\r\n  \n", 2));
  }

  /** Hands out at most {@code chunk} bytes per read, as a pipe does, and never more than asked. */
  private static final class Trickle extends FilterInputStream {
    private final int chunk;

    Trickle(byte[] bytes, int chunk) {
      super(new ByteArrayInputStream(bytes));
      this.chunk = chunk;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return super.read(b, off, Math.min(len, chunk));
    }

    @Override
    public int available() {
      return 0; // like a pipe with nothing written yet
    }
  }
}
