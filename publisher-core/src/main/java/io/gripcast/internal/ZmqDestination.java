package io.gripcast.internal;

import io.gripcast.EndpointResult;
import io.gripcast.Outcome;
import io.gripcast.config.ZmqEndpoint;
import io.gripcast.item.Publication;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * One ZeroMQ endpoint: items go out one per message, {@code 'J'} followed by the item's JSON
 * (grip-spec §4.2: Pushpin picks JSON by that first byte; an {@code {"items":[...]}} envelope is
 * refused there), as the only frame for PUSH and after the channel frame for PUB.
 */
public final class ZmqDestination implements Destination {

  /** The first byte that tells Pushpin the rest of the message is JSON, not a tnetstring. */
  static final byte JSON_MARKER = 'J';

  private final ZmqEndpoint endpoint;
  private final ZmqTransport.Link sock;
  private final long callTimeoutNanos;
  private final Executor callbacks;

  private ZmqDestination(ZmqEndpoint endpoint, ZmqTransport io, Duration callTimeout, Executor callbacks) {
    this.endpoint = endpoint;
    this.sock = io.open(endpoint.spec(), endpoint.mode() == ZmqEndpoint.Mode.PUB);
    this.callTimeoutNanos = callTimeout.toNanos();
    this.callbacks = callbacks;
  }

  /**
   * The ZeroMQ I/O of one publisher: JeroMQ's {@code gripcast-zmq} thread for all its
   * {@code tcp://} endpoints, gripcast's own ZMTP client for its {@code ipc://} ones.
   */
  public static final class Io implements AutoCloseable {
    private final ZmqTransport tcp; // null without tcp:// endpoints
    private final IpcSockets ipc; // null without ipc:// endpoints

    private Io(ZmqTransport tcp, IpcSockets ipc) {
      this.tcp = tcp;
      this.ipc = ipc;
    }

    /**
     * Starts what {@code endpoints} need: JeroMQ only for {@code tcp://} ones ({@code ipc://} needs
     * no jar).
     *
     * @throws IllegalStateException naming the missing jar when a tcp:// endpoint needs JeroMQ and
     *     it is not on the class path
     */
    public static Io start(int lingerMillis, List<ZmqEndpoint> endpoints) {
      boolean anyTcp = false;
      boolean anyIpc = false;
      for (ZmqEndpoint e : endpoints) {
        boolean ipc = isIpc(e);
        anyIpc |= ipc;
        anyTcp |= !ipc;
      }
      if (anyTcp) {
        try {
          Class.forName("org.zeromq.ZMQ", false, ZmqDestination.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
          throw new IllegalStateException("a ZeroMQ tcp:// endpoint needs JeroMQ, an optional dependency of"
              + " gripcast: add org.zeromq:jeromq:0.6.0 to your dependencies (on the module path, also requires"
              + " org.zeromq.jeromq); ipc:// endpoints do without it", e);
        }
      }
      return new Io(anyTcp ? new ZmqSockets("gripcast-zmq", lingerMillis) : null,
          anyIpc ? new IpcSockets(lingerMillis) : null);
    }

    private static boolean isIpc(ZmqEndpoint e) {
      return e.spec().startsWith("ipc://");
    }

    public ZmqDestination destination(ZmqEndpoint endpoint, Duration callTimeout, Executor callbacks) {
      return new ZmqDestination(endpoint, isIpc(endpoint) ? ipc : tcp, callTimeout, callbacks);
    }

    /** Whether every PUB destination's instance has subscribed to {@code channel}, within {@code timeout}. */
    public boolean awaitSubscribed(List<ZmqDestination> pubs, String channel, Duration timeout) throws InterruptedException {
      long end = System.nanoTime() + Math.max(0, timeout.toNanos());
      boolean all = true;
      for (ZmqDestination d : pubs) {
        // each waits for what is left: all true by the deadline, or false
        all &= d.sock.awaitSubscribed(channel, Math.max(0, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
      }
      return all;
    }

    @Override
    public void close() {
      // both linger at once: the ipc links start closing, JeroMQ's close waits out its own
      // linger, then the ipc threads are joined
      if (ipc != null) {
        ipc.beginClose();
      }
      if (tcp != null) {
        tcp.close();
      }
      if (ipc != null) {
        ipc.close();
      }
    }
  }

  public boolean isPub() {
    return endpoint.mode() == ZmqEndpoint.Mode.PUB;
  }

  /** Each publication as one ZeroMQ item message: {@code 'J'} and the item's JSON. */
  public static List<byte[]> encode(List<Publication> publications) {
    List<byte[]> out = new ArrayList<>(publications.size());
    for (Publication p : publications) {
      ByteSink sink = new ByteSink(256);
      sink.write(JSON_MARKER);
      WireJson.writeItem(p, sink);
      out.add(sink.toByteArray());
    }
    return out;
  }

  @Override
  public int maxBodyBytes() {
    return 0;
  }

  @Override
  public String display() {
    return endpoint.toString();
  }

  @Override
  public List<PublishRun> publish(Job job, PublishCall call) {
    long start = System.nanoTime();
    Run run = new Run(start);
    List<byte[]> channels = null;
    if (isPub()) {
      channels = new ArrayList<>(job.publications().size());
      for (Publication p : job.publications()) {
        channels.add(p.channel().getBytes(StandardCharsets.UTF_8));
      }
    }
    int items = job.zmqItems().size();
    sock.send(channels, job.zmqItems(), start + callTimeoutNanos, new ZmqTransport.Done() {
      @Override
      public void sent(int messages, int unsubscribed) {
        String message = "sent " + messages + (messages == 1 ? " message" : " messages")
            + " to ZeroMQ (no acknowledgement)";
        if (unsubscribed > 0) {
          message += "; " + unsubscribed + " of them on channels " + endpoint.spec() + " had not subscribed to,"
              + " which ZeroMQ drops: no subscriber there, or its SUB socket not connected yet"
              + " (Publisher.awaitSubscribers waits for it)";
        }
        run.finish(EndpointResult.builder(display(), Outcome.SENT).attempts(messages).requests(messages)
            .itemsPublished(messages).elapsed(Duration.ofNanos(System.nanoTime() - start)).message(message).build());
      }

      @Override
      public void failed(int sent, String why) {
        run.finish(EndpointResult.builder(display(), Outcome.UNAVAILABLE).attempts(sent).requests(sent)
            .itemsPublished(sent).elapsed(Duration.ofNanos(System.nanoTime() - start))
            .message(why + " (" + sent + " of " + items + " items sent)").build());
      }
    }, () -> run.result.isDone() || call.isCancelled());
    return List.of(run);
  }

  private final class Run implements PublishRun {
    private final long startNanos;
    private final CompletableFuture<EndpointResult> result = new CompletableFuture<>();

    Run(long startNanos) {
      this.startNanos = startNanos;
    }

    /** From the I/O thread: the caller's stages must not run there. */
    void finish(EndpointResult r) {
      Threads.executeOrRun(callbacks, () -> result.complete(r));
    }

    @Override
    public CompletableFuture<EndpointResult> result() {
      return result;
    }

    @Override
    public void abandon(Outcome outcome, String why) {
      result.complete(EndpointResult.builder(display(), outcome)
          .elapsed(Duration.ofNanos(System.nanoTime() - startNanos)).message(why).build());
    }
  }
}
