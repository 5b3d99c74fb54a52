package io.gripcast.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * The only class that touches JeroMQ (an optional dependency: it is loaded only when a publisher
 * has a ZeroMQ endpoint). ZeroMQ sockets are not thread-safe, so one thread, {@code gripcast-zmq},
 * owns them all: callers hand it tasks, and it sends, watches subscriptions and ends sends that
 * cannot go out in time.
 *
 * <p>Sockets: PUSH with libzmq's {@code ZMQ_IMMEDIATE} behaviour, so a message is queued only on a live connection
 * and a send to an instance that is down waits (then fails) instead of piling up; XPUB with
 * {@code XPUB_VERBOSE} (every subscribe message reaches us, so we know which channels the
 * instance's SUB socket wants) and {@code XPUB_NODROP} (a full queue makes the send wait, then
 * fail, instead of dropping silently).
 */
final class ZmqSockets implements ZmqTransport {

  /** The most messages queued per socket before a send waits. */
  static final int SEND_HWM = 10_000;

  /** One socket, to one Pushpin instance. */
  final class Sock implements Link {
    final String spec;
    final boolean pub;
    private ZMQ.Socket socket; // I/O thread only
    private final ArrayDeque<SendJob> pending = new ArrayDeque<>(); // I/O thread only
    private final Set<String> subscribed = new HashSet<>(); // guarded by subscriptions

    Sock(String spec, boolean pub) {
      this.spec = spec;
      this.pub = pub;
    }

    @Override
    public void send(List<byte[]> channels, List<byte[]> items, long deadlineNanos, Done done,
        BooleanSupplier abandoned) {
      ZmqSockets.this.send(this, channels, items, deadlineNanos, done, abandoned);
    }

    @Override
    public boolean awaitSubscribed(String channel, long timeoutMillis) throws InterruptedException {
      return ZmqSockets.this.awaitSubscribed(List.of(this), channel, timeoutMillis);
    }
  }

  private final ZContext context = new ZContext(1);
  private final LinkedBlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
  private final List<Sock> sockets = new ArrayList<>(); // I/O thread only
  private final Object subscriptions = new Object();
  private final Thread thread;
  private final int lingerMillis;
  private volatile boolean running = true;

  ZmqSockets(String threadName, int lingerMillis) {
    this.lingerMillis = lingerMillis;
    // ZContext.close() sets its own linger on every socket before closing it, 0 by default, which
    // would discard what is still queued: the items of a publish that just reported SENT
    context.setLinger(lingerMillis);
    this.thread = new Thread(this::loop, threadName);
    thread.setDaemon(true);
    thread.start();
  }

  /** A socket connecting to {@code spec}; the connect happens on the I/O thread, asynchronously as ZeroMQ does. */
  @Override
  public Sock open(String spec, boolean pub) {
    Sock s = new Sock(spec, pub);
    tasks.add(() -> {
      ZMQ.Socket z = context.createSocket(pub ? SocketType.XPUB : SocketType.PUSH);
      z.setLinger(lingerMillis);
      z.setSndHWM(SEND_HWM);
      // queue only on completed connections (libzmq's ZMQ_IMMEDIATE=1). JeroMQ's flag reads the
      // other way round: its "immediate" means "attach the pipe at once", true by default, so false
      // is what gives libzmq's immediate behaviour (read in JeroMQ 0.6.0's SocketBase.connect)
      z.setImmediate(false);
      if (pub) {
        z.setXpubVerbose(true);
        z.setXpubNoDrop(true);
      }
      z.connect(spec);
      s.socket = z;
      sockets.add(s);
    });
    return s;
  }

  /**
   * Sends {@code items} (with {@code channels} as first frames for PUB) in order, after whatever
   * this socket is still sending; fails what is not out by {@code deadlineNanos}.
   */
  void send(Sock s, List<byte[]> channels, List<byte[]> items, long deadlineNanos, Done done, BooleanSupplier abandoned) {
    SendJob job = new SendJob(channels, items, deadlineNanos, done, abandoned);
    if (!running) {
      done.failed(0, "publisher closed");
      return;
    }
    tasks.add(() -> {
      s.pending.add(job);
      flush(s);
    });
  }

