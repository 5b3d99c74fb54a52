package io.gripcast.internal;

import io.gripcast.PayloadTooLargeException;
import io.gripcast.item.Content;
import io.gripcast.item.HttpResponse;
import io.gripcast.item.Item;
import io.gripcast.item.Publication;
import java.util.ArrayList;
import java.util.List;

/**
 * Serializes publications once into one buffer and splits them into request bodies under the
 * proxy's body limit. Items keep their order across batches, so each channel's order is kept.
 * The bodies share the buffer: nothing is copied per batch.
 */
public final class Batches {

  /** One request body: the envelope around a contiguous run of serialized items. */
  public record Batch(byte[] buffer, int offset, int length, int items) {
    /** Body size on the wire, envelope included. */
    public int bodyBytes() {
      return WireJson.ENVELOPE_START.length + length + WireJson.ENVELOPE_END.length;
    }

    /**
     * The body as three buffers, envelope start, items, envelope end: written in one gathering
     * write without copying the items. Fresh buffers on each call, so each attempt reads from the
     * start.
     */
    public java.nio.ByteBuffer[] bodyParts() {
      return parts(null);
    }

    /** A whole request for one gathering write: {@code head}, then {@link #bodyParts()}. */
    public java.nio.ByteBuffer[] requestParts(byte[] head) {
      return parts(java.util.Objects.requireNonNull(head, "head"));
    }

    private java.nio.ByteBuffer[] parts(byte[] head) {
      int h = head == null ? 0 : 1;
      java.nio.ByteBuffer[] p = new java.nio.ByteBuffer[h + 3];
      if (head != null) {
        p[0] = java.nio.ByteBuffer.wrap(head);
      }
      p[h] = java.nio.ByteBuffer.wrap(WireJson.ENVELOPE_START).asReadOnlyBuffer();
      p[h + 1] = java.nio.ByteBuffer.wrap(buffer, offset, length).asReadOnlyBuffer();
      p[h + 2] = java.nio.ByteBuffer.wrap(WireJson.ENVELOPE_END).asReadOnlyBuffer();
      return p;
    }
  }

  private Batches() {}

  /**
   * Roughly the serialized size, so the buffer is allocated once instead of doubling (and copying)
   * its way up: for 1 KB items that halved the bytes allocated per item. Text counts one byte per
   * char (escapes and non-ASCII make it grow, which is fine), binary as base64.
   */
  static long estimate(List<Publication> publications) {
    long n = 0;
    for (Publication p : publications) {
      Item i = p.item();
      n += 112 + p.channel().length() + (i.id() == null ? 0 : i.id().length()) + (i.prevId() == null ? 0 : i.prevId().length());
      if (i.wsMessage() != null) {
        n += size(i.wsMessage().content());
      }
      if (i.httpStream() != null) {
        n += size(i.httpStream().content());
      }
      if (i.httpResponse() != null) {
        n += 64;
        HttpResponse.Body b = i.httpResponse().body();
        if (b instanceof HttpResponse.Body.Text t) {
          n += size(t.content());
        } else if (b instanceof HttpResponse.Body.Binary bin) {
          n += size(bin.content());
        }
      }
    }
    return n;
  }

  private static long size(Content c) {
    if (c instanceof Content.Text t) {
      return t.value().length();
    }
    return c == null ? 0 : (c.byteLength() + 2L) / 3 * 4;
  }

  /**
   * Serializes and splits.
   *
   * @throws PayloadTooLargeException when one item alone exceeds {@code maxBodyBytes}
   * @throws IllegalArgumentException when an item cannot be serialized (for example a bad body-patch)
   */
  public static List<Batch> split(List<Publication> publications, int maxBodyBytes) {
    int envelope = WireJson.ENVELOPE_START.length + WireJson.ENVELOPE_END.length;
    ByteSink sink = new ByteSink((int) Math.min(maxBodyBytes, estimate(publications)));
    List<Batch> out = new ArrayList<>();
    int batchStart = 0;
    int batchItems = 0;
    try (WireJson.ItemWriter writer = new WireJson.ItemWriter(sink)) {
      for (int i = 0; i < publications.size(); i++) {
        int before = sink.size();
        if (batchItems > 0) {
          writer.comma();
        }
        writer.write(publications.get(i));
        writer.flush(); // the sink's size must be exact to cut batches
        int itemBytes = sink.size() - before - (batchItems > 0 ? 1 : 0);
        if (itemBytes + envelope > maxBodyBytes) {
          Publication p = publications.get(i);
          throw new PayloadTooLargeException(
              "item " + i + " on channel \"" + p.channel() + "\" is " + (itemBytes + envelope)
                  + " bytes as a request body, over the " + maxBodyBytes
                  + "-byte publish body limit; send less content per item, or raise maxBodyBytes if your proxy allows it",
              itemBytes + envelope, maxBodyBytes);
        }
        if (batchItems > 0 && sink.size() - batchStart + envelope > maxBodyBytes) {
          // close the batch before this item and start a new one with it (without the comma)
          out.add(new Batch(null, batchStart, before - batchStart, batchItems));
          int itemStart = before + 1;
          batchStart = itemStart;
          batchItems = 0;
        }
        batchItems++;
      }
    }
    if (batchItems > 0) {
      out.add(new Batch(null, batchStart, sink.size() - batchStart, batchItems));
    }
    byte[] buffer = sink.array();
    List<Batch> bound = new ArrayList<>(out.size());
    for (Batch b : out) {
      bound.add(new Batch(buffer, b.offset(), b.length(), b.items()));
    }
    return bound;
  }
}
