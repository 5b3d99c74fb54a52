package io.gripcast.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Writes JSON as UTF-8 into a {@link ByteSink}, byte for byte as Jackson's {@code UTF8JsonGenerator} with
 * {@code COMBINE_UNICODE_SURROGATES_IN_UTF8} and no root separator wrote the publish body before
 * (a test compares the two on random strings). Only what the publish body needs: objects, arrays,
 * strings, ints, true, base64 binary and raw JSON values. It writes straight into the sink's array
 * (no buffer of its own, nothing copied twice); while it is open nothing else may write to the
 * sink, and {@link #flush()} makes the sink's size exact. Not thread-safe.
 *
 * <p>Why by hand: Jackson's first {@code JsonFactory} and generator load about 70 classes and
 * fill their tables, 40 ms on a cold JVM here, which was a quarter of the scheduled-broadcast
 * example's cold invocation (docs/performance.md, "The example's cold invocation"). The escaping
 * rules are few and fixed by RFC 8259; reading JSON stays with Jackson.
 */
final class JsonOut implements AutoCloseable {
  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_DEPTH = 32;

  /** Per character below 128: 0 when written as is, else the letter of its escape ('u' for \\u00XX). */
  private static final byte[] ESCAPE = new byte[128];

  static {
    for (int c = 0; c < 0x20; c++) {
      ESCAPE[c] = 'u';
    }
    ESCAPE['"'] = '"';
    ESCAPE['\\'] = '\\';
    ESCAPE['\b'] = 'b';
    ESCAPE['\t'] = 't';
    ESCAPE['\f'] = 'f';
    ESCAPE['\n'] = 'n';
    ESCAPE['\r'] = 'r';
  }

  /**
   * Characters encoded per reservation: a string is written in runs of this many, each reserving
   * 3 bytes a character (UTF-8's most for one char; a surrogate pair needs 4 for its two). Short
   * runs keep the reservation close to what is written, so the sink, sized from an estimate of the
   * body, is not grown for room that is never used (measured: runs of 512 at 6 bytes a character
   * tripled the bytes allocated per 1 KB item).
   */
  private static final int RUN = 64;

  private final ByteSink sink;
  private byte[] buf;
  private int pos;
  /** Per open object or array: whether a value was written in it, so the next needs a comma. */
  private final boolean[] hasValue = new boolean[MAX_DEPTH];
  private int depth;
  private boolean afterName;

  JsonOut(ByteSink sink) {
    this.sink = sink;
    this.buf = sink.array();
    this.pos = sink.size();
  }

  void writeStartObject() {
    beforeValue();
    put('{');
    open();
  }

  void writeEndObject() {
    close('}');
  }

  void writeStartArray() {
    beforeValue();
    put('[');
    open();
  }

  void writeEndArray() {
    close(']');
  }

  void writeFieldName(String name) {
    separate();
    quoted(name);
    put(':');
    afterName = true;
  }

  void writeString(String value) {
    beforeValue();
    quoted(value);
  }

  void writeStringField(String name, String value) {
    writeFieldName(name);
    writeString(value);
  }

  void writeNumberField(String name, int value) {
    writeFieldName(name);
    beforeValue();
    ascii(Integer.toString(value));
  }

  void writeBooleanField(String name, boolean value) {
    writeFieldName(name);
    beforeValue();
    ascii(value ? "true" : "false");
  }

  void writeObjectFieldStart(String name) {
    writeFieldName(name);
    writeStartObject();
  }

  void writeArrayFieldStart(String name) {
    writeFieldName(name);
    writeStartArray();
  }

  /** A JSON string of the bytes' standard base64 (with padding, no line breaks). */
  void writeBinary(InputStream bytes, int length) {
    beforeValue();
    put('"');
    byte[] chunk = new byte[3 * 1024]; // a multiple of 3: padding only at the end
    Base64.Encoder encoder = Base64.getEncoder();
    try {
      int left = length;
      while (left > 0) {
        int n = bytes.readNBytes(chunk, 0, Math.min(chunk.length, left));
        if (n <= 0) {
          throw new IllegalStateException("binary content ended " + left + " bytes early");
        }
        byte[] encoded = encoder.encode(n == chunk.length ? chunk : java.util.Arrays.copyOf(chunk, n));
        raw(encoded, 0, encoded.length);
        left -= n;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    put('"');
  }

  /** A value that is already JSON (checked by the caller), copied as UTF-8. */
  void writeRawValue(String json) {
    beforeValue();
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    raw(b, 0, b.length);
  }

  /** One character outside any structure, e.g. the comma between two top-level items. */
  void writeRaw(char c) {
    put(c);
  }

  /** Makes the sink's size count what was written. */
  void flush() {
    sink.size(pos);
  }

  /** Flushes; the sink stays the caller's. */
  @Override
  public void close() {
    flush();
  }

  private void open() {
    if (depth == MAX_DEPTH) {
      throw new IllegalStateException("JSON nested deeper than " + MAX_DEPTH);
    }
    hasValue[depth++] = false;
  }

  private void close(char c) {
    depth--;
    put(c);
  }

  /** A comma before a value in an array; none after a field name or at the top level. */
  private void beforeValue() {
    if (afterName) {
      afterName = false;
    } else {
      separate();
    }
  }

  /** A comma before the second and later entries of the open object or array; none at the top level. */
  private void separate() {
    if (depth > 0) {
      if (hasValue[depth - 1]) {
        put(',');
      }
      hasValue[depth - 1] = true;
    }
  }

  private void ascii(String s) {
    for (int i = 0; i < s.length(); i++) {
      put(s.charAt(i));
    }
  }

  private void quoted(String s) {
    put('"');
    int n = s.length();
    int i = 0;
    while (i < n) {
      int end = Math.min(n, i + RUN);
      room((end - i + 1) * 3);
      byte[] b = buf;
      int p = pos;
      for (; i < end; i++) {
        char c = s.charAt(i);
        if (c < 0x80) {
          byte e = ESCAPE[c];
          if (e == 0) {
            b[p++] = (byte) c;
          } else {
            if (p + 6 + (end - i) * 3 > b.length) { // an escape takes up to 6 bytes, not 3
              pos = p;
              room(6 + (end - i) * 3);
              b = buf;
              p = pos;
            }
            b[p++] = '\\';
            b[p++] = e;
            if (e == 'u') {
              b[p++] = '0';
              b[p++] = '0';
              b[p++] = HEX[c >> 4];
              b[p++] = HEX[c & 0xF];
            }
          }
        } else if (c < 0x800) {
          b[p++] = (byte) (0xC0 | (c >> 6));
          b[p++] = (byte) (0x80 | (c & 0x3F));
        } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
          int cp = Character.toCodePoint(c, s.charAt(++i));
          b[p++] = (byte) (0xF0 | (cp >> 18));
          b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
          b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
          b[p++] = (byte) (0x80 | (cp & 0x3F));
        } else if (Character.isSurrogate(c)) {
          pos = p;
          // the item model refuses these before they get here
          throw new IllegalArgumentException("a string has a lone UTF-16 surrogate at index " + i
              + ", which has no UTF-8 encoding");
        } else {
          b[p++] = (byte) (0xE0 | (c >> 12));
          b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
          b[p++] = (byte) (0x80 | (c & 0x3F));
        }
      }
      pos = p;
    }
    put('"');
  }

  private void put(char c) {
    if (pos == buf.length) {
      room(1);
    }
    buf[pos++] = (byte) c;
  }

  private void room(int n) {
    if (pos + n > buf.length) {
      sink.size(pos);
      buf = sink.reserve(n);
    }
  }

  private void raw(byte[] b, int off, int len) {
    room(len);
    System.arraycopy(b, off, buf, pos, len);
    pos += len;
  }
}
