package io.gripcast.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gripcast.item.Item;
import io.gripcast.item.WsMessage;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ProtocolException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The selector-based transport against plain sockets on the loopback: the wire, framing, timeouts and failures. */
class NioTransportTest {
  private ExecutorService callbacks;
  private NioTransport transport;
  private ServerSocket server;
  private final List<Thread> threads = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    callbacks = Threads.boundedDaemonPool("test-callback", Handoff.MAX_DRAINERS);
    transport = transport(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(15));
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
  }

  @AfterEach
  void stop() throws Exception {
    transport.shutdown();
    server.close();
    for (Thread t : threads) {
      t.join(5_000);
    }
    callbacks.shutdown();
  }

  private NioTransport transport(Duration connect, Duration read, Duration call) {
    return new NioTransport(connect, read, Duration.ofSeconds(5), call, callbacks);
  }

  private PublishUrl url(String path) {
    return PublishUrl.parse("http://127.0.0.1:" + server.getLocalPort() + path);
  }

  private static Batches.Batch batch(String text) {
    return Batches.split(List.of(Item.of(WsMessage.text(text)).on("c")), 10_000_000).get(0);
  }

  private static byte[] body(Batches.Batch b) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    o.writeBytes(WireJson.ENVELOPE_START);
    o.write(b.buffer(), b.offset(), b.length());
    o.writeBytes(WireJson.ENVELOPE_END);
    return o.toByteArray();
  }

  /** A request as the server read it. */
  record Received(String requestLine, Map<String, String> headers, byte[] body) {}

  private static Received readRequest(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int state = 0;
    while (state < 4) {
      int c = in.read();
      if (c < 0) {
        throw new EOFException("request head cut");
      }
      head.write(c);
      state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
    }
    String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, colon).toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
    }
    byte[] body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
    return new Received(lines[0], headers, body);
  }

  /** Serves one connection with {@code handler} on a test thread. */
  private void serveOnce(Handler handler) {
    Thread t = new Thread(() -> {
      try (Socket s = server.accept()) {
        handler.handle(s);
      } catch (IOException e) {
        e.printStackTrace(); // the test's assertions say what went wrong; this says where
      }
    }, "test-server");
    t.setDaemon(true);
    t.start();
    threads.add(t);
  }

  interface Handler {
    void handle(Socket s) throws IOException;
  }

  private static Throwable failure(CompletableFuture<?> f) throws InterruptedException {
    try {
      f.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (CancellationException e) {
      return e;
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("the attempt did not end", e);
    }
    throw new AssertionError("the attempt succeeded");
  }

  @Test
  void requestOnTheWireAndAResponseSplitByteByByte() throws Exception {
    AtomicReference<Received> got = new AtomicReference<>();
    CountDownLatch stageAttached = new CountDownLatch(1);
    serveOnce(s -> {
      got.set(readRequest(s.getInputStream()));
      try {
        // answer only once the test's stage is attached: a stage added to a completed future runs
        // on the thread that adds it, which would say nothing about the transport
        stageAttached.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      OutputStream out = s.getOutputStream();
      for (byte b : "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nPublished\n".getBytes(StandardCharsets.US_ASCII)) {
        out.write(b);
        out.flush();
      }
      s.getInputStream().read(); // hold the connection until the client closes it
    });
    Batches.Batch b = batch("hello");
    AtomicReference<String> completedOn = new AtomicReference<>();
    CompletableFuture<Transport.Response> f = transport.newExchange(url("/realm/publish/?x=1"), "Bearer t0k", b).start()
        .whenComplete((r, t) -> completedOn.set(Thread.currentThread().getName()));
    stageAttached.countDown();
    assertEquals(new Transport.Response(200, null, "Published"), f.get(10, TimeUnit.SECONDS));
    Received r = got.get();
    assertEquals("POST /realm/publish/?x=1 HTTP/1.1", r.requestLine());
    assertEquals("127.0.0.1:" + server.getLocalPort(), r.headers().get("host"));
    assertEquals("application/json", r.headers().get("content-type"));
    assertEquals("text/plain", r.headers().get("accept"));
    assertEquals("Bearer t0k", r.headers().get("authorization"));
    assertEquals("close", r.headers().get("connection"));
    assertTrue(r.headers().get("user-agent").startsWith("gripcast/"), r.headers().toString());
    assertFalse(r.headers().containsKey("expect"));
    assertFalse(r.headers().containsKey("transfer-encoding"));
    assertArrayEquals(body(b), r.body());
    assertTrue(completedOn.get().startsWith("test-callback"), "completed on " + completedOn.get() + ", not on the selector thread");
  }

  @Test
  void theConnectionIsClosedOnceTheResponseIsCompleteEvenWhenNothingElseHappens() throws Exception {
    CompletableFuture<Integer> afterResponse = new CompletableFuture<>();
    serveOnce(s -> {
      readRequest(s.getInputStream());
      s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nPublished\n".getBytes(StandardCharsets.US_ASCII));
      s.setSoTimeout(5_000);
      try {
        afterResponse.complete(s.getInputStream().read()); // -1 once the client has closed
      } catch (SocketTimeoutException e) {
        afterResponse.completeExceptionally(e);
      }
    });
    assertEquals(200, transport.newExchange(url("/publish/"), null, batch("x")).start().get(10, TimeUnit.SECONDS).status());
    // the selector is idle from here on: the close must not wait for another request to come by
    assertEquals(-1, afterResponse.get(10, TimeUnit.SECONDS), "the client closed its end");
  }

  @Test
  void eachRequestHeadHasItsOwnLengthAndAuthorization() throws Exception {
    int n = 6;
    List<Received> got = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < n; i++) {
      serveOnce(s -> {
        got.add(readRequest(s.getInputStream()));
        s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      });
    }
    // bodies whose lengths cross digit counts, and a token that rotates between requests
    String[] texts = {"", "a".repeat(60), "b".repeat(950), "c".repeat(9_950), "d", "e".repeat(99_950)};
    String[] auths = {"Bearer one", "Bearer one", null, "Bearer two", "Basic dXNlcjpwYXNz", "Bearer one"};
    for (int i = 0; i < n; i++) {
      Batches.Batch b = batch(texts[i]);
      transport.newExchange(url("/publish/"), auths[i], b).start().get(10, TimeUnit.SECONDS);
      Received r = got.get(i);
      assertEquals(String.valueOf(b.bodyBytes()), r.headers().get("content-length"));
      assertArrayEquals(body(b), r.body());
      assertEquals(auths[i], r.headers().get("authorization"));
    }
  }

  @Test
  void noAuthorizationHeaderWithoutCredentials() throws Exception {
    AtomicReference<Received> got = new AtomicReference<>();
    serveOnce(s -> {
      got.set(readRequest(s.getInputStream()));
      s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    });
    transport.newExchange(url("/publish/"), null, batch("x")).start().get(10, TimeUnit.SECONDS);
    assertFalse(got.get().headers().containsKey("authorization"));
  }

  @Test
  void headerInjectionThroughTheAuthorizationIsRefusedWithoutEchoingIt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> transport.newExchange(url("/publish/"), "Bearer secret\r\nX-Evil: 1", batch("x")));
    assertFalse(e.getMessage().contains("secret"));
  }

  @Test
  void largeBodiesSurvivePartialWritesAndChunkedAnswers() throws Exception {
    AtomicReference<Received> got = new AtomicReference<>();
    serveOnce(s -> {
      // 3 MB is over the loopback's socket buffers, and this reads it in small pieces: the client's
      // non-blocking writes are partial and it must wait for the socket to become writable again
      InputStream slow = new InputStream() {
        final InputStream in = s.getInputStream();

        @Override
        public int read() throws IOException {
          return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          return in.read(b, off, Math.min(len, 1024));
        }
      };
      got.set(readRequest(slow));
      s.getOutputStream().write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nPubli\r\n5\r\nshed\n\r\n0\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      s.getInputStream().read();
    });
    Batches.Batch b = batch("z".repeat(3_000_000));
    Transport.Response r = transport.newExchange(url("/publish/"), null, b).start().get(20, TimeUnit.SECONDS);
    assertEquals(new Transport.Response(200, null, "Published"), r);
    assertArrayEquals(body(b), got.get().body());
  }

  @Test
  void closeDelimitedBody() throws Exception {
    serveOnce(s -> {
      readRequest(s.getInputStream());
      s.getOutputStream().write("HTTP/1.0 503 Service Unavailable\r\nRetry-After: 3\r\n\r\nbusy, try later\n".getBytes(StandardCharsets.US_ASCII));
    });
    assertEquals(new Transport.Response(503, "3", "busy, try later"),
        transport.newExchange(url("/publish/"), null, batch("x")).start().get(10, TimeUnit.SECONDS));
  }

  @Test
  void connectionRefusedIsAConnectException() throws Exception {
    int port = server.getLocalPort();
    server.close();
    PublishUrl closed = PublishUrl.parse("http://127.0.0.1:" + port + "/publish/");
    Throwable t = failure(transport.newExchange(closed, null, batch("x")).start());
    assertInstanceOf(ConnectException.class, t);
    assertTrue(t.getMessage().contains("127.0.0.1") && t.getMessage().contains(String.valueOf(port)), t.getMessage());
  }

  @Test
  void aFullAcceptQueueIsAConnectTimeout() throws Exception {
    // A listener that never accepts, with its accept queue filled: Linux drops further SYNs, so the
    // connect neither succeeds nor is refused (the loopback stand-in for a black-holed host).
    List<java.nio.channels.SocketChannel> fillers = new ArrayList<>();
    try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      for (int i = 0; i < 8; i++) {
        java.nio.channels.SocketChannel c = java.nio.channels.SocketChannel.open();
        c.configureBlocking(false);
        c.connect(full.getLocalSocketAddress());
        fillers.add(c);
      }
      Thread.sleep(100); // let the handshakes that fit complete
      NioTransport quick = transport(Duration.ofMillis(300), Duration.ofSeconds(5), Duration.ofSeconds(15));
      try {
        PublishUrl u = PublishUrl.parse("http://127.0.0.1:" + full.getLocalPort() + "/publish/");
        Throwable t = failure(quick.newExchange(u, null, batch("x")).start());
        Assumptions.assumeFalse(t instanceof java.net.ConnectException, "this kernel refuses instead of dropping: " + t);
        assertInstanceOf(SocketTimeoutException.class, t);
        assertTrue(t.getMessage().startsWith("connect timed out after 300 ms"), t.getMessage());
      } finally {
        quick.shutdown();
      }
    } finally {
      for (java.nio.channels.SocketChannel c : fillers) {
        c.close();
      }
    }
  }

  @Test
  void serverClosingWithoutAnswerIsAnEndOfStream() throws Exception {
    serveOnce(s -> readRequest(s.getInputStream()));
    Throwable t = failure(transport.newExchange(url("/publish/"), null, batch("x")).start());
    assertInstanceOf(EOFException.class, t);
    assertTrue(t.getMessage().contains("unexpected end of stream"), t.getMessage());
  }

  @Test
  void serverClosingInTheMiddleOfTheHeadIsAnEndOfStream() throws Exception {
    serveOnce(s -> {
      readRequest(s.getInputStream());
      s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Le".getBytes(StandardCharsets.US_ASCII));
    });
    assertInstanceOf(EOFException.class, failure(transport.newExchange(url("/publish/"), null, batch("x")).start()));
  }

  @Test
  void garbageIsAProtocolException() throws Exception {
    serveOnce(s -> {
      readRequest(s.getInputStream());
      s.getOutputStream().write("SSH-2.0-OpenSSH_9.6\r\n".getBytes(StandardCharsets.US_ASCII));
      s.getInputStream().read();
    });
    Throwable t = failure(transport.newExchange(url("/publish/"), null, batch("x")).start());
    assertInstanceOf(ProtocolException.class, t);
    assertTrue(t.getMessage().contains("SSH-2.0"), t.getMessage());
  }

  @Test
  void silenceAfterTheRequestIsAReadTimeout() throws Exception {
    NioTransport quick = transport(Duration.ofSeconds(5), Duration.ofMillis(200), Duration.ofSeconds(15));
    try {
      serveOnce(s -> {
        readRequest(s.getInputStream());
        s.getInputStream().read(); // until the client gives up and closes
      });
      Throwable t = failure(quick.newExchange(url("/publish/"), null, batch("x")).start());
      assertInstanceOf(SocketTimeoutException.class, t);
      assertTrue(t.getMessage().startsWith("read timed out after 200 ms"), t.getMessage());
    } finally {
      quick.shutdown();
    }
  }

  @Test
  void aDripFeedingServerHitsTheCallTimeout() throws Exception {
    NioTransport quick = transport(Duration.ofSeconds(5), Duration.ofMillis(300), Duration.ofMillis(600));
    CountDownLatch clientGone = new CountDownLatch(1);
    try {
      serveOnce(s -> {
        readRequest(s.getInputStream());
        try {
          OutputStream out = s.getOutputStream();
          for (byte b : "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII)) {
            out.write(b);
            out.flush();
            Thread.sleep(100); // every byte within the read timeout, all of them beyond the call timeout
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (IOException e) {
          clientGone.countDown();
        }
      });
      Throwable t = failure(quick.newExchange(url("/publish/"), null, batch("x")).start());
      assertInstanceOf(SocketTimeoutException.class, t);
      assertTrue(t.getMessage().contains("call timeout of 600 ms"), t.getMessage());
    } finally {
      quick.shutdown();
    }
  }

  @Test
  void aTimeoutAfterTheHeadStillReportsTheStatus() throws Exception {
    NioTransport quick = transport(Duration.ofSeconds(5), Duration.ofMillis(200), Duration.ofSeconds(15));
    try {
      serveOnce(s -> {
        readRequest(s.getInputStream());
        s.getOutputStream().write("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 100\r\n\r\npartial".getBytes(StandardCharsets.US_ASCII));
        s.getInputStream().read();
      });
      assertEquals(new Transport.Response(500, null, "partial"),
          quick.newExchange(url("/publish/"), null, batch("x")).start().get(10, TimeUnit.SECONDS));
    } finally {
      quick.shutdown();
    }
  }

  @Test
  void cancelClosesTheConnectionAndFailsWithCancellation() throws Exception {
    CountDownLatch requestRead = new CountDownLatch(1);
    CompletableFuture<Integer> serverSaw = new CompletableFuture<>();
    serveOnce(s -> {
      readRequest(s.getInputStream());
      requestRead.countDown();
      serverSaw.complete(s.getInputStream().read());
    });
    Transport.Exchange x = transport.newExchange(url("/publish/"), null, batch("x"));
    CompletableFuture<Transport.Response> f = x.start();
    assertTrue(requestRead.await(10, TimeUnit.SECONDS));
    x.cancel();
    assertInstanceOf(CancellationException.class, failure(f));
    assertEquals(-1, serverSaw.get(10, TimeUnit.SECONDS), "the client closed the connection");
  }

  @Test
  void shutdownEndsAttemptsInFlightAndStopsTheSelectorThread() throws Exception {
    CountDownLatch requestRead = new CountDownLatch(1);
    serveOnce(s -> {
      readRequest(s.getInputStream());
      requestRead.countDown();
      s.getInputStream().read();
    });
    CompletableFuture<Transport.Response> f = transport.newExchange(url("/publish/"), null, batch("x")).start();
    assertTrue(requestRead.await(10, TimeUnit.SECONDS));
    Thread selector = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("gripcast-nio")).findFirst().orElseThrow();
    assertTrue(selector.isDaemon());
    transport.shutdown();
    Throwable t = failure(f);
    assertInstanceOf(IOException.class, t);
    assertTrue(t.getMessage().contains("closed"), t.getMessage());
    selector.join(5_000);
    assertFalse(selector.isAlive());
    Throwable after = failure(transport.newExchange(url("/publish/"), null, batch("x")).start());
    assertTrue(after.getMessage().contains("closed"), after.getMessage());
  }

  @Test
  void hostNamesAndIpv6Literals() throws Exception {
    // localhost: resolved on the calling side; the first address that answers wins
    serveOnce(s -> {
      Received r = readRequest(s.getInputStream());
      s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: " + r.headers().get("host").length() + "\r\n\r\n"
          + r.headers().get("host")).getBytes(StandardCharsets.US_ASCII));
    });
    PublishUrl byName = PublishUrl.parse("http://localhost:" + server.getLocalPort() + "/publish/");
    assertEquals("localhost:" + server.getLocalPort(), transport.newExchange(byName, null, batch("x")).start().get(10, TimeUnit.SECONDS).excerpt());

    ServerSocket v6;
    try {
      v6 = new ServerSocket(0, 50, InetAddress.getByName("::1"));
    } catch (IOException e) {
      Assumptions.abort("no IPv6 loopback here: " + e);
      return;
    }
    try (v6) {
      Thread t = new Thread(() -> {
        try (Socket s = v6.accept()) {
          Received r = readRequest(s.getInputStream());
          s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: " + r.headers().get("host").length() + "\r\n\r\n"
              + r.headers().get("host")).getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
          // asserted below
        }
      });
      t.setDaemon(true);
      t.start();
      threads.add(t);
      PublishUrl literal = PublishUrl.parse("http://[::1]:" + v6.getLocalPort() + "/publish/");
      assertEquals("[::1]:" + v6.getLocalPort(), transport.newExchange(literal, null, batch("x")).start().get(10, TimeUnit.SECONDS).excerpt());
    }
  }

  @Test
  void unknownHostsFailOffTheSelectorThread() throws Exception {
    PublishUrl nowhere = PublishUrl.parse("http://no-such-host.invalid:5561/publish/");
    Throwable t = failure(transport.newExchange(nowhere, null, batch("x")).start());
    assertInstanceOf(java.net.UnknownHostException.class, t);
    assertNotEquals(null, t.getMessage());
  }

  @Test
  void manyConcurrentAttemptsOnOneSelector() throws Exception {
    int n = 50;
    Thread acceptor = new Thread(() -> {
      for (int i = 0; i < n; i++) {
        try {
          Socket s = server.accept();
          Thread h = new Thread(() -> {
            try (s) {
              Received r = readRequest(s.getInputStream());
              byte[] echo = r.body();
              s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: " + echo.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
              s.getOutputStream().write(echo);
            } catch (IOException e) {
              // asserted by the client side
            }
          });
          h.setDaemon(true);
          h.start();
        } catch (IOException e) {
          return;
        }
      }
    });
    acceptor.setDaemon(true);
    acceptor.start();
    threads.add(acceptor);
    List<CompletableFuture<Transport.Response>> fs = new ArrayList<>();
    List<Batches.Batch> bs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Batches.Batch b = batch("m" + i);
      bs.add(b);
      fs.add(transport.newExchange(url("/publish/"), null, b).start());
    }
    for (int i = 0; i < n; i++) {
      assertEquals(new String(body(bs.get(i)), StandardCharsets.UTF_8).strip(), fs.get(i).get(10, TimeUnit.SECONDS).excerpt());
    }
  }

  // ------------------------------------------------------------------ a loop that cannot die

  private NioTransport transport(NioTransport.Resolver resolver, NioTransport.SocketOpener sockets, Duration call) {
    return new NioTransport(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5), call, callbacks,
        resolver, sockets);
  }

  private void serveOk(int connections) {
    for (int i = 0; i < connections; i++) {
      serveOnce(sock -> {
        readRequest(sock.getInputStream());
        sock.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nPublished".getBytes(StandardCharsets.US_ASCII));
      });
    }
  }

  @Test
  void anIpv6AddressInAnIpv4OnlyJvmFailsThatAttemptOnlyAndNamesTheProblem() throws Exception {
    // what SocketChannel.open(INET6) throws under -Djava.net.preferIPv4Stack=true; it used to kill the thread
    NioTransport.SocketOpener ipv4Only = a -> {
      if (a instanceof java.net.Inet6Address) {
        throw new UnsupportedOperationException("Protocol family not supported");
      }
      return java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.INET);
    };
    NioTransport t = transport(InetAddress::getAllByName, ipv4Only, Duration.ofSeconds(5));
    try {
      Throwable v6 = failure(t.newExchange(PublishUrl.parse("http://[::1]:5561/publish/"), null, batch("x")).start());
      assertInstanceOf(ConnectException.class, v6);
      assertTrue(v6.getMessage().contains("IPv6"), v6.getMessage());
      serveOk(1);
      assertEquals(200, t.newExchange(url("/publish/"), null, batch("y")).start().get(10, TimeUnit.SECONDS).status(),
          "the same transport still publishes");
    } finally {
      t.shutdown();
    }
  }

  @Test
  void anyThrowableInAStepFailsItsExchangeAsATransportFailureAndTheLoopGoesOn() throws Exception {
    java.util.concurrent.atomic.AtomicInteger opened = new java.util.concurrent.atomic.AtomicInteger();
    NioTransport.SocketOpener flaky = a -> {
      if (opened.incrementAndGet() == 1) {
        throw new StackOverflowError("injected"); // an Error, not even an Exception
      }
      return java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.INET);
    };
    NioTransport t = transport(InetAddress::getAllByName, flaky, Duration.ofSeconds(5));
    try {
      Throwable first = failure(t.newExchange(url("/publish/"), null, batch("x")).start());
      assertInstanceOf(TransportException.class, first);
      assertInstanceOf(StackOverflowError.class, first.getCause());
      Thread selector = t.selectorThread();
      serveOk(1);
      assertEquals(200, t.newExchange(url("/publish/"), null, batch("y")).start().get(10, TimeUnit.SECONDS).status());
      assertTrue(selector.isAlive() && selector == t.selectorThread(), "the same selector thread carried on");
    } finally {
      t.shutdown();
    }
  }

  @Test
  void aBrokenSelectorFailsWhatItHeldAndTheNextAttemptStartsANewLoop() throws Exception {
    CountDownLatch requestRead = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    serveOnce(sock -> {
      readRequest(sock.getInputStream());
      requestRead.countDown();
      try {
        release.await(10, TimeUnit.SECONDS); // no answer until the test is done
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    CompletableFuture<Transport.Response> held = transport.newExchange(url("/publish/"), null, batch("x")).start();
    assertTrue(requestRead.await(10, TimeUnit.SECONDS));
    Thread first = transport.selectorThread();
    transport.selectorForTest().close(); // the next select throws ClosedSelectorException
    try {
      Throwable t = failure(held);
      assertInstanceOf(IOException.class, t);
      // closing a selector cancels its keys first, so the held exchange may trip over its cancelled
      // key (a guarded step: TransportException) before the next select finds the selector closed
      assertTrue(t.getMessage().contains("I/O thread failed") || t instanceof TransportException, t.toString());
      first.join(5_000);
      assertFalse(first.isAlive());
      serveOk(1);
      assertEquals(200, transport.newExchange(url("/publish/"), null, batch("y")).start().get(10, TimeUnit.SECONDS).status(),
          "a new loop carries the next attempt");
      assertNotEquals(first, transport.selectorThread());
    } finally {
      release.countDown();
    }
  }

  // ------------------------------------------------------------------ DNS off the selector thread

  private static final NioTransport.SocketOpener IPV4_SOCKETS =
      a -> java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.INET);

  /** A resolver that says it was called, then blocks until {@code release} (at most 10 s) and answers 127.0.0.1. */
  private static NioTransport.Resolver blockingResolver(Runnable called, CountDownLatch release) {
    return host -> {
      called.run();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return InetAddress.getAllByName("127.0.0.1");
    };
  }

  @Test
  void aSlowLookupEndsAtTheCallTimeoutAndDoesNotHoldUpOtherAttempts() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<String> resolvedOn = new java.util.concurrent.CopyOnWriteArrayList<>();
    NioTransport t = transport(blockingResolver(() -> resolvedOn.add(Thread.currentThread().getName()), release),
        IPV4_SOCKETS, Duration.ofMillis(300));
    try {
      long start = System.nanoTime();
      List<CompletableFuture<Transport.Response>> lookups = new ArrayList<>();
      for (int i = 0; i < NioTransport.DNS_THREADS + 2; i++) { // more than the pool: some wait in its queue
        lookups.add(t.newExchange(PublishUrl.parse("http://pushpin.example:" + server.getLocalPort() + "/publish/"), null,
            batch("x")).start());
      }
      serveOk(1);
      assertEquals(200, t.newExchange(url("/publish/"), null, batch("literal")).start().get(10, TimeUnit.SECONDS).status(),
          "an IP literal needs no lookup and does not wait for one");
      for (CompletableFuture<Transport.Response> f : lookups) {
        Throwable e = failure(f);
        assertInstanceOf(SocketTimeoutException.class, e);
        assertTrue(e.getMessage().contains("resolving pushpin.example"), e.getMessage());
      }
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertTrue(ms < 2_000, "the lookups ended at the call timeout, not when the resolver returned: " + ms + " ms");
      assertTrue(resolvedOn.stream().allMatch(n -> n.startsWith("gripcast-dns-")), resolvedOn.toString());
      assertTrue(resolvedOn.size() <= NioTransport.DNS_THREADS, "at most " + NioTransport.DNS_THREADS + " lookups at once");
    } finally {
      release.countDown();
      t.shutdown();
    }
  }

  @Test
  void cancellingDuringALookupEndsTheAttemptAtOnce() throws Exception {
    CountDownLatch looking = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    NioTransport t = transport(blockingResolver(looking::countDown, release), IPV4_SOCKETS, Duration.ofSeconds(15));
    try {
      Transport.Exchange x = t.newExchange(PublishUrl.parse("http://pushpin.example:" + server.getLocalPort() + "/publish/"),
          null, batch("x"));
      CompletableFuture<Transport.Response> f = x.start();
      assertTrue(looking.await(10, TimeUnit.SECONDS));
      x.cancel();
      assertInstanceOf(CancellationException.class, failure(f));
      release.countDown(); // the late answer finds the attempt over and connects nowhere
      Thread.sleep(100);
      server.setSoTimeout(200);
      assertThrows(SocketTimeoutException.class, server::accept, "no connection after the cancel");
    } finally {
      release.countDown();
      t.shutdown();
    }
  }

  // ------------------------------------------------------------------ an early answer

  @Test
  void anAnswerSentWhileTheBodyIsStillGoingOutIsReportedAsThatStatus() throws Exception {
    // a body far larger than the socket buffers: the proxy answers 413 after the head and closes
    // without reading the rest, which resets the connection under the client's write
    StringBuilder big = new StringBuilder();
    while (big.length() < 16_000_000) {
      big.append("0123456789abcdef");
    }
    Batches.Batch huge = Batches.split(List.of(Item.of(WsMessage.text(big.toString())).on("c")), 20_000_000).get(0);
    for (boolean graceful : new boolean[] {false, true}) {
      serveOnce(sock -> {
        InputStream in = sock.getInputStream();
        int state = 0;
        while (state < 4) { // the head only
          int c = in.read();
          state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        sock.getOutputStream().write("HTTP/1.1 413 Payload Too Large\r\nContent-Length: 13\r\nConnection: close\r\n\r\nbody too big\n"
            .getBytes(StandardCharsets.US_ASCII));
        sock.getOutputStream().flush();
        if (graceful) {
          sock.shutdownOutput(); // the answer is complete; the client must stop writing by itself
          sock.setSoTimeout(5_000);
          try {
            in.readNBytes(100_000); // read a little, then close with unread data: a reset
          } catch (IOException ignored) {
            // the client closed first
          }
        }
      });
      Transport.Response r = transport.newExchange(url("/publish/"), null, huge).start().get(10, TimeUnit.SECONDS);
      assertEquals(413, r.status(), "graceful close: " + graceful);
      assertEquals("body too big", r.excerpt());
    }
  }

  // ------------------------------------------------------------------ idle without native code

  @Test
  void anIdleSelectorThreadWaitsParkedNotInNativeCodeSoTheJvmExitsAtOnce() throws Exception {
    // HotSpot waits up to 300 ms at exit for threads in native code (epoll_wait is one): an idle
    // selector thread must be parked instead (WAITING), and still wake for the next attempt
    serveOk(2);
    assertEquals(200, transport.newExchange(url("/publish/"), null, batch("x")).start().get(10, TimeUnit.SECONDS).status());
    Thread selector = transport.selectorThread();
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (selector.getState() != Thread.State.WAITING && System.nanoTime() < until) {
      Thread.sleep(5);
    }
    assertEquals(Thread.State.WAITING, selector.getState(), "idle selector thread: " + java.util.Arrays.toString(selector.getStackTrace()));
    assertTrue(java.util.Arrays.stream(selector.getStackTrace()).anyMatch(f -> f.getMethodName().equals("park")),
        java.util.Arrays.toString(selector.getStackTrace()));
    assertEquals(200, transport.newExchange(url("/publish/"), null, batch("y")).start().get(10, TimeUnit.SECONDS).status(),
        "a parked selector thread wakes for the next attempt");
  }
}
