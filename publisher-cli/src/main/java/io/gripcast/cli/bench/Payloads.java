package io.gripcast.cli.bench;

import io.gripcast.item.Format;
import io.gripcast.item.HttpResponse;
import io.gripcast.item.HttpStream;
import io.gripcast.item.Item;
import io.gripcast.item.WsMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The bench items' content: {@code gcb <run> <seq> <sendNanos> xxx...\n}, padded to the requested
 * size. The run id keeps concurrent runs (and stray traffic) apart; the sequence number and the
 * send time let subscribers count deliveries and measure publish-to-receipt latency. The send
 * time is {@link System#nanoTime()} of this process, so only subscribers in the same process
 * (the bench's own) can read it.
 *
 * <p>Every chosen format carries the same text, so a body is the same size whichever formats a
 * subscriber reads.
 */
public final class Payloads {
  /** The first word of every bench item's content. */
  public static final String TAG = "gcb";
  /** The sequence field of the probe items that check subscribers before a run. */
  static final String PROBE = "p";
  /** The smallest content size that always fits the header. */
  public static final int MIN_SIZE = 48;

  /** A format the bench can publish. */
  public enum Kind {
    WS_MESSAGE("ws-message"),
    HTTP_STREAM("http-stream"),
    HTTP_RESPONSE("http-response");

    private final String wireName;

    Kind(String wireName) {
      this.wireName = wireName;
    }

    public String wireName() {
      return wireName;
    }

    /** By wire name, as --format takes it. */
    public static Kind parse(String s) {
      String t = s.strip().toLowerCase(Locale.ROOT);
      for (Kind k : values()) {
        if (k.wireName.equals(t)) {
          return k;
        }
      }
      throw new IllegalArgumentException(
          "--format must be ws-message, http-stream or http-response (repeat it for several), but was '" + s + "'");
    }
  }

  private final String runId;
  private final int size;
  private final List<Kind> kinds;
  private final String padding;

  public Payloads(String runId, int size, List<Kind> kinds) {
    this.runId = runId;
    this.size = size;
    this.kinds = List.copyOf(kinds);
    this.padding = "x".repeat(size);
  }

  public String runId() {
    return runId;
  }

  /** The item numbered {@code seq}, stamped with {@code sendNanos}. */
  public Item item(long seq, long sendNanos) {
    return item(Long.toString(seq), sendNanos);
  }

  /** A probe item: subscribers see it before the run starts, proving they are subscribed. */
  public Item probe(long sendNanos) {
    return item(PROBE, sendNanos);
  }

  private Item item(String seq, long sendNanos) {
    StringBuilder sb = new StringBuilder(size + 1);
    sb.append(TAG).append(' ').append(runId).append(' ').append(seq).append(' ').append(sendNanos).append(' ');
    int pad = size - 1 - sb.length();
    if (pad > 0) {
      sb.append(padding, 0, pad);
    }
    sb.append('\n');
    String text = sb.toString();
    List<Format> formats = new ArrayList<>(kinds.size());
    for (Kind k : kinds) {
      switch (k) {
        case WS_MESSAGE:
          formats.add(WsMessage.text(text));
          break;
        case HTTP_STREAM:
          formats.add(HttpStream.text(text));
          break;
        case HTTP_RESPONSE:
          formats.add(HttpResponse.text(text));
          break;
        default:
          throw new AssertionError(k);
      }
    }
    return Item.of(formats.toArray(new Format[0]));
  }

  /** What a subscriber found in one line or message of this run; null for anything else. */
  public Marker parse(CharSequence text) {
    String s = text.toString();
    int at = s.indexOf(TAG + ' ' + runId + ' ');
    if (at < 0) {
      return null;
    }
    int p = at + TAG.length() + runId.length() + 2;
    int seqEnd = s.indexOf(' ', p);
    if (seqEnd < 0) {
      return null;
    }
    int nanosEnd = s.indexOf(' ', seqEnd + 1);
    if (nanosEnd < 0) {
      nanosEnd = s.length();
    }
    try {
      long nanos = Long.parseLong(s, seqEnd + 1, nanosEnd, 10);
      String seq = s.substring(p, seqEnd);
      if (PROBE.equals(seq)) {
        return new Marker(-1, nanos, true);
      }
      return new Marker(Long.parseLong(seq), nanos, false);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** One received bench item: its sequence number (-1 for a probe) and send time. */
  public record Marker(long seq, long sendNanos, boolean probe) {}
}
