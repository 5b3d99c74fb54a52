package io.gripcast.bench;

import io.gripcast.BufferedPublisher;
import io.gripcast.Publisher;
import io.gripcast.item.HttpStream;
import io.gripcast.item.Item;
import io.gripcast.item.WsMessage;
import java.io.IOException;
import java.time.Duration;

/**
 * The memory a {@link BufferedPublisher} holds while its proxy is stalled: fills the buffer until
 * it rejects, then reports the heap after GC against the heap before the buffer existed.
 *
 * <pre>
 * java -cp benchmarks.jar io.gripcast.bench.BufferedMemory GRIP_URL CAPACITY SIZE [HANDLER_PID]
 * </pre>
 *
 * With HANDLER_PID, that process (Pushpin's pushpin-handler) gets SIGSTOP before the buffer is
 * filled and SIGCONT at the end: the control port still accepts connections (the kernel does) but
 * nothing answers. Without it, point GRIP_URL at a port nobody listens on. Prints one line of
 * {@code key=value}.
 */
public final class BufferedMemory {
  private BufferedMemory() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    int capacity = Integer.parseInt(args[1]);
    int size = Integer.parseInt(args[2]);
    String stallPid = args.length > 3 ? args[3] : null;
    String pad = "x".repeat(size);
    long before = usedAfterGc();
    if (stallPid != null) {
      signal("STOP", stallPid);
    }
    try (Publisher publisher = Publisher.builder().endpoint(url).closeTimeout(Duration.ofMillis(100)).build();
        BufferedPublisher buffer = BufferedPublisher.builder(publisher)
            .capacity(capacity)
            .overflow(BufferedPublisher.Overflow.REJECT)
            .closeTimeout(Duration.ofMillis(100))
            .build()) {
      long accepted = 0;
      long rejected = 0;
      long start = System.nanoTime();
      // keep offering for a while: the drainer takes one batch off the queue and sends it (it then
      // hangs or retries), after that the queue stays at its bound
      while (System.nanoTime() - start < 3_000_000_000L) {
        // every item its own content, as in real use (one shared string would hide the content's cost)
        String text = (accepted + " " + pad).substring(0, size - 1) + "\n";
        if (buffer.submit("memory", Item.of(HttpStream.text(text), WsMessage.text(text))).isCompletedExceptionally()) {
          rejected++; // full: the future is failed on return (BufferFullException)
          Thread.sleep(1);
        } else {
          accepted++;
        }
      }
      long held = usedAfterGc();
      System.out.printf("mode=%s capacity=%d size=%d queued=%d accepted=%d rejected=%d heap_before_mb=%.1f heap_full_mb=%.1f"
              + " delta_mb=%.1f bytes_per_queued_item=%.0f max_heap_mb=%.0f%n",
          stallPid != null ? "stalled-handler" : "dead-port", capacity, size, buffer.queued(), accepted, rejected,
          before / 1e6, held / 1e6, (held - before) / 1e6, (double) (held - before) / Math.max(1, buffer.queued()),
          Runtime.getRuntime().maxMemory() / 1e6);
    } finally {
      if (stallPid != null) {
        signal("CONT", stallPid);
      }
    }
  }

  private static long usedAfterGc() throws InterruptedException {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return rt.totalMemory() - rt.freeMemory();
  }

  private static void signal(String sig, String pid) throws IOException, InterruptedException {
    new ProcessBuilder("kill", "-" + sig, pid).inheritIO().start().waitFor();
  }
}
