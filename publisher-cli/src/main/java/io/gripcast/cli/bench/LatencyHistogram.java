package io.gripcast.cli.bench;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAccumulator;

/**
 * A fixed-size, lock-free latency histogram: memory stays the same however long a run is, and
 * recording from many threads costs one atomic increment. Values are nanoseconds; buckets are
 * log-linear (64 sub-buckets per power of two), so a percentile is exact to within about 1.6 %.
 */
public final class LatencyHistogram {
  private static final int SUB_BITS = 6;
  private static final int SUB = 1 << SUB_BITS;
  private static final int MAGNITUDES = 64 - SUB_BITS;

  private final AtomicLongArray counts = new AtomicLongArray(SUB * (MAGNITUDES + 1));
  private final LongAccumulator max = new LongAccumulator(Math::max, 0);

  /** Records one value in nanoseconds; negative values count as 0. */
  public void record(long nanos) {
    long v = Math.max(0, nanos);
    counts.incrementAndGet(index(v));
    max.accumulate(v);
  }

  static int index(long v) {
    if (v < SUB) {
      return (int) v;
    }
    int magnitude = 63 - Long.numberOfLeadingZeros(v) - SUB_BITS + 1; // >= 1
    int sub = (int) (v >>> (magnitude - 1)) & (SUB - 1);
    return magnitude * SUB + sub;
  }

  /** The largest value a bucket holds; the reported percentile is this upper edge, never an under-estimate. */
  static long upperEdge(int index) {
    int magnitude = index / SUB;
    int sub = index % SUB;
    if (magnitude == 0) {
      return sub;
    }
    long base = (long) (SUB + sub) << (magnitude - 1);
    return base + (1L << (magnitude - 1)) - 1;
  }

  /** How many values were recorded. */
  public long count() {
    long n = 0;
    for (int i = 0; i < counts.length(); i++) {
      n += counts.get(i);
    }
    return n;
  }

  /** The largest value recorded, or 0. */
  public long max() {
    return max.get();
  }

  /** The value at percentile {@code p} (0-100) in nanoseconds, or 0 when nothing was recorded. */
  public long percentile(double p) {
    long total = count();
    if (total == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(p / 100.0 * total));
    long seen = 0;
    for (int i = 0; i < counts.length(); i++) {
      seen += counts.get(i);
      if (seen >= rank) {
        return Math.min(upperEdge(i), max());
      }
    }
    return max();
  }
}
