package io.gripcast.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Writes JSON as UTF-8 into a stream, byte for byte as Jackson's {@code UTF8JsonGenerator} with
 * {@code COMBINE_UNICODE_SURROGATES_IN_UTF8} and no root separator wrote the publish body before
 * (a test compares the two on random strings). Only what the publish body needs: objects, arrays,
 * strings, ints, true, base64 binary and raw JSON values. Not thread-safe.
 *
 * <p>Why by hand: Jackson's first {@code JsonFactory} and generator load about 70 classes and
 * fill their tables, 40 ms on a cold JVM here, which was a quarter of the scheduled-broadcast
 * example's cold invocation (docs/performance.md, "The example's cold invocation"). The escaping
 * rules are few and fixed by RFC 8259; reading JSON stays with Jackson.
 */
final class JsonOut implements AutoCloseable {
  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_DEPTH = 32;

  private final OutputStream out;
  private final byte[] buf = new byte[8192];
  private int pos;
  /** Per open object or array: whether a value was written in it, so the next needs a comma. */
  private final boolean[] hasValue = new boolean[MAX_DEPTH];
  private int depth;
  private boolean afterName;

  JsonOut(OutputStream out) {
    this.out = out;
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
    if (depth > 0 && hasValue[depth - 1]) {
      put(',');
    }
    if (depth > 0) {
      hasValue[depth - 1] = true;
    }
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

  /** Pushes what is buffered into the stream. */
  void flush() {
    if (pos > 0) {
      try {
        out.write(buf, 0, pos);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      pos = 0;
    }
  }

  /** Flushes; the stream stays open (it is the caller's). */
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
      return;
    }
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
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        if (c >= 0x20 && c != '"' && c != '\\') {
          put(c);
        } else {
          escape(c);
        }
      } else if (c < 0x800) {
        room(2);
        buf[pos++] = (byte) (0xC0 | (c >> 6));
        buf[pos++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        room(4);
        buf[pos++] = (byte) (0xF0 | (cp >> 18));
        buf[pos++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        buf[pos++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        buf[pos++] = (byte) (0x80 | (cp & 0x3F));
      } else if (Character.isSurrogate(c)) {
        // the item model refuses these before they get here
        throw new IllegalArgumentException("a string has a lone UTF-16 surrogate at index " + i
            + ", which has no UTF-8 encoding");
      } else {
        room(3);
        buf[pos++] = (byte) (0xE0 | (c >> 12));
        buf[pos++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        buf[pos++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    put('"');
  }

  /** RFC 8259's short escapes where there is one, else {@code \}{@code u00XX}, as Jackson writes them. */
  private void escape(char c) {
    char shortForm;
    switch (c) {
      case '"':
        shortForm = '"';
        break;
      case '\\':
        shortForm = '\\';
        break;
      case '\b':
        shortForm = 'b';
        break;
      case '\t':
        shortForm = 't';
        break;
      case '\f':
        shortForm = 'f';
        break;
      case '\n':
        shortForm = 'n';
        break;
      case '\r':
        shortForm = 'r';
        break;
      default:
        room(6);
        buf[pos++] = '\\';
        buf[pos++] = 'u';
        buf[pos++] = '0';
        buf[pos++] = '0';
        buf[pos++] = HEX[c >> 4];
        buf[pos++] = HEX[c & 0xF];
        return;
    }
    room(2);
    buf[pos++] = '\\';
    buf[pos++] = (byte) shortForm;
  }

  private void put(char c) {
    if (pos == buf.length) {
      flush();
    }
    buf[pos++] = (byte) c;
  }

  private void room(int n) {
    if (pos + n > buf.length) {
      flush();
    }
  }

  private void raw(byte[] b, int off, int len) {
    if (len > buf.length - pos) {
      flush();
      if (len > buf.length) {
        try {
          out.write(b, off, len);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        return;
      }
    }
    System.arraycopy(b, off, buf, pos, len);
    pos += len;
  }
}
