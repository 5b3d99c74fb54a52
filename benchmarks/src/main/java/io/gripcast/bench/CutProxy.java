package io.gripcast.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * For the fault run in docs/performance.md: a loopback TCP proxy in front of a Pushpin control port
 * that resets a random one in N connections (seeded, so the rate is exact over a run; which
 * connections depends on timing) once Pushpin's response has started, so Pushpin has accepted the
 * request and the publisher never learns it (a lost response, retried with the same ids).
 *
 * <pre>java -cp benchmarks.jar io.gripcast.bench.CutProxy TARGET_PORT N   # N=5: 20 % cut</pre>
 *
 * Prints {@code PORT=<port>} and runs until killed; on SIGTERM prints the connections and cuts.
 */
public final class CutProxy {
  private CutProxy() {}

  public static void main(String[] args) throws IOException {
    int target = Integer.parseInt(args[0]);
    int every = Integer.parseInt(args[1]);
    java.util.Random random = new java.util.Random(12);
    AtomicInteger connections = new AtomicInteger();
    AtomicInteger cuts = new AtomicInteger();
    ServerSocket server = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
    System.out.println("PORT=" + server.getLocalPort());
    System.out.flush();
    Runtime.getRuntime().addShutdownHook(new Thread(() ->
        System.err.println("CutProxy: " + connections.get() + " connections, " + cuts.get() + " responses cut")));
    while (true) {
      Socket client = server.accept();
      int n = connections.getAndIncrement();
      boolean cut = every > 0 && random.nextInt(every) == 0;
      Thread t = new Thread(() -> relay(client, target, cut, cuts));
      t.setDaemon(true);
      t.start();
    }
  }

  private static void relay(Socket client, int target, boolean cut, AtomicInteger cuts) {
    try (client; Socket upstream = new Socket()) {
      upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), target), 5_000);
      client.setSoTimeout(30_000);
      upstream.setSoTimeout(30_000);
      Thread up = new Thread(() -> {
        try {
          client.getInputStream().transferTo(upstream.getOutputStream());
          upstream.shutdownOutput();
        } catch (IOException e) {
          // either side closed
        }
      });
      up.setDaemon(true);
      up.start();
      InputStream in = upstream.getInputStream();
      OutputStream out = client.getOutputStream();
      byte[] buf = new byte[16 * 1024];
      int r;
      while ((r = in.read(buf)) > 0) {
        if (cut) { // Pushpin answered, so it took the request: the client sees a reset instead
          cuts.incrementAndGet();
          client.setSoLinger(true, 0);
          return;
        }
        out.write(buf, 0, r);
        out.flush();
      }
    } catch (IOException e) {
      // either side went away
    }
  }
}
