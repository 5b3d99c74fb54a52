package io.gripcast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.gripcast.testing.GripTestOrigin;
import io.gripcast.testing.PushpinExtension;
import io.gripcast.testing.PushpinInstance;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.BufferedSource;
import okio.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Drop-in parity on a real Pushpin: for each pushpin-publish flag, the same arguments given to
 * {@code pushpin-publish} and to the packaged {@code gripcast publish} make real subscribers (an
 * OkHttp stream, an OkHttp long-poll and an OkHttp WebSocket) receive the same thing: bytes, frames,
 * close codes, status lines and headers, and origin re-requests.
 *
 * <p>Each run gets its own channel (Pushpin keeps ids per channel), its own three subscribers, and
 * waits until Pushpin has subscribed all three before publishing. The gripcast run waits until it has
 * seen what the pushpin-publish run saw (or a deadline), so neither side sleeps for a fixed time.
 */
class PushpinPublishParityIT {

  @RegisterExtension
  static final PushpinExtension PUSHPIN = PushpinExtension.builder()
      .configure(b -> b.messageRate(0))
      .build();

  static final OkHttpClient CLIENT = new OkHttpClient.Builder()
      .readTimeout(Duration.ofSeconds(30))
      .build();

  static final AtomicInteger SEQ = new AtomicInteger();

  @TempDir static Path dir;

  static String pushpinPublish;

  @BeforeAll
  static void files() throws IOException {
    Files.writeString(dir.resolve("text.txt"), "héllo from a file\n");
    Files.write(dir.resolve("bin.dat"), new byte[] {'a', 0, (byte) 0xff, (byte) 0xfe, 'b', '\n'});
    Files.writeString(dir.resolve(NON_ASCII_FILE), NON_ASCII_FILE_CONTENT);
    Optional<Path> pp = Stream.of("/usr/bin/pushpin-publish", "/usr/local/bin/pushpin-publish")
        .map(Path::of).filter(Files::isExecutable).findFirst();
    if (pp.isEmpty()) {
      fail("pushpin-publish is missing although pushpin is installed; it ships in the pushpin package (1.32+)");
    }
    pushpinPublish = pp.get().toString();
  }

  @AfterAll
  static void shutdown() {
    synchronized (PushpinPublishParityIT.class) {
      if (ipcPushpin != null) {
        ipcPushpin.close();
        ipcPushpin = null;
      }
    }
    CLIENT.dispatcher().executorService().shutdown();
    CLIENT.connectionPool().evictAll();
  }

  /** What a subscriber of each kind received after one publish. */
  record Observed(List<String> ws, String wsClose, String stream, boolean streamEnded, String response,
      List<String> originRequests) {}

  /** A case: pushpin-publish arguments ({ch} is the channel), what to wait for, and the long-poll's query. */
  record Case(String name, List<String> args, String responseQuery, Expect expect) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** What a publish is expected to produce, so a run knows when it is complete. */
  enum Expect {
    CONTENT, // a ws message, stream data and a long-poll response
    RESPONSE_ONLY,
    CLOSE, // stream ended and ws closed
    HINT // the origin re-requested for the stream and the long-poll
  }

