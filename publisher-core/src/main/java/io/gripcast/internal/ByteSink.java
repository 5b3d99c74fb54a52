package io.gripcast.internal;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * A growable byte buffer that hands out slices without copying (unlike ByteArrayOutputStream,
 * whose toByteArray always copies). Not thread-safe.
 */
public final class ByteSink extends OutputStream {
  private byte[] buf;
  private int size;

  public ByteSink(int initialCapacity) {
    buf = new byte[Math.max(16, initialCapacity)];
  }

  private void ensure(int extra) {
    int need = size + extra;
    if (need > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(need, buf.length * 2));
    }
  }

  @Override
  public void write(int b) {
    ensure(1);
    buf[size++] = (byte) b;
  }

  @Override
  public void write(byte[] b) {
    write(b, 0, b.length);
  }

  @Override
  public void write(byte[] b, int off, int len) {
    ensure(len);
    System.arraycopy(b, off, buf, size, len);
    size += len;
  }

  public int size() {
    return size;
  }

  /** The backing array; valid up to {@link #size()} until the next write. */
  public byte[] array() {
    return buf;
  }

  /**
   * Room for {@code extra} more bytes after {@link #size()}: the (possibly new) backing array, for
   * a writer that fills it directly and then calls {@link #size(int)}.
   */
  byte[] reserve(int extra) {
    ensure(extra);
    return buf;
  }

  /** Sets the size after a direct write into {@link #reserve}'s array. */
  void size(int newSize) {
    if (newSize < 0 || newSize > buf.length) {
      throw new IllegalArgumentException("size " + newSize + " outside 0.." + buf.length);
    }
    size = newSize;
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(buf, size);
  }
}
