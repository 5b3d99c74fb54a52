package io.gripcast;

import io.gripcast.internal.WireJson;
import io.gripcast.item.Publication;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Reads publications from NDJSON: one item object of the wire format per line (as
 * {@link GripJson#parsePublication(String)} reads one), in UTF-8. Lines end at {@code \n},
 * {@code \r} or {@code \r\n}, as {@link java.io.BufferedReader#readLine()} splits them; blank lines
 * are skipped. Made by {@link GripJson#ndjsonReader(InputStream)}.
 *
 * <p>It reads bytes and parses each line with one reused parser. Against decoding each line to a
 * string and parsing that, 100,000 small items took 0.77 of the time and half the garbage in a
 * cold JVM with the CLI's flags, 0.63 and a third once compiled (docs/performance.md, "Round
 * five"). Results and error messages are {@code parsePublication}'s: a line the fast path declines
 * is read again by the reader that makes them.
 *
 * <p>Not thread-safe. Closing it closes the stream.
 */
public final class NdjsonReader implements Closeable {
  private static final int INITIAL_BUFFER = 64 * 1024;

  private final InputStream in;
  private final WireJson.LineReader lines = new WireJson.LineReader();
  private byte[] buf = new byte[INITIAL_BUFFER];
  /** The unread bytes are {@code buf[start, end)}. */
  private int start;
  private int end;
  private boolean eof;
  /** The current line is {@code buf[lineStart, lineEnd)}, without its line break. */
  private int lineStart;
  private int lineEnd;
  private long lineNumber;
  private long bytesRead;
  private CharsetDecoder decoder;

  NdjsonReader(InputStream in) {
    this.in = Objects.requireNonNull(in, "in");
  }

  /**
   * The next item, or null at the end of the input.
   *
   * @throws IllegalArgumentException when the line is not a valid item, with
   *     {@code parsePublication}'s message; {@link #lineNumber()} names the line
   * @throws CharacterCodingException when the line is not UTF-8
   * @throws IOException when the stream cannot be read
   */
  public Publication next() throws IOException {
    while (nextLine()) {
      boolean ascii = true;
      boolean blank = true;
      for (int i = lineStart; i < lineEnd; i++) {
        byte b = buf[i];
        if (b < 0) {
          ascii = false;
          break;
        }
        if (blank && !Character.isWhitespace(b)) {
          blank = false;
        }
      }
      if (!ascii) {
        blank = decodeStrictly().isBlank(); // and a line that is not UTF-8 fails here
      }
      if (!blank) {
        return lines.readItem(buf, lineStart, lineEnd);
      }
    }
    return null;
  }

  /** The number of the line read last (1 for the first line, blank lines counted): the item's, or the bad line's. */
  public long lineNumber() {
    return lineNumber;
  }

  /** How many bytes of the stream the lines read so far took, line breaks included. */
  public long bytesRead() {
    return bytesRead;
  }

  /**
   * True when a next line can be started without waiting for the stream: some of it is buffered,
   * or the stream has bytes available. For a producer on a pipe, false means "flush what you have".
   */
  public boolean ready() throws IOException {
    return start < end || (!eof && in.available() > 0);
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  /** Finds the next line; false at the end of the input. */
  private boolean nextLine() throws IOException {
    int scan = start;
    while (true) {
      for (int i = scan; i < end; i++) {
        byte b = buf[i];
        if (b == '\n' || b == '\r') {
          if (b == '\r' && i + 1 == end && !eof) {
            break; // a \r\n may be split across reads: read on before deciding
          }
          int next = b == '\r' && i + 1 < end && buf[i + 1] == '\n' ? i + 2 : i + 1;
          take(i, next);
          return true;
        }
      }
      if (eof) {
        if (start == end) {
          return false;
        }
        take(end, end);
        return true;
      }
      // look again from the last byte (a \r), as an offset: fill() moves the unread bytes to the front
      int rescan = Math.max(start, end - 1) - start;
      fill();
      scan = start + rescan;
    }
  }

  /** The current line ends at {@code lineBreak}; the next one starts at {@code next}. */
  private void take(int lineBreak, int next) {
    lineStart = start;
    lineEnd = lineBreak;
    bytesRead += next - start;
    start = next;
    lineNumber++;
  }

  /** Reads more of the stream behind the unread bytes, moving them to the front or growing the buffer first. */
  private void fill() throws IOException {
    if (start > 0) {
      System.arraycopy(buf, start, buf, 0, end - start);
      end -= start;
      start = 0;
    }
    if (end == buf.length) {
      byte[] bigger = new byte[buf.length * 2];
      System.arraycopy(buf, 0, bigger, 0, end);
      buf = bigger;
    }
    int n = in.read(buf, end, buf.length - end);
    if (n < 0) {
      eof = true;
    } else {
      end += n;
    }
  }

  /** The current line as text; a line that is not UTF-8 fails, as a reader with a reporting decoder fails. */
  private String decodeStrictly() throws CharacterCodingException {
    if (decoder == null) {
      decoder = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
    }
    return decoder.decode(ByteBuffer.wrap(buf, lineStart, lineEnd - lineStart)).toString();
  }
}