  static Stream<Arguments> cases() {
    String json = "&type=application/json&body=" + URLEncoder.encode("{\"count\":1,\"items\":[]}", StandardCharsets.UTF_8);
    return Stream.of(
        new Case("content", List.of("{ch}", "hello"), "", Expect.CONTENT),
        new Case("empty content", List.of("{ch}", ""), "", Expect.CONTENT),
        new Case("unicode content", List.of("{ch}", "héllo wörld ✓"), "", Expect.CONTENT),
        new Case("--no-eol", List.of("--no-eol", "{ch}", "no newline"), "", Expect.CONTENT),
        new Case("@file text", List.of("{ch}", "@text.txt"), "", Expect.CONTENT),
        new Case("@file binary", List.of("{ch}", "@bin.dat"), "", Expect.CONTENT),
        // pushpin-publish's -H takes every following value (clap), so the channel goes first
        new Case("--code and -H", List.of("{ch}", "made", "--code", "201", "-H", "X-Test: yes", "-H",
            "Content-Type: text/x-custom"), "", Expect.CONTENT),
        new Case("-H several values", List.of("{ch}", "v", "-H", "X-A: 1", "X-B: 2"), "", Expect.CONTENT),
        new Case("--id --prev-id --sender -M --no-seq", List.of("--id", "id-1", "--prev-id", "id-0", "--sender", "me",
            "-M", "k=v", "--no-seq", "{ch}", "with ids"), "", Expect.CONTENT),
        new Case("--hint", List.of("--hint", "{ch}"), "", Expect.HINT),
        new Case("--close", List.of("--close", "{ch}"), "", Expect.CLOSE),
        new Case("--patch", List.of("--patch", "{ch}",
            "[{\"op\":\"replace\",\"path\":\"/count\",\"value\":2},{\"op\":\"add\",\"path\":\"/items/-\",\"value\":\"x\"}]"),
            json, Expect.RESPONSE_ONLY))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void subscribersReceiveTheSameFromBoth(Case c, PushpinInstance pushpin, GripTestOrigin origin) throws Exception {
    List<String> base = List.of("--spec", pushpin.gripUrl());
    Observed expected = observe(pushpin, origin, c, null, ch -> run(pushpinPublish, base, c.args(), ch), "pushpin-publish");
    Observed actual = observe(pushpin, origin, c, expected,
        ch -> run(Launcher.gripcast().toString(), prepend("publish", base), c.args(), ch), "gripcast publish");
    assertEquals(expected, actual, c.name());
  }

  /**
   * The same cases over ZeroMQ: {@code --spec tcp://...} (Pushpin's push_in_spec) given to both.
   * pushpin-publish sends a tnetstring, gripcast {@code 'J'} and JSON; subscribers must not see the
   * difference.
   */
  @ParameterizedTest(name = "tcp:// {0}")
  @MethodSource("cases")
  void overZeroMqSubscribersReceiveTheSameFromBoth(Case c, PushpinInstance pushpin, GripTestOrigin origin) throws Exception {
    assertTrue(pushpin.zmqPushSpec().startsWith("tcp://"), pushpin.zmqPushSpec());
    overZeroMq(c, pushpin, origin, "tcp:// ");
  }

  /**
   * The same over {@code --spec ipc://...}: a second instance whose push_in_spec is a Unix socket,
   * which gripcast reaches with its own ZMTP client and pushpin-publish with libzmq.
   */
  @ParameterizedTest(name = "ipc:// {0}")
  @MethodSource("cases")
  void overZeroMqIpcSubscribersReceiveTheSameFromBoth(Case c, GripTestOrigin origin) throws Exception {
    PushpinInstance pushpin = ipcPushpin();
    assertTrue(pushpin.zmqPushSpec().startsWith("ipc:///"), pushpin.zmqPushSpec());
    overZeroMq(c, pushpin, origin, "ipc:// ");
  }

  private void overZeroMq(Case c, PushpinInstance pushpin, GripTestOrigin origin, String label) throws Exception {
    List<String> base = List.of("--spec", pushpin.zmqPushSpec());
    Publish pp = ch -> run(pushpinPublish, base, c.args(), ch);
    Observed expected = onceMoreIfIncomplete(c, label + c.name(), "pushpin-publish",
        () -> observe(pushpin, origin, c, null, pp, "pushpin-publish"));
    if (c.name().equals("@file binary")) {
      // A documented difference: pushpin-publish's tnetstring puts the bytes in ws-message "content",
      // so WebSocket subscribers get a TEXT frame of non-UTF-8 bytes; gripcast sends content-bin and
      // they get the BINARY frame that both tools deliver over HTTP. Everything else is the same.
      assertEquals(List.of("T:a\u0000\ufffd\ufffdb\n"), expected.ws(), "pushpin-publish over ZeroMQ");
      expected = new Observed(List.of("B:6100fffe620a"), expected.wsClose(), expected.stream(), expected.streamEnded(),
          expected.response(), expected.originRequests());
    }
    Observed target = expected;
    Publish gc = ch -> run(Launcher.gripcast().toString(), prepend("publish", base), c.args(), ch);
    Observed actual = onceMoreIfIncomplete(c, label + c.name(), "gripcast publish",
        () -> observe(pushpin, origin, c, target, gc, "gripcast publish"));
    assertEquals(expected, actual, label + c.name());
  }

  /**
   * A ZeroMQ publish has no acknowledgement, and in full-suite runs on a loaded machine Pushpin
   * 1.36 has twice taken nothing from a fresh PUSH connection (docs/scaling.md, "What a ZeroMQ
   * publish guarantees"), and once delivered a content item from pushpin-publish (the reference)
   * to the WebSocket and the long-poll but not to the subscribed stream: a comparison with such a
   * run says nothing about gripcast. So a publish that reached no subscriber, or a content item
   * that missed one, is made once more, on a new channel, and said so; what arrives must still be
   * exactly the same from both tools, and a second such run is compared as it is. (A --hint over
   * ZeroMQ never brings the second origin request its case waits for, from either tool, so only
   * content cases count a partial delivery.)
   */
  private static Observed onceMoreIfIncomplete(Case c, String name, String who, Callable<Observed> observe)
      throws Exception {
    Observed first = observe.call();
    boolean partial = c.expect() == Expect.CONTENT && !complete(Expect.CONTENT, first);
    if (!nothingArrived(first) && !partial) {
      return first;
    }
    System.out.println(name + ": " + who + "'s publish over ZeroMQ was incomplete (" + first
        + "); publishing once more");
    return observe.call();
  }

  private static boolean nothingArrived(Observed o) {
    return o.ws().isEmpty() && o.wsClose() == null && o.stream().isEmpty() && !o.streamEnded()
        && "(pending)".equals(o.response()) && o.originRequests().isEmpty();
  }

  /** Whether every subscriber the case waits for has what it waits for. */
  static boolean complete(Expect e, Observed o) {
    switch (e) {
      case CONTENT:
        return !o.ws().isEmpty() && !o.stream().isEmpty() && !"(pending)".equals(o.response());
      case RESPONSE_ONLY:
        return !"(pending)".equals(o.response());
      case CLOSE:
        // the WebSocket's close also reaches the origin as a CLOSE event (WebSocket-over-HTTP)
        return o.streamEnded() && o.wsClose() != null && o.originRequests().stream().anyMatch(r -> r.contains("CLOSE"));
      case HINT:
        return o.originRequests().size() >= 2;
      default:
        throw new AssertionError(e);
    }
  }

  /** The instance of the ipc:// cases, routed as the extension routes its own (over_http); started by the first of them. */
  private static PushpinInstance ipcPushpin;

  private static synchronized PushpinInstance ipcPushpin() {
    if (ipcPushpin == null) {
      ipcPushpin = PushpinInstance.builder().name("PushpinPublishParityIT-ipc").messageRate(0).zmqIpc(true)
          .origin(PUSHPIN.origin()).overHttp(true).startOrSkip();
    }
    return ipcPushpin;
  }

  static final String NON_ASCII_FILE = "fé ✓.txt";
  static final String NON_ASCII_FILE_CONTENT = "from a file named fé ✓ 🌍\n";
  static final String NON_ASCII = "héllo ✓ 🌍";

  /** A string whose chars are the UTF-8 bytes of {@code text}, as {@link Streamed#data()} shows bytes. */
  static String utf8Bytes(String text) {
    return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
  }

  static Stream<Arguments> cLocaleCases() {
    return Stream.of(
        new Case("LC_ALL=C content and -H", List.of("{ch}", NON_ASCII, "-H", "X-Note: café ✓"), "", Expect.CONTENT),
        new Case("LC_ALL=C @file with a non-ASCII name", List.of("{ch}", "@" + NON_ASCII_FILE), "", Expect.CONTENT))
        .map(Arguments::of);
  }

  /**
   * cron, systemd units and many CI shells run with LC_ALL=C and no LANG. pushpin-publish takes its
   * arguments as UTF-8 bytes whatever the locale; gripcast, whose JVM would decode them as ASCII
   * (U+FFFD for every other byte), must deliver the same bytes to real subscribers.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cLocaleCases")
  void inTheCLocaleSubscribersReceiveTheUtf8Bytes(Case c, PushpinInstance pushpin, GripTestOrigin origin) throws Exception {
    Map<String, String> env = Launcher.cLocale();
    List<String> base = List.of("--spec", pushpin.gripUrl());
    Observed expected = observe(pushpin, origin, c, null,
        ch -> Launcher.run(env, dir, command(pushpinPublish, base, c.args(), ch)), "pushpin-publish");
    Observed actual = observe(pushpin, origin, c, expected,
        ch -> Launcher.run(env, dir, command(Launcher.gripcast().toString(), prepend("publish", base), c.args(), ch)),
        "gripcast publish");
    assertEquals(expected, actual, c.name());
    // and what both delivered is the text given, not replacement characters
    String text = c.args().get(1).startsWith("@") ? NON_ASCII_FILE_CONTENT : NON_ASCII;
    String http = c.args().get(1).startsWith("@") ? text : text + "\n";
    assertEquals(List.of("T:" + text), actual.ws());
    assertEquals(utf8Bytes(http), actual.stream());
    assertTrue(actual.response().endsWith("\n" + utf8Bytes(http)), actual.response());
    if (c.args().contains("-H")) {
      assertTrue(actual.response().contains("x-note=[café ✓]"), actual.response());
    }
  }

  /** A channel name is an argument too: published in the C locale, it reaches its WebSocket subscriber. */
  @Test
  void inTheCLocaleANonAsciiChannelIsTheSameChannel(PushpinInstance pushpin) throws Exception {
    for (String exe : List.of(pushpinPublish, Launcher.gripcast().toString())) {
      String ch = channel() + "-ñ✓";
      try (Ws ws = new Ws(pushpin.webSocketUri("/ws?channel=" + URLEncoder.encode(ch, StandardCharsets.UTF_8)).toString())) {
        assertTrue(pushpin.awaitSubscribed(ch, Duration.ofSeconds(10)), pushpin::logTails);
        List<String> base = exe.equals(pushpinPublish) ? List.of("--spec", pushpin.gripUrl())
            : List.of("publish", "--spec", pushpin.gripUrl());
        Launcher.Run r = Launcher.run(Launcher.cLocale(), dir, command(exe, base, List.of("{ch}", "to ñ✓"), ch));
        assertEquals(0, r.code(), exe + ": " + r);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ws.messages.isEmpty() && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertEquals(List.of("T:to ñ✓"), ws.messages, exe);
      }
    }
  }

  /** GRIP_URL instead of --spec: both read it (gripcast parses it; for a plain URL that is the same). */
  @Test
  void gripUrlEnvironmentVariable(PushpinInstance pushpin, GripTestOrigin origin) throws Exception {
    Case c = new Case("GRIP_URL", List.of("{ch}", "via env"), "", Expect.CONTENT);
    Map<String, String> env = Map.of("GRIP_URL", pushpin.gripUrl());
    Observed expected = observe(pushpin, origin, c, null,
        ch -> Launcher.run(env, dir, command(pushpinPublish, List.of(), c.args(), ch)), "pushpin-publish");
    Observed actual = observe(pushpin, origin, c, expected,
        ch -> Launcher.run(env, dir, command(Launcher.gripcast().toString(), List.of("publish"), c.args(), ch)),
        "gripcast publish");
    assertEquals(expected, actual);
  }

  /**
   * -u over plain http is a documented difference: pushpin-publish refuses it outright, gripcast
   * allows it to a loopback address (Pushpin ignores Authorization) and delivers as usual.
   */
  @Test
  void basicAuthToLoopbackIsADocumentedDifference(PushpinInstance pushpin, GripTestOrigin origin) throws Exception {
    String ch = channel();
    Launcher.Run refused = Launcher.run(Map.of(), dir,
        command(pushpinPublish, List.of("--spec", pushpin.gripUrl(), "-u", "user:pass"), List.of("{ch}", "x"), ch));
    assertTrue(refused.code() != 0 && refused.err().contains("Authentication requires https"), refused.toString());
    Case c = new Case("-u", List.of("-u", "user:pass", "{ch}", "with basic auth"), "", Expect.CONTENT);
    Observed got = observe(pushpin, origin, c, null,
        cch -> run(Launcher.gripcast().toString(), List.of("publish", "--spec", pushpin.gripUrl()), c.args(), cch),
        "gripcast publish");
    assertEquals(List.of("T:with basic auth"), got.ws());
    assertEquals("with basic auth\n", got.stream());
  }

  // ------------------------------------------------------------------------------------------

  interface Publish {
    Launcher.Run run(String channel) throws Exception;
  }

  static List<String> prepend(String first, List<String> rest) {
    List<String> out = new ArrayList<>();
    out.add(first);
    out.addAll(rest);
    return out;
  }

  static List<String> command(String exe, List<String> base, List<String> args, String channel) {
    List<String> cmd = new ArrayList<>();
    cmd.add(exe);
    cmd.addAll(base);
    for (String a : args) {
      cmd.add(a.replace("{ch}", channel));
    }
    return cmd;
  }

  static Launcher.Run run(String exe, List<String> base, List<String> args, String channel) {
    return Launcher.run(Map.of(), dir, command(exe, base, args, channel));
  }

  static String channel() {
    return "parity-" + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet();
  }

  Observed observe(PushpinInstance pushpin, GripTestOrigin origin, Case c, Observed target, Publish publish, String who)
      throws Exception {
    String ch = channel();
    try (Ws ws = new Ws(pushpin.webSocketUri("/ws?channel=" + ch).toString());
        Streamed stream = new Streamed(pushpin.clientUri("/stream?channel=" + ch).toString())) {
      LongPoll poll = new LongPoll(pushpin.clientUri("/response?channel=" + ch + c.responseQuery()).toString());
      try {
        awaitSubscriptions(pushpin, ch, 3);
        awaitRetriedResponseHold(pushpin, ch);
        int originBefore = originRequests(origin, ch);
        Launcher.Run r = publish.run(ch);
        assertEquals(0, r.code(), who + " " + c.name() + ": " + r);
        BooleanSupplier done = target != null
            ? () -> snapshot(ws, stream, poll, origin, ch, originBefore).equals(target)
            : () -> complete(c.expect(), snapshot(ws, stream, poll, origin, ch, originBefore));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        // a short settle, so anything extra that arrives right after is seen too
        Thread.sleep(150);
        return snapshot(ws, stream, poll, origin, ch, originBefore);
      } finally {
        poll.call.cancel();
      }
    }
  }

  static Observed snapshot(Ws ws, Streamed stream, LongPoll poll, GripTestOrigin origin, String ch, int before) {
    String response = poll.result.isDone() ? poll.result.getNow("") : "(pending)";
    return new Observed(List.copyOf(ws.messages), ws.close, stream.data(), stream.ended, response,
        originRequests(origin, ch, before));
  }

  static int originRequests(GripTestOrigin origin, String ch) {
    return (int) origin.requests().stream().filter(r -> ch.equals(r.channel())).count();
  }

  /** The origin requests for the channel after the first {@code skip}: method, path, and WebSocket events. */
  static List<String> originRequests(GripTestOrigin origin, String ch, int skip) {
    return origin.requests().stream().filter(r -> ch.equals(r.channel())).skip(skip)
        .map(r -> r.method() + " " + r.path() + (r.method().equals("POST") ? " " + r.bodyText().replace("\r\n", "|") : ""))
        .collect(java.util.stream.Collectors.toList());
  }

  /** Waits until the handler logged {@code n} subscriptions to the channel (one line per subscriber). */
  static void awaitSubscriptions(PushpinInstance pushpin, String ch, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    String suffix = " channel=" + ch;
    while (System.nanoTime() < deadline) {
      long count = pushpin.handlerLog().lines().filter(l -> l.contains(" subscribe ") && l.endsWith(suffix)).count();
      if (count >= n) {
        return;
      }
      Thread.sleep(10);
    }
    fail("Pushpin did not subscribe " + n + " subscribers to " + ch + ":\n" + pushpin.logTails());
  }

  /**
   * Waits until Pushpin has asked the origin again for the long-poll: Pushpin 1.36 does that about
   * a second after it first subscribed a new response hold (handler log
   * {@code subscribe ...?channel=C channel=C retry}, then a second {@code GET /response} at the
   * origin). A publish or an origin count taken before it sees a hold in the middle of being
   * replaced: the second GET lands in the run's own origin requests, and an item published in between
   * may miss the long-poll. Only the slower run (a JVM starting under load) used to hit it.
   * Pushpin does not always retry (seen once in CI: a hold subscribed late, about 1.2 s after the
   * other subscribers, was never re-requested), so a hold with no retry 2.5 s after it was first
   * seen subscribed, well past the 1.0-1.2 s the retry comes after, counts as settled too.
   */
  static void awaitRetriedResponseHold(PushpinInstance pushpin, String ch) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    String held = " channel=" + ch;
    String retried = held + " retry";
    long settledAt = Long.MAX_VALUE; // 2.5 s after the hold was first seen subscribed
    while (System.nanoTime() < deadline) {
      List<String> holds = pushpin.handlerLog().lines()
          .filter(l -> l.contains(" subscribe ") && l.contains("/response?") && (l.endsWith(held) || l.endsWith(retried)))
          .toList();
      if (holds.stream().anyMatch(l -> l.endsWith(retried))) {
        return;
      }
      if (!holds.isEmpty() && settledAt == Long.MAX_VALUE) {
        settledAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2_500);
      }
      if (System.nanoTime() >= settledAt) {
        return;
      }
      Thread.sleep(10);
    }
    fail("Pushpin did not subscribe the response hold of " + ch + ":\n" + pushpin.logTails());
  }

  /** An OkHttp WebSocket subscriber: "T:text" / "B:hex" messages, and "code reason" on close. */
  static final class Ws implements AutoCloseable {
    final List<String> messages = java.util.Collections.synchronizedList(new ArrayList<>());
    volatile String close;
    final WebSocket socket;

    Ws(String url) throws Exception {
      CompletableFuture<Void> open = new CompletableFuture<>();
      socket = CLIENT.newWebSocket(new Request.Builder().url(url).build(), new WebSocketListener() {
        @Override
        public void onOpen(WebSocket w, Response response) {
          open.complete(null);
        }

        @Override
        public void onMessage(WebSocket w, String text) {
          messages.add("T:" + text);
        }

        @Override
        public void onMessage(WebSocket w, ByteString bytes) {
          messages.add("B:" + bytes.hex());
        }

        @Override
        public void onClosing(WebSocket w, int code, String reason) {
          close = code + " " + reason;
          w.close(1000, null);
        }

        @Override
        public void onFailure(WebSocket w, Throwable t, Response response) {
          open.completeExceptionally(t);
        }
      });
      open.get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
      socket.cancel();
    }
  }

  /** An OkHttp streaming subscriber: everything after the origin's "stream open\n", byte for byte. */
  static final class Streamed implements AutoCloseable {
    final ByteArrayOutputStream received = new ByteArrayOutputStream();
    final Call call;
    volatile boolean ended;
    final Thread reader;

    Streamed(String url) throws IOException {
      call = CLIENT.newCall(new Request.Builder().url(url).build());
      Response response = call.execute();
      assertEquals(200, response.code(), "stream subscribe");
      BufferedSource source = response.body().source();
      reader = new Thread(() -> {
        try (response) {
          while (source.request(1)) {
            byte[] b = source.getBuffer().readByteArray();
            synchronized (received) {
              received.writeBytes(b);
            }
          }
          ended = true;
        } catch (IOException cancelled) {
          // closed by the test
        }
      }, "parity-stream");
      reader.setDaemon(true);
      reader.start();
    }

    /** Received bytes after the origin's own first line, as ISO-8859-1 so every byte compares. */
    String data() {
      String all;
      synchronized (received) {
        all = received.toString(StandardCharsets.ISO_8859_1);
      }
      return all.startsWith("stream open\n") ? all.substring("stream open\n".length()) : all;
    }

    @Override
    public void close() {
      call.cancel();
    }
  }

  /** An OkHttp long-poll: the status line, the headers (but Date) and the body, once it completes. */
  static final class LongPoll {
    final Call call;
    final CompletableFuture<String> result = new CompletableFuture<>();

    LongPoll(String url) {
      call = CLIENT.newCall(new Request.Builder().url(url).build());
      call.enqueue(new Callback() {
        @Override
        public void onFailure(Call c, IOException e) {
          result.complete("(failed: " + e.getClass().getSimpleName() + ")");
        }

        @Override
        public void onResponse(Call c, Response response) throws IOException {
          try (response) {
            Map<String, List<String>> headers = new TreeMap<>(response.headers().toMultimap());
            headers.remove("date");
            result.complete(response.code() + " " + response.message() + " " + headers + "\n"
                + new String(response.body().bytes(), StandardCharsets.ISO_8859_1));
          }
        }
      });
    }
  }
}
