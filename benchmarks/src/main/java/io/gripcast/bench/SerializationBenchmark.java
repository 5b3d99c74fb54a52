package io.gripcast.bench;

import io.gripcast.internal.Batches;
import io.gripcast.internal.IdGenerator;
import io.gripcast.item.HttpStream;
import io.gripcast.item.Item;
import io.gripcast.item.Publication;
import io.gripcast.item.WsMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Item JSON serialization as the publisher does it: ids filled in, then every item written once into
 * one buffer that the request bodies slice ({@link Batches#split}). One operation is one item, so
 * the score is items/s and {@code -prof gc}'s {@code gc.alloc.rate.norm} is bytes allocated per item.
 *
 * <p>The items look like those of the wrk ceiling measurement (benchmarks/wrk/publish.lua): an
 * http-stream and a ws-message format with the same content, {@code size} bytes of it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SerializationBenchmark {

  /** Content bytes per format. 40 matches the wrk script's items. */
  @Param({"40", "1000"})
  public int size;

  private List<Publication> one;
  private List<Publication> ten;
  private List<Publication> hundred;
  private List<Publication> hundredWithIds;

  @Setup
  public void setup() {
    one = items(1, size);
    ten = items(10, size);
    hundred = items(100, size);
    hundredWithIds = IdGenerator.withIds(hundred);
  }

  static List<Publication> items(int n, int size) {
    List<Publication> out = new ArrayList<>(n);
    StringBuilder pad = new StringBuilder();
    while (pad.length() < size) {
      pad.append("bench item xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    }
    for (int i = 0; i < n; i++) {
      String text = String.format("%05d ", i) + pad.substring(0, Math.max(0, size - 7)) + "\n";
      out.add(Item.of(HttpStream.text(text), WsMessage.text(text)).on("bench"));
    }
    return out;
  }

  /** What one publish call of one item costs before the HTTP call: id, serialization, the batch. */
  @Benchmark
  public List<Batches.Batch> batch1() {
    return Batches.split(IdGenerator.withIds(one), 1_000_000);
  }

  @Benchmark
  @OperationsPerInvocation(10)
  public List<Batches.Batch> batch10() {
    return Batches.split(IdGenerator.withIds(ten), 1_000_000);
  }

  @Benchmark
  @OperationsPerInvocation(100)
  public List<Batches.Batch> batch100() {
    return Batches.split(IdGenerator.withIds(hundred), 1_000_000);
  }

  /** Serialization alone, items already carrying ids (as on a retry or with idempotentIds(false)). */
  @Benchmark
  @OperationsPerInvocation(100)
  public List<Batches.Batch> batch100SerializeOnly() {
    return Batches.split(hundredWithIds, 1_000_000);
  }
}
