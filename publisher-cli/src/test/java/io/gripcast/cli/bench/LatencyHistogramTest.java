package io.gripcast.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

  @Test
  void percentilesAreWithinTheBucketPrecisionAndNeverBelowTheTrueValue() {
    LatencyHistogram h = new LatencyHistogram();
    for (long v = 1; v <= 100_000; v++) {
      h.record(v * 1000); // 1 us .. 100 ms
    }
    assertEquals(100_000, h.count());
    for (double p : new double[] {50, 90, 99, 99.9}) {
      long exact = (long) Math.ceil(p / 100 * 100_000) * 1000;
      long got = h.percentile(p);
      assertTrue(got >= exact && got <= exact * 1.016, "p" + p + ": " + got + " vs " + exact);
    }
    assertEquals(100_000_000L, h.max());
    assertEquals(100_000_000L, h.percentile(100));
  }

  @Test
  void smallValuesAreExactAndAnEmptyHistogramSaysZero() {
    LatencyHistogram h = new LatencyHistogram();
    assertEquals(0, h.percentile(50));
    h.record(3);
    h.record(5);
    h.record(-7);
    assertEquals(0, h.percentile(1));
    assertEquals(3, h.percentile(50));
    assertEquals(5, h.percentile(99));
  }

  @Test
  void everyBucketIndexRoundTripsThroughItsUpperEdge() {
    for (long v : new long[] {0, 1, 63, 64, 65, 127, 128, 1000, 123_456_789, Long.MAX_VALUE / 2}) {
      int i = LatencyHistogram.index(v);
      assertTrue(LatencyHistogram.upperEdge(i) >= v, "v=" + v);
      assertEquals(i, LatencyHistogram.index(LatencyHistogram.upperEdge(i)), "v=" + v);
    }
  }
}
