package io.gripcast.internal;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One ZMTP 3.0 connection over a Unix-domain socket (a libzmq {@code ipc://} endpoint), as a client
 * with the NULL mechanism. Non-blocking underneath: every wait is bounded by a deadline and cut
 * into slices of at most {@link #SLICE_MILLIS}, after each of which the owner's {@code tick} runs
 * (its thread ends late sends while a handshake or a write waits). One thread uses it.
 */
final class ZmtpConnection implements Closeable {

  static final long SLICE_MILLIS = 20;

  private final SocketChannel channel;
  private final Selector selector;
  private final SelectionKey key;
  private final String who;
  private final Runnable tick;
  private final ByteBuffer in = ByteBuffer.allocate(Zmtp.MAX_INCOMING_FRAME + 16); // write mode

  private ZmtpConnection(SocketChannel channel, Selector selector, String who, Runnable tick) throws IOException {
    this.channel = channel;
    this.selector = selector;
    this.who = who;
    this.tick = tick;
    this.key = channel.register(selector, 0);
  }

  /**
   * Connects to {@code path} and does the handshake: greetings both ways, our READY with
   * {@code ownType}, the peer's READY whose {@code Socket-Type} must be one of {@code peerTypes}.
   *
   * @param who the spec, to name the peer in messages
   * @param role what the peer should be, for hints, e.g. {@code "Pushpin's push_in_spec"}
   * @param deadlineNanos by when ({@link System#nanoTime()}) the whole handshake must be done
   * @throws Zmtp.ProtocolException when the peer is not a fitting ZeroMQ socket
   * @throws java.net.SocketTimeoutException when the peer did not answer in time
   * @throws IOException when the connect failed (no socket file, nobody listening) or the peer closed
   */
  static ZmtpConnection open(Path path, String who, String role, String ownType, Set<String> peerTypes,
      Selector selector, long deadlineNanos, Runnable tick) throws IOException {
    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    ZmtpConnection c = null;
    try {
      ch.configureBlocking(false);
      c = new ZmtpConnection(ch, selector, who, tick);
      c.handshake(path, role, ownType, peerTypes, deadlineNanos);
      return c;
    } catch (IOException | RuntimeException e) {
      if (c != null) {
        c.close();
      } else {
        ch.close();
      }
      throw e;
    }
  }

  private void handshake(Path path, String role, String ownType, Set<String> peerTypes, long deadline)
      throws IOException {
    try {
      if (!channel.connect(UnixDomainSocketAddress.of(path))) {
        while (!channel.finishConnect()) {
          await(SelectionKey.OP_CONNECT, deadline, "did not accept the connection");
        }
      }
    } catch (IOException e) {
      if (e instanceof java.net.SocketTimeoutException) {
        throw e;
      }
      boolean exists = path.toFile().exists();
      java.net.ConnectException c = new java.net.ConnectException("cannot connect to " + who + ": "
          + (exists ? e.getMessage() : "there is no socket file " + path.toAbsolutePath()));
      c.initCause(e);
      throw c;
    }
    if (!write(ByteBuffer.wrap(Zmtp.greeting()), deadline)) {
      throw timeout("did not take gripcast's ZMTP greeting", deadline);
    }
    byte[] greeting = new byte[Zmtp.GREETING_SIZE];
    int have = 0;
    while (have < Zmtp.GREETING_SIZE) {
      int n = fill("during the ZMTP greeting, after " + have + " of its 64 bytes; is that a ZeroMQ socket?");
      if (n == 0) {
        await(SelectionKey.OP_READ, deadline, "accepted the connection but sent no complete ZMTP greeting"
            + " (" + have + " of 64 bytes); is that a ZeroMQ socket?");
        continue;
      }
      in.flip();
      int take = Math.min(in.remaining(), Zmtp.GREETING_SIZE - have);
      in.get(greeting, have, take);
      in.compact();
      have += take;
      Zmtp.checkGreeting(greeting, have, who);
    }
    if (!write(ByteBuffer.wrap(Zmtp.ready(ownType)), deadline)) {
      throw timeout("did not take gripcast's READY command", deadline);
    }
    Zmtp.Frame f = readFrame(deadline, "during the ZMTP handshake, after gripcast's READY (Socket-Type "
        + ownType + "): libzmq closes a connection whose socket types do not fit; is that " + role + "?",
        "sent no READY command");
    if (!f.command()) {
      throw new Zmtp.ProtocolException(who + " sent a message before its READY command: not a ZMTP 3.0 peer");
    }
    String name = Zmtp.commandName(f, who);
    if (name.equals("ERROR")) {
      throw new Zmtp.ProtocolException(who + " refused the connection: \"" + Zmtp.errorReason(Zmtp.commandData(f))
          + "\"");
    }
    if (!name.equals("READY")) {
      throw new Zmtp.ProtocolException(who + " sent the command " + Zmtp.printable(name) + " where READY was due");
    }
    Map<String, String> props = Zmtp.properties(Zmtp.commandData(f), who);
    String type = null;
    for (Map.Entry<String, String> p : props.entrySet()) {
      if (p.getKey().equalsIgnoreCase("Socket-Type")) {
        type = p.getValue();
      }
    }
    if (type == null || !peerTypes.contains(type)) {
      throw new Zmtp.ProtocolException(who + " is a " + (type == null ? "socket of no stated type"
          : Zmtp.printable(type) + " socket") + ", but a " + ownType + " socket needs " + String.join(" or ",
          peerTypes) + ": is that " + role + "?");
    }
  }

  private java.net.SocketTimeoutException timeout(String what, long deadline) {
    return new java.net.SocketTimeoutException(who + " " + what);
  }

  /** Reads until one whole frame is there. */
  private Zmtp.Frame readFrame(long deadline, String onClose, String onTimeout) throws IOException {
    while (true) {
      in.flip();
      Zmtp.Frame f;
      try {
        f = Zmtp.takeFrame(in, who);
      } finally {
        in.compact();
      }
      if (f != null) {
        return f;
      }
      if (fill(onClose) == 0) {
        await(SelectionKey.OP_READ, deadline, onTimeout);
      }
    }
  }

  /** Reads what is there; throws EOFException naming {@code when} if the peer closed. */
  private int fill(String when) throws IOException {
    int n = channel.read(in);
    if (n < 0) {
      throw new EOFException(who + " closed the connection " + when);
    }
    return n;
  }

  /**
   * Writes all of {@code b} unless {@code deadlineNanos} passes first: then returns false, and
   * {@code b}'s position tells how much went (a partial message spoils the connection).
   */
  boolean write(ByteBuffer b, long deadlineNanos) throws IOException {
    while (b.hasRemaining()) {
      if (channel.write(b) == 0) {
        if (System.nanoTime() - deadlineNanos >= 0) {
          return false;
        }
        try {
          await(SelectionKey.OP_WRITE, deadlineNanos, "");
        } catch (java.net.SocketTimeoutException e) {
          return false;
        }
      }
    }
    return true;
  }

  /** The frames that have arrived, without waiting. @throws EOFException when the peer closed */
  List<Zmtp.Frame> poll() throws IOException {
    List<Zmtp.Frame> out = new ArrayList<>();
    while (true) {
      int n = fill("");
      in.flip();
      try {
        Zmtp.Frame f;
        while ((f = Zmtp.takeFrame(in, who)) != null) {
          out.add(f);
        }
      } finally {
        in.compact();
      }
      if (n == 0) {
        return out;
      }
    }
  }

  /** Waits up to {@code millis} for data from the peer (or the selector's wakeup). */
  void awaitReadable(long millis) throws IOException {
    key.interestOps(SelectionKey.OP_READ);
    selector.select(Math.max(1, millis));
    selector.selectedKeys().clear();
    key.interestOps(0);
  }

  /** One slice of a wait for {@code ops}; throws when {@code deadline} has passed. */
  private void await(int ops, long deadline, String what) throws IOException {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw new java.net.SocketTimeoutException(who + " " + what);
    }
    key.interestOps(ops);
    selector.select(Math.max(1, Math.min(SLICE_MILLIS, TimeUnit.NANOSECONDS.toMillis(left))));
    selector.selectedKeys().clear();
    key.interestOps(0);
    tick.run();
  }

  @Override
  public void close() {
    key.cancel();
    try {
      channel.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
