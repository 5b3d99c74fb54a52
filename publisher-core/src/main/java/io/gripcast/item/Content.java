package io.gripcast.item;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A payload: UTF-8 text, or raw bytes. Text is sent as text on the wire; bytes are sent
 * base64-encoded in the {@code *-bin} fields and arrive at the subscriber as the same bytes.
 */
public sealed interface Content permits Content.Text, Content.Binary {

  /** Text content. */
  static Text text(String text) {
    return new Text(text);
  }

  /** Binary content; the array is copied. */
  static Binary bytes(byte[] bytes) {
    return new Binary(bytes);
  }

  /** The content as bytes: UTF-8 for text. Returns a fresh array. */
  byte[] toBytes();

  /** Number of bytes the content has on the subscriber's side (UTF-8 for text). */
  int byteLength();

  /**
   * UTF-8 text. Text with no UTF-8 form (a lone UTF-16 surrogate) is refused by the format it is
   * put in (WsMessage, HttpStream, HttpResponse), whose message names the field.
   *
   * <p>A record: its shape is fixed by the protocol.
   */
  record Text(String value) implements Content {
    public Text {
      Objects.requireNonNull(value, "text content must not be null (use \"\" for empty)");
    }

    @Override
    public byte[] toBytes() {
      return value.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public int byteLength() {
      return toBytes().length;
    }
  }

  /**
   * Raw bytes, defensively copied in and out.
   *
   * <p>A record: its shape is fixed by the protocol.
   */
  record Binary(byte[] value) implements Content {
    public Binary {
      Objects.requireNonNull(value, "binary content must not be null (use new byte[0] for empty)");
      value = value.clone();
    }

    /** A copy of the bytes. */
    @Override
    public byte[] value() {
      return value.clone();
    }

    @Override
    public byte[] toBytes() {
      return value.clone();
    }

    @Override
    public int byteLength() {
      return value.length;
    }

    /** A read-only stream over the bytes, without a copy; for serializers. */
    public java.io.InputStream openStream() {
      return new java.io.ByteArrayInputStream(value);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Binary b && Arrays.equals(value, b.value);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "Binary[" + value.length + " bytes]";
    }
  }
}
