package io.gripcast.bench;

import io.gripcast.ws.WebSocketEvent;
import io.gripcast.ws.WebSocketEvents;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The {@code application/websocket-events} codec (WebSocket-over-HTTP bodies). A body holds
 * {@code events} events of {@code size} content bytes each (TEXT, or BINARY). The {@code bytes}
 * secondary score is body bytes per second: divide by 1e6 for MB/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class WebSocketEventsBenchmark {

  @Param({"64", "4096", "65536"})
  public int size;

  @Param({"10"})
  public int events;

  @Param({"TEXT", "BINARY"})
  public String type;

  private List<WebSocketEvent> list;
  private byte[] body;

  /** Counts body bytes, so JMH reports a bytes/s rate beside ops/s. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Bytes {
    public long bytes;

    @Setup(Level.Iteration)
    public void reset() {
      bytes = 0;
    }
  }

  @Setup
  public void setup() {
    list = new ArrayList<>(events);
    StringBuilder sb = new StringBuilder(size);
    while (sb.length() < size) {
      sb.append("websocket-over-http payload é ");
    }
    byte[] utf8 = sb.toString().getBytes(StandardCharsets.UTF_8);
    String text = new String(utf8, 0, size, StandardCharsets.UTF_8).replace('\uFFFD', 'x');
    for (int i = 0; i < events; i++) {
      list.add("TEXT".equals(type) ? WebSocketEvent.text(text) : WebSocketEvent.binary(java.util.Arrays.copyOf(utf8, size)));
    }
    body = WebSocketEvents.encode(list);
  }

  @Benchmark
  public byte[] encode(Bytes counter) {
    byte[] b = WebSocketEvents.encode(list);
    counter.bytes += b.length;
    return b;
  }

  @Benchmark
  public List<WebSocketEvent> decode(Bytes counter) {
    counter.bytes += body.length;
    return WebSocketEvents.decode(body);
  }
}