  /** Whether every socket's instance has subscribed to {@code channel}, waiting up to {@code timeoutMillis}. */
  boolean awaitSubscribed(List<Sock> socks, String channel, long timeoutMillis) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    synchronized (subscriptions) {
      while (true) {
        boolean all = true;
        for (Sock s : socks) {
          all &= matches(s, channel.getBytes(StandardCharsets.UTF_8));
        }
        long left = end - System.nanoTime();
        if (all || left <= 0) {
          return all;
        }
        TimeUnit.NANOSECONDS.timedWait(subscriptions, left);
      }
    }
  }

  /** ZeroMQ's own rule: a subscription matches a message whose first frame starts with it. Caller holds subscriptions. */
  private static boolean matches(Sock s, byte[] channel) {
    String c = new String(channel, StandardCharsets.ISO_8859_1);
    for (String topic : s.subscribed) {
      if (c.startsWith(topic)) {
        return true;
      }
    }
    return false;
  }

  private void loop() {
    try {
      while (running) {
        boolean waiting = false;
        for (Sock s : sockets) {
          waiting |= !s.pending.isEmpty();
        }
        Runnable task = tasks.poll(waiting ? 1 : 10, TimeUnit.MILLISECONDS);
        while (task != null) {
          task.run();
          task = tasks.poll();
        }
        for (Sock s : sockets) {
          if (s.pub) {
            readSubscriptions(s);
          }
          flush(s);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      running = false;
      failAll("the ZeroMQ thread failed: " + e);
      throw e;
    } finally {
      Runnable task;
      while ((task = tasks.poll()) != null) {
        try {
          task.run(); // sends handed over before close still get their linger
        } catch (RuntimeException ignored) {
          // closing anyway
        }
      }
      for (Sock s : sockets) {
        flush(s);
      }
      failAll("publisher closed before these items were sent");
      context.close(); // closes the sockets; waits up to the linger for queued messages
    }
  }

  private void failAll(String why) {
    for (Sock s : sockets) {
      SendJob job;
      while ((job = s.pending.poll()) != null) {
        job.done.failed(job.next, why);
      }
    }
  }

  private void readSubscriptions(Sock s) {
    byte[] m;
    boolean changed = false;
    while ((m = s.socket.recv(ZMQ.DONTWAIT)) != null) {
      if (m.length == 0 || (m[0] != 0 && m[0] != 1)) {
        continue;
      }
      String topic = new String(m, 1, m.length - 1, StandardCharsets.ISO_8859_1);
      synchronized (subscriptions) {
        changed |= m[0] == 1 ? s.subscribed.add(topic) : s.subscribed.remove(topic);
      }
    }
    if (changed) {
      synchronized (subscriptions) {
        subscriptions.notifyAll();
      }
    }
  }

  /** Sends what this socket can now, in order; ends jobs that are done, abandoned or late. */
  private void flush(Sock s) {
    SendJob job;
    while ((job = s.pending.peek()) != null) {
      if (job.abandoned.getAsBoolean()) {
        s.pending.poll();
        continue; // its run already ended
      }
      try {
        while (job.next < job.items.size()) {
          byte[] item = job.items.get(job.next);
          if (s.pub) {
            byte[] channel = job.channels.get(job.next);
            if (!s.socket.send(channel, ZMQ.SNDMORE | ZMQ.DONTWAIT)) {
              break;
            }
            s.socket.send(item, 0); // the rest of a message never waits once its first frame went
            synchronized (subscriptions) {
              if (!matches(s, channel)) {
                job.unsubscribed++;
              }
            }
          } else if (!s.socket.send(item, ZMQ.DONTWAIT)) {
            break;
          }
          job.next++;
        }
      } catch (ZMQException e) {
        s.pending.poll();
        job.done.failed(job.next, "ZeroMQ error " + e.getErrorCode() + ": " + e.getMessage());
        continue;
      }
      if (job.next == job.items.size()) {
        s.pending.poll();
        job.done.sent(job.next, job.unsubscribed);
        continue;
      }
      if (System.nanoTime() - job.deadlineNanos > 0) {
        s.pending.poll();
        job.done.failed(job.next, s.pub
            ? "the send queue to " + s.spec + " stayed full (" + SEND_HWM + " messages) until the call timeout"
            : "no ZeroMQ connection to " + s.spec + " took the items within the call timeout: is Pushpin running"
                + " there, and is that its push_in_spec?");
        continue;
      }
      return; // waits for the connection or for room; later jobs wait behind it, in order
    }
  }

  /** Stops the I/O thread: queued messages get the linger to go out, pending sends fail. */
  @Override
  public void close() {
    running = false;
    try {
      thread.join(lingerMillis + 2_000L);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
