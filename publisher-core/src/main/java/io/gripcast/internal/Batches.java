package io.gripcast.internal;

import io.gripcast.PayloadTooLargeException;
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
  }

  private Batches() {}

  /**
   * Serializes and splits.
   *
   * @throws PayloadTooLargeException when one item alone exceeds {@code maxBodyBytes}
   * @throws IllegalArgumentException when an item cannot be serialized (for example a bad body-patch)
   */
  public static List<Batch> split(List<Publication> publications, int maxBodyBytes) {
    int envelope = WireJson.ENVELOPE_START.length + WireJson.ENVELOPE_END.length;
    ByteSink sink = new ByteSink(Math.min(maxBodyBytes, 128 * Math.max(1, publications.size())));
    List<Batch> out = new ArrayList<>();
    int batchStart = 0;
    int batchItems = 0;
    for (int i = 0; i < publications.size(); i++) {
      int before = sink.size();
      if (batchItems > 0) {
        sink.write(',');
      }
      WireJson.writeItem(publications.get(i), sink);
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
