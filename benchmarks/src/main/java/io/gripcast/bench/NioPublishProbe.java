package io.gripcast.bench;

import io.gripcast.internal.Batches;
import io.gripcast.item.HttpStream;
import io.gripcast.item.Item;
import io.gripcast.item.Publication;
import io.gripcast.item.WsMessage;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An experiment, not a product: how fast can a JVM publish to Pushpin when nothing but one
 * selector thread does the work (the way wrk does), with the same serialization as the publisher
 * ({@link Batches#split}, items built per request) but without OkHttp's thread per call? It bounds
 * what a selector-based transport in the publisher could reach; compare it with wrk and with
 * {@code gripcast bench} on the same Pushpin (docs/performance.md).
 *
 * <pre>
 * java -cp benchmarks.jar io.gripcast.bench.NioPublishProbe CONTROL_URL BATCH CONCURRENCY WARMUP_S SECONDS [SIZE]
 * </pre>
 *
 * Only plain http, Content-Length responses, one request per connection (Pushpin closes each).
 */
public final class NioPublishProbe {
  private NioPublishProbe() {}

  private static final class Conn {
    final SocketChannel ch;
    final ByteBuffer[] out;
    final ByteBuffer in = ByteBuffer.allocate(1024);
    final int items;
    final long start;

    Conn(SocketChannel ch, ByteBuffer[] out, int items, long start) {
      this.ch = ch;
      this.out = out;
      this.items = items;
      this.start = start;
    }
  }

  public static void main(String[] args) throws Exception {
    URI uri = URI.create(args[0]);
    int batch = Integer.parseInt(args[1]);
    int concurrency = Integer.parseInt(args[2]);
    long warmupNanos = (long) (Double.parseDouble(args[3]) * 1e9);
    long runNanos = (long) (Double.parseDouble(args[4]) * 1e9);
    int size = args.length > 5 ? Integer.parseInt(args[5]) : 64;
    InetSocketAddress addr = new InetSocketAddress(uri.getHost(), uri.getPort());
    byte[] head0 = ("POST /publish/ HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
        + "\r\nContent-Type: application/json\r\nContent-Length: ").getBytes(StandardCharsets.US_ASCII);
    String pad = "x".repeat(size);
    Selector selector = Selector.open();
    long seq = 0;
    int inFlight = 0;
    long t0 = System.nanoTime();
    long measureStart = t0 + warmupNanos;
    long end = measureStart + runNanos;
    long cpu0 = -1;
    long items = 0;
    long requests = 0;
    long errors = 0;
    boolean measuring = false;
    while (true) {
      long now = System.nanoTime();
      if (!measuring && now >= measureStart) {
        measuring = true;
        cpu0 = cpuNanos();
        items = 0;
        requests = 0;
        errors = 0;
      }
      boolean sending = now < end;
      while (sending && inFlight < concurrency) {
        List<Publication> ps = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
          String text = ("gcb nio " + (seq++) + " " + now + " " + pad).substring(0, size - 1) + "\n";
          ps.add(Item.of(HttpStream.text(text), WsMessage.text(text)).on("bench"));
        }
        Batches.Batch b = Batches.split(ps, 1_000_000).get(0);
        byte[] head = (new String(head0, StandardCharsets.US_ASCII) + b.bodyBytes() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer[] out = b.requestParts(head);
        SocketChannel ch = SocketChannel.open();
        ch.configureBlocking(false);
        Conn c = new Conn(ch, out, batch, now);
        if (ch.connect(addr)) {
          ch.register(selector, SelectionKey.OP_WRITE, c);
        } else {
          ch.register(selector, SelectionKey.OP_CONNECT, c);
        }
        inFlight++;
      }
      if (!sending && inFlight == 0) {
        break;
      }
      selector.select(100);
      for (SelectionKey k : selector.selectedKeys()) {
        Conn c = (Conn) k.attachment();
        try {
          if (k.isConnectable()) {
            c.ch.finishConnect();
            k.interestOps(SelectionKey.OP_WRITE);
          } else if (k.isWritable()) {
            c.ch.write(c.out);
            if (!c.out[c.out.length - 1].hasRemaining()) {
              k.interestOps(SelectionKey.OP_READ);
            }
          } else if (k.isReadable()) {
            int n = c.ch.read(c.in);
            if (n < 0 || complete(c.in)) {
              boolean ok = c.in.position() > 12 && c.in.get(9) == '2';
              k.cancel();
              c.ch.close();
              inFlight--;
              if (ok) {
                requests++;
                items += c.items;
              } else {
                errors++;
              }
            }
          }
        } catch (IOException e) {
          k.cancel();
          c.ch.close();
          inFlight--;
          errors++;
        }
      }
      selector.selectedKeys().clear();
    }
    double secs = (System.nanoTime() - measureStart) / 1e9;
    double cpu = (cpuNanos() - cpu0) / 1e9;
    System.out.printf("RESULT nio batch=%d concurrency=%d items_per_s=%.1f req_per_s=%.1f errors=%d cpu_us_per_item=%.1f%n",
        batch, concurrency, items / secs, requests / secs, errors, cpu * 1e6 / Math.max(1, items));
  }

  /** True once the buffer holds the response head and its Content-Length body. */
  private static boolean complete(ByteBuffer in) {
    String s = new String(in.array(), 0, in.position(), StandardCharsets.ISO_8859_1);
    int headEnd = s.indexOf("\r\n\r\n");
    if (headEnd < 0) {
      return false;
    }
    int cl = s.toLowerCase(java.util.Locale.ROOT).indexOf("content-length:");
    if (cl < 0) {
      return false; // read to EOF
    }
    int eol = s.indexOf("\r\n", cl);
    int len = Integer.parseInt(s.substring(cl + 15, eol).trim());
    return in.position() >= headEnd + 4 + len;
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }
}
