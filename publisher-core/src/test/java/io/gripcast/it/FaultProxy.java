package io.gripcast.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;

/**
 * A TCP proxy on 127.0.0.1 that forwards every request to its target but, for the connections a
 * predicate picks, cuts the connection once the target's response has started: the target has
 * processed the request, and the client never learns it. That is the lost-response case that
 * idempotent retries must survive.
 */
final class FaultProxy implements AutoCloseable {
  private final ServerSocket server;
  private final int targetPort;
  private final IntPredicate cut;
  private final IntPredicate refuse;
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fault-proxy");
    t.setDaemon(true);
    return t;
  });
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger cuts = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();

  /** @param cut given the 0-based connection number, whether to cut that connection's response */
  FaultProxy(int targetPort, IntPredicate cut) throws IOException {
    this(targetPort, cut, n -> false);
  }

  /**
   * @param refuse given the 0-based connection number, whether to reset that connection before
   *     anything reaches the target: a request the target never saw, retried later
   */
  FaultProxy(int targetPort, IntPredicate cut, IntPredicate refuse) throws IOException {
    this.targetPort = targetPort;
    this.cut = cut;
    this.refuse = refuse;
    this.server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
    pool.execute(this::acceptLoop);
  }

  int port() {
    return server.getLocalPort();
  }

  int connections() {
    return connections.get();
  }

  int cuts() {
    return cuts.get();
  }

  int refused() {
    return refused.get();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        int n = connections.getAndIncrement();
        if (refuse.test(n)) {
          refused.incrementAndGet();
          client.setSoLinger(true, 0);
          client.close();
          continue;
        }
        pool.execute(() -> handle(client, cut.test(n)));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void handle(Socket client, boolean cutResponse) {
    try (client; Socket upstream = new Socket()) {
      upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5_000);
      client.setSoTimeout(30_000);
      upstream.setSoTimeout(30_000);
      pool.execute(() -> pump(client, upstream));
      InputStream in = upstream.getInputStream();
      OutputStream out = client.getOutputStream();
      byte[] buf = new byte[16 * 1024];
      int n;
      while ((n = in.read(buf)) > 0) {
        if (cutResponse) {
          cuts.incrementAndGet();
          client.setSoLinger(true, 0); // reset: the client sees the connection die mid-exchange
          return;
        }
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // either side went away; the other is closed by try-with-resources
    }
  }

  private static void pump(Socket from, Socket to) {
    try {
      from.getInputStream().transferTo(to.getOutputStream());
      to.shutdownOutput();
    } catch (IOException e) {
      // closed
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    pool.shutdownNow();
    try {
      pool.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
