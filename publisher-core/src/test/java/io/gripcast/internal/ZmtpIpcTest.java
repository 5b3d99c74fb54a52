package io.gripcast.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * gripcast's ZMTP 3.0 client ({@link Zmtp}, {@link ZmtpConnection}, {@link IpcSockets}) against
 * hand-made Unix-socket peers: the bytes it sends, and a clear, bounded failure for each way a
 * peer can go wrong. (Real Pushpin: io.gripcast.it.IpcIntegrationTest.)
 */
@Timeout(30)
class ZmtpIpcTest {

  private Path dir;
  private Path socket;
  private Selector selector;
  private final List<AutoCloseable> closing = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    dir = Files.createTempDirectory(Path.of("/tmp"), "zmtp");
    socket = dir.resolve("peer");
    selector = Selector.open();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
    selector.close();
    Files.deleteIfExists(socket);
    Files.deleteIfExists(dir);
  }

  // ------------------------------------------------------------------ a scripted peer

  interface Script {
    void run(SocketChannel peer) throws Exception;
  }

  /** A Unix socket server whose every accepted connection runs {@code script} on its own thread. */
  private CompletableFuture<Void> peer(Script script) throws IOException {
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    closing.add(server);
    CompletableFuture<Void> firstDone = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        while (true) {
          SocketChannel c = server.accept();
          closing.add(c);
          try {
            script.run(c);
            firstDone.complete(null);
          } catch (Exception e) {
            firstDone.completeExceptionally(e);
          }
        }
      } catch (IOException closed) {
        // the test is over
      }
    }, "zmtp-peer");
    t.setDaemon(true);
    t.start();
    return firstDone;
  }

  private static byte[] read(SocketChannel c, int n) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(n);
    while (b.hasRemaining()) {
      if (c.read(b) < 0) {
        throw new EOFException("client closed after " + b.position() + " bytes");
      }
    }
    return b.array();
  }

  private static void write(SocketChannel c, byte[] bytes) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    while (b.hasRemaining()) {
      c.write(b);
    }
  }

  /** A frame as the peer reads it: flags and body. */
  private static Zmtp.Frame readFrame(SocketChannel c) throws IOException {
    byte[] head = read(c, 2);
    int flags = head[0] & 0xFF;
    long size = head[1] & 0xFF;
    if ((flags & Zmtp.LONG) != 0) {
      size = ByteBuffer.wrap(concat(new byte[] {head[1]}, read(c, 7))).getLong();
    }
    return new Zmtp.Frame(flags, read(c, (int) size));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** libzmq's side of the handshake: greeting, then READY with {@code type}; checks ours. */
  private static void handshake(SocketChannel c, String type, String expectedClientType) throws IOException {
    assertArrayEquals(Zmtp.greeting(), read(c, 64));
    byte[] g = Zmtp.greeting();
    g[11] = 1; // libzmq 4.3 says 3.1
    write(c, g);
    Zmtp.Frame ready = readFrame(c);
    assertTrue(ready.command());
    assertEquals("READY", Zmtp.commandName(ready, "client"));
    assertEquals(expectedClientType, Zmtp.properties(Zmtp.commandData(ready), "client").get("Socket-Type"));
    write(c, Zmtp.ready(type));
  }

  private ZmtpConnection open(String ownType, Set<String> peerTypes, long millis) throws IOException {
    return ZmtpConnection.open(socket, "ipc://" + socket, "Pushpin's push_in_spec (a PULL socket)", ownType,
        peerTypes, selector, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis), () -> { });
  }

  // ------------------------------------------------------------------ bytes

  @Test
  void greetingReadyAndFramesAreTheBytesOfRfc23() {
    byte[] g = Zmtp.greeting();
    assertEquals(64, g.length);
    assertEquals((byte) 0xFF, g[0]);
    for (int i = 1; i <= 8; i++) {
      assertEquals(0, g[i], "padding byte " + i);
    }
    assertEquals(0x7F, g[9]);
    assertEquals(3, g[10]);
    assertEquals(0, g[11]);
    assertEquals("NULL", new String(g, 12, 4, StandardCharsets.US_ASCII));
    for (int i = 16; i < 64; i++) {
      assertEquals(0, g[i], "mechanism padding, as-server and filler byte " + i);
    }
    byte[] ready = Zmtp.ready("PUSH");
    byte[] expected = concat(new byte[] {0x04, 26, 5, 'R', 'E', 'A', 'D', 'Y', 11},
        concat("Socket-Type".getBytes(StandardCharsets.US_ASCII), new byte[] {0, 0, 0, 4, 'P', 'U', 'S', 'H'}));
    assertArrayEquals(expected, ready);

    ByteBuffer m = Zmtp.message(new byte[300], "x".getBytes(StandardCharsets.US_ASCII));
    assertEquals(Zmtp.MORE | Zmtp.LONG, m.get(0));
    assertEquals(300, m.getLong(1));
    assertEquals(0, m.get(9 + 300)); // last frame: no MORE, short
    assertEquals(1, m.get(9 + 300 + 1));
    assertEquals(9 + 300 + 3, m.remaining());
  }

  @Test
  void takeFrameWaitsForWholeFramesAndRefusesGarbage() throws Exception {
    byte[] f = Zmtp.frame(0, "hello".getBytes(StandardCharsets.US_ASCII));
    ByteBuffer partial = ByteBuffer.wrap(f, 0, 4);
    assertNull(Zmtp.takeFrame(partial, "p"));
    assertEquals(0, partial.position(), "an incomplete frame is left where it was");
    Zmtp.Frame whole = Zmtp.takeFrame(ByteBuffer.wrap(f), "p");
    assertEquals("hello", new String(whole.body(), StandardCharsets.US_ASCII));
    Zmtp.ProtocolException flags = assertThrows(Zmtp.ProtocolException.class,
        () -> Zmtp.takeFrame(ByteBuffer.wrap(new byte[] {(byte) 0x80, 1, 0}), "p"));
    assertTrue(flags.getMessage().contains("unknown flags 0x80"), flags.getMessage());
    ByteBuffer huge = ByteBuffer.allocate(9).put((byte) Zmtp.LONG).putLong(1L << 40).flip();
    Zmtp.ProtocolException big = assertThrows(Zmtp.ProtocolException.class, () -> Zmtp.takeFrame(huge, "p"));
    assertTrue(big.getMessage().contains("takes at most 65536"), big.getMessage());
  }

  // ------------------------------------------------------------------ handshake faults

  @Test
  void aPullPeerCompletesTheHandshakeAndGetsEachMessageAsOneFrame() throws Exception {
    LinkedBlockingQueue<Zmtp.Frame> got = new LinkedBlockingQueue<>();
    peer(c -> {
      handshake(c, "PULL", "PUSH");
      while (true) {
        got.add(readFrame(c));
      }
    });
    try (ZmtpConnection conn = open("PUSH", Set.of("PULL"), 5_000)) {
      byte[] big = new byte[70_000];
      big[69_999] = 7;
      assertTrue(conn.write(Zmtp.message("J{}".getBytes(StandardCharsets.US_ASCII)), System.nanoTime() + 5_000_000_000L));
      assertTrue(conn.write(Zmtp.message(big), System.nanoTime() + 5_000_000_000L));
      Zmtp.Frame first = got.poll(5, TimeUnit.SECONDS);
      assertEquals(0, first.flags());
      assertEquals("J{}", new String(first.body(), StandardCharsets.US_ASCII));
      Zmtp.Frame second = got.poll(5, TimeUnit.SECONDS);
      assertEquals(0, second.flags() & Zmtp.MORE);
      assertArrayEquals(big, second.body());
    }
  }

  @Test
  void aPeerClosingMidHandshakeIsNamedWithHowFarItGot() throws Exception {
    peer(c -> {
      read(c, 64);
      write(c, new byte[] {(byte) 0xFF, 0, 0, 0, 0});
      c.close();
    });
    EOFException e = assertThrows(EOFException.class, () -> open("PUSH", Set.of("PULL"), 5_000));
    assertTrue(e.getMessage().contains("ipc://" + socket + " closed the connection during the ZMTP greeting, after 5"
        + " of its 64 bytes"), e.getMessage());
  }

  @Test
  void aPeerThatClosesAfterOurReadyIsAskedWhetherItIsTheRightSocket() throws Exception {
    peer(c -> {
      read(c, 64);
      write(c, Zmtp.greeting());
      readFrame(c);
      c.close(); // what libzmq does when the socket types do not fit
    });
    EOFException e = assertThrows(EOFException.class, () -> open("PUSH", Set.of("PULL"), 5_000));
    assertTrue(e.getMessage().contains("after gripcast's READY (Socket-Type PUSH)"), e.getMessage());
    assertTrue(e.getMessage().contains("is that Pushpin's push_in_spec (a PULL socket)?"), e.getMessage());
  }

  @Test
  void aPeerOfTheWrongSocketTypeIsRefusedNamingBoth() throws Exception {
    peer(c -> handshake(c, "PUB", "PUSH"));
    Zmtp.ProtocolException e = assertThrows(Zmtp.ProtocolException.class, () -> open("PUSH", Set.of("PULL"), 5_000));
    assertEquals("ipc://" + socket + " is a PUB socket, but a PUSH socket needs PULL: is that Pushpin's"
        + " push_in_spec (a PULL socket)?", e.getMessage());
  }

  @Test
  void aGarbageGreetingIsRefusedAtTheFirstWrongByte() throws Exception {
    peer(c -> {
      write(c, "HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      Thread.sleep(2_000); // sends nothing more: the client must not wait for 64 bytes
    });
    long t0 = System.nanoTime();
    Zmtp.ProtocolException e = assertThrows(Zmtp.ProtocolException.class, () -> open("PUSH", Set.of("PULL"), 5_000));
    assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(1), "refused at once");
    assertEquals("ipc://" + socket + " is not a ZeroMQ socket: its first byte was 0x48, not the 0xFF of a ZMTP"
        + " greeting", e.getMessage());
  }

  @Test
  void aSecurityMechanismOtherThanNullOrAnErrorCommandIsNamed() throws Exception {
    peer(c -> {
      read(c, 64);
      byte[] g = Zmtp.greeting();
      System.arraycopy("CURVE".getBytes(StandardCharsets.US_ASCII), 0, g, 12, 5);
      write(c, g);
    });
    Zmtp.ProtocolException curve = assertThrows(Zmtp.ProtocolException.class, () -> open("PUSH", Set.of("PULL"), 5_000));
    assertTrue(curve.getMessage().contains("wants the ZMTP security mechanism \"CURVE\"; gripcast supports only NULL"),
        curve.getMessage());
  }

  @Test
  void anErrorCommandInsteadOfReadyIsShownWithItsReason() throws Exception {
    peer(c -> {
      read(c, 64);
      write(c, Zmtp.greeting());
      readFrame(c);
      byte[] reason = "Invalid socket type".getBytes(StandardCharsets.US_ASCII);
      write(c, Zmtp.frame(Zmtp.COMMAND, concat(concat(new byte[] {5, 'E', 'R', 'R', 'O', 'R'},
          new byte[] {(byte) reason.length}), reason)));
    });
    Zmtp.ProtocolException e = assertThrows(Zmtp.ProtocolException.class, () -> open("PUSH", Set.of("PULL"), 5_000));
    assertEquals("ipc://" + socket + " refused the connection: \"Invalid socket type\"", e.getMessage());
  }

  @Test
  void aPeerThatNeverAnswersTimesOutAtTheDeadline() throws Exception {
    peer(c -> Thread.sleep(10_000));
    long t0 = System.nanoTime();
    SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> open("PUSH", Set.of("PULL"), 300));
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertTrue(ms >= 290 && ms < 2_000, ms + " ms");
    assertEquals("ipc://" + socket + " accepted the connection but sent no complete ZMTP greeting (0 of 64 bytes);"
        + " is that a ZeroMQ socket?", e.getMessage());
  }

  @Test
  void noSocketFileIsAConnectFailureSayingSo() {
    ConnectException e = assertThrows(ConnectException.class, () -> open("PUSH", Set.of("PULL"), 1_000));
    assertEquals("cannot connect to ipc://" + socket + ": there is no socket file " + socket, e.getMessage());
  }

  // ------------------------------------------------------------------ IpcSockets over a fake peer

  /** A Done that records how a send ended. */
  private static final class Result implements ZmqTransport.Done {
    final CompletableFuture<String> ended = new CompletableFuture<>();

    @Override
    public void sent(int messages, int unsubscribed) {
      ended.complete("sent " + messages + " unsubscribed " + unsubscribed);
    }

    @Override
    public void failed(int sent, String why) {
      ended.complete("failed " + sent + ": " + why);
    }

    String await() throws Exception {
      return ended.get(10, TimeUnit.SECONDS);
    }
  }

  private static List<byte[]> bytes(String... texts) {
    List<byte[]> out = new ArrayList<>();
    for (String t : texts) {
      out.add(t.getBytes(StandardCharsets.UTF_8));
    }
    return out;
  }

  private static long in(long millis) {
    return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
  }

  @Test
  void aSendToAPeerThatNeverAnswersFailsAtTheCallTimeoutNamingTheHandshakeTimeout() throws Exception {
    peer(c -> Thread.sleep(10_000));
    IpcSockets io = new IpcSockets(100, 300);
    closing.add(io);
    ZmqTransport.Link link = io.open("ipc://" + socket, false);
    Result r = new Result();
    long t0 = System.nanoTime();
    link.send(null, bytes("J{}"), in(1_000), r, () -> false);
    String outcome = r.await();
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertTrue(ms >= 950 && ms < 3_000, ms + " ms");
    assertTrue(outcome.startsWith("failed 0: no ZeroMQ connection to ipc://" + socket + " took the items within"
        + " the call timeout: is Pushpin running there, and is that its push_in_spec?"), outcome);
    assertTrue(outcome.contains("(last attempt: ipc://" + socket + " accepted the connection but sent no complete"
        + " ZMTP greeting (0 of 64 bytes); is that a ZeroMQ socket? within the handshake timeout (300 ms))"), outcome);
  }

  @Test
  void aPushWaitsForThePeerToAppearThenSendsInOrder() throws Exception {
    IpcSockets io = new IpcSockets(1_000);
    closing.add(io);
    ZmqTransport.Link link = io.open("ipc://" + socket, false);
    Result first = new Result();
    Result second = new Result();
    link.send(null, bytes("J1", "J2"), in(5_000), first, () -> false);
    link.send(null, bytes("J3"), in(5_000), second, () -> false);
    Thread.sleep(300); // nothing there yet: both wait
    assertFalse(first.ended.isDone());
    LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();
    peer(c -> {
      handshake(c, "PULL", "PUSH");
      while (true) {
        got.add(new String(readFrame(c).body(), StandardCharsets.UTF_8));
      }
    });
    assertEquals("sent 2 unsubscribed 0", first.await());
    assertEquals("sent 1 unsubscribed 0", second.await());
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      seen.add(got.poll(5, TimeUnit.SECONDS));
    }
    assertEquals(List.of("J1", "J2", "J3"), seen);
  }

  @Test
  void aPeerThatStopsReadingMakesTheSendFailAtTheDeadlineSayingSo() throws Exception {
    peer(c -> {
      handshake(c, "PULL", "PUSH");
      Thread.sleep(20_000); // reads nothing more: the socket buffers fill up
    });
    IpcSockets io = new IpcSockets(100);
    closing.add(io);
    List<byte[]> items = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      items.add(new byte[60_000]);
    }
    Result r = new Result();
    long t0 = System.nanoTime();
    io.open("ipc://" + socket, false).send(null, items, in(1_000), r, () -> false);
    String outcome = r.await();
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertTrue(ms >= 950 && ms < 3_000, ms + " ms");
    assertTrue(outcome.matches("failed \\d+: the ZeroMQ connection to ipc://.* took no more data until the call"
        + " timeout: Pushpin is not reading it \\(busy, or stopped\\?\\)"), outcome);
    assertFalse(outcome.startsWith("failed 200"), outcome);
  }

  @Test
  void closeGivesWhatIsQueuedTheLingerToGoOutThenFailsTheRest() throws Exception {
    IpcSockets io = new IpcSockets(3_000);
    ZmqTransport.Link link = io.open("ipc://" + socket, false);
    Result r = new Result();
    link.send(null, bytes("Jlast"), in(10_000), r, () -> false);
    LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();
    Thread late = new Thread(() -> {
      try {
        Thread.sleep(300);
        peer(c -> {
          handshake(c, "PULL", "PUSH");
          got.add(new String(readFrame(c).body(), StandardCharsets.UTF_8));
        });
      } catch (Exception e) {
        got.add(e.toString());
      }
    });
    late.start();
    io.close(); // returns once the queued item went out, within the linger
    assertEquals("sent 1 unsubscribed 0", r.await());
    assertEquals("Jlast", got.poll(5, TimeUnit.SECONDS));
    Result after = new Result();
    link.send(null, bytes("Jtoo-late"), in(1_000), after, () -> false);
    assertEquals("failed 0: publisher closed", after.await());

    IpcSockets nobody = new IpcSockets(200);
    Result lost = new Result();
    nobody.open("ipc://" + dir.resolve("nobody"), false).send(null, bytes("J"), in(10_000), lost, () -> false);
    long t0 = System.nanoTime();
    nobody.close();
    assertEquals("failed 0: publisher closed before these items were sent", lost.await());
    assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(3), "bounded by the linger");
  }

  @Test
  void aRelativeSpecIsASocketPathRelativeToTheWorkingDirectoryAsInLibzmq() throws Exception {
    Path relative = Path.of("zmtp-rel-" + ProcessHandle.current().pid());
    socket = relative; // peer() binds it relative to the working directory; tearDown removes it
    LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();
    peer(c -> {
      handshake(c, "PULL", "PUSH");
      got.add(new String(readFrame(c).body(), StandardCharsets.UTF_8));
    });
    assertTrue(Files.exists(relative.toAbsolutePath()), "bound in " + Path.of("").toAbsolutePath());
    IpcSockets io = new IpcSockets(1_000);
    closing.add(io);
    Result r = new Result();
    io.open("ipc://" + relative, false).send(null, bytes("Jrel"), in(5_000), r, () -> false);
    assertEquals("sent 1 unsubscribed 0", r.await());
    assertEquals("Jrel", got.poll(5, TimeUnit.SECONDS));
  }

  @Test
  void aWrongSocketTypeMakesTheSendFailNamingIt() throws Exception {
    peer(c -> handshake(c, "REP", "PUSH"));
    IpcSockets io = new IpcSockets(100);
    closing.add(io);
    Result r = new Result();
    io.open("ipc://" + socket, false).send(null, bytes("J{}"), in(700), r, () -> false);
    String outcome = r.await();
    assertTrue(outcome.contains("(last attempt: ipc://" + socket + " is a REP socket, but a PUSH socket needs PULL"),
        outcome);
  }

  @Test
  void pubSendsOnlyOnSubscribedChannelsAsChannelAndItemFramesAndSeesCancels() throws Exception {
    LinkedBlockingQueue<List<String>> got = new LinkedBlockingQueue<>();
    CompletableFuture<SocketChannel> conn = new CompletableFuture<>();
    peer(c -> {
      handshake(c, "SUB", "PUB");
      write(c, Zmtp.frame(0, concat(new byte[] {1}, "room-".getBytes(StandardCharsets.US_ASCII))));
      conn.complete(c);
      while (true) {
        List<String> m = new ArrayList<>();
        Zmtp.Frame f;
        do {
          f = readFrame(c);
          m.add(new String(f.body(), StandardCharsets.UTF_8));
        } while (f.more());
        got.add(m);
      }
    });
    IpcSockets io = new IpcSockets(1_000);
    closing.add(io);
    ZmqTransport.Link link = io.open("ipc://" + socket, true);
    assertTrue(link.awaitSubscribed("room-1", 5_000));
    assertFalse(link.awaitSubscribed("lobby", 50));
    Result r = new Result();
    link.send(bytes("room-1", "lobby", "room-2"), bytes("Ja", "Jb", "Jc"), in(5_000), r, () -> false);
    assertEquals("sent 3 unsubscribed 1", r.await());
    assertEquals(List.of("room-1", "Ja"), got.poll(5, TimeUnit.SECONDS));
    assertEquals(List.of("room-2", "Jc"), got.poll(5, TimeUnit.SECONDS));
    write(conn.get(), Zmtp.frame(0, concat(new byte[] {0}, "room-".getBytes(StandardCharsets.US_ASCII))));
    long deadline = in(5_000);
    while (link.awaitSubscribed("room-1", 0) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertFalse(link.awaitSubscribed("room-1", 0), "the cancel was seen");
  }
}
