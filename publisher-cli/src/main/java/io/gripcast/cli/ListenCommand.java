package io.gripcast.cli;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.BufferedSource;
import okio.ByteString;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code gripcast listen URL}: a subscriber for debugging and demos. It prints what a client of the
 * proxy receives, one message per line on stdout; status (open, close) goes to stderr so stdout
 * holds only what was received.
 */
@Command(
    name = "listen",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    description = {
      "Subscribe like a client of the proxy and print what arrives.",
      "ws:// or wss://: opens a WebSocket and prints each message on its own line: text as is,",
      "binary as '[binary, N bytes, hex] 0a0b..' (or base64 with --binary-format base64).",
      "http:// or https://: GETs the URL and prints a streaming response as it arrives, a",
      "long-poll response whole (UTF-8; -i adds the status line and headers).",
      "Ends when the server closes, on Ctrl-C, after --count messages, or after --timeout."
    })
final class ListenCommand implements Callable<Integer> {

  private final CliContext ctx;

  @Spec CommandSpec spec;

  @Mixin CommonOptions common;

  @Parameters(index = "0", paramLabel = "URL", description = "ws://, wss://, http:// or https:// URL of the proxy's client side")
  String url;

  @Option(names = {"-n", "--count"}, paramLabel = "N",
      description = "Stop after N messages (WebSocket messages; HTTP lines, or events for text/event-stream).")
  Integer count;

  @Option(names = "--timeout", paramLabel = "DURATION", converter = Durations.class,
      description = "Stop after this long (e.g. 10, 2.5s, 500ms, 1m). Exits 0, or 75 when --count was not reached.")
  Duration timeout;

  @Option(names = {"-H", "--header"}, paramLabel = "\"K: V\"", description = "Add a request header (repeatable).")
  List<String> headers = new ArrayList<>();

  @Option(names = {"-i", "--include"}, description = "HTTP: print the response status line and headers first.")
  boolean include;

  @Option(names = "--binary-format", paramLabel = "hex|base64", defaultValue = "hex",
      description = "How to print binary WebSocket messages: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  BinaryFormat binaryFormat;

  @Option(names = "--connect-timeout", paramLabel = "DURATION", converter = Durations.class, defaultValue = "10s",
      description = "Give up connecting after this long (default: ${DEFAULT-VALUE}).")
  Duration connectTimeout;

  enum BinaryFormat {
    hex,
    base64
  }

  ListenCommand(CliContext ctx) {
    this.ctx = ctx;
    this.common = new CommonOptions(ctx);
  }

  @Override
  public Integer call() throws Exception {
    if (count != null && count < 1) {
      throw CliException.usage("--count must be at least 1, but was " + count);
    }
    String lower = url.toLowerCase(Locale.ROOT);
    boolean ws = lower.startsWith("ws://") || lower.startsWith("wss://");
    boolean http = lower.startsWith("http://") || lower.startsWith("https://");
    if (!ws && !http) {
      throw CliException.usage("'" + url + "' is not a ws://, wss://, http:// or https:// URL");
    }
    // ws:// parses as http:// for OkHttp; the WebSocket upgrade is added by newWebSocket
    HttpUrl parsed = HttpUrl.parse(ws ? "http" + url.substring(2) : url);
    if (parsed == null) {
      throw CliException.usage("'" + url + "' is not a valid URL");
    }
    Request.Builder request = new Request.Builder().url(parsed);
    for (String h : headers) {
      int colon = h.indexOf(':');
      if (colon <= 0) {
        throw CliException.usage("header '" + h + "' is not of the form \"Name: value\"");
      }
      try {
        request.addHeader(h.substring(0, colon).trim(), h.substring(colon + 1).trim());
      } catch (IllegalArgumentException e) {
        throw CliException.usage("header '" + h + "' is not valid: " + e.getMessage());
      }
    }
    OkHttpClient client = new OkHttpClient.Builder()
        .connectTimeout(connectTimeout)
        .readTimeout(Duration.ZERO) // a quiet stream is not a dead one
        .writeTimeout(connectTimeout)
        .pingInterval(Duration.ZERO)
        .retryOnConnectionFailure(false)
        .build();
    try {
      return ws ? listenWebSocket(client, request.build()) : listenHttp(client, request.build());
    } finally {
      client.dispatcher().executorService().shutdownNow();
      client.connectionPool().evictAll();
    }
  }

  private long deadlineNanos() {
    return timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
  }

  private int ended(int received) {
    if (count != null && received < count) {
      status("timeout after " + Durations.format(timeout) + ": " + received + " of " + count + " messages");
      return ExitCodes.TEMPFAIL;
    }
    if (ctx.verbose()) {
      status("timeout after " + Durations.format(timeout) + " (" + received + " messages)");
    }
    return ExitCodes.OK;
  }

  private void status(String line) {
    PrintWriter err = spec.commandLine().getErr();
    err.println(Errors.prefix(spec.commandLine()) + ": " + line);
    err.flush();
  }

  // ---------------------------------------------------------------------------------------------
  // WebSocket

  /** What the listener thread hands to the command's thread. */
  private static final class Event {
    final String text;
    final ByteString bytes;
    final Integer closeCode;
    final String closeReason;
    final Throwable failure;
    final Response response;

    private Event(String text, ByteString bytes, Integer closeCode, String closeReason, Throwable failure, Response response) {
      this.text = text;
      this.bytes = bytes;
      this.closeCode = closeCode;
      this.closeReason = closeReason;
      this.failure = failure;
      this.response = response;
    }
  }

  private int listenWebSocket(OkHttpClient client, Request request) throws InterruptedException {
    BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    CountDownLatch opened = new CountDownLatch(1);
    CountDownLatch finished = new CountDownLatch(1);
    WebSocket socket = client.newWebSocket(request, new WebSocketListener() {
      @Override
      public void onOpen(WebSocket webSocket, Response response) {
        opened.countDown();
      }

      @Override
      public void onMessage(WebSocket webSocket, String text) {
        events.add(new Event(text, null, null, null, null, null));
      }

      @Override
      public void onMessage(WebSocket webSocket, ByteString bytes) {
        events.add(new Event(null, bytes, null, null, null, null));
      }

      @Override
      public void onClosing(WebSocket webSocket, int code, String reason) {
        webSocket.close(code == 1005 ? 1000 : code, null); // complete the closing handshake
        events.add(new Event(null, null, code, reason, null, null));
      }

      @Override
      public void onClosed(WebSocket webSocket, int code, String reason) {
        finished.countDown();
      }

      @Override
      public void onFailure(WebSocket webSocket, Throwable t, Response response) {
        finished.countDown();
        events.add(new Event(null, null, null, null, t, response));
      }
    });
    // Ctrl-C: say goodbye with a close frame (1001 "going away"), waiting briefly for the answer
    Thread hook = new Thread(() -> {
      socket.close(1001, "gripcast listen interrupted");
      try {
        finished.await(500, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "gripcast-listen-close");
    Runtime.getRuntime().addShutdownHook(hook);
    PrintWriter out = spec.commandLine().getOut();
    long deadline = deadlineNanos();
    int received = 0;
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          closeGracefully(socket, events);
          return ended(received);
        }
        Event e = events.poll(Math.min(left, TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
        if (e == null) {
          continue;
        }
        if (e.text != null || e.bytes != null) {
          out.println(e.text != null ? e.text : binary(e.bytes));
          out.flush();
          received++;
          if (count != null && received >= count) {
            closeGracefully(socket, events);
            return ExitCodes.OK;
          }
        } else if (e.closeCode != null) {
          status("closed by the server: " + e.closeCode + (e.closeReason.isEmpty() ? "" : " " + e.closeReason));
          return ExitCodes.OK;
        } else {
          if (opened.getCount() == 1) {
            throw connectFailure(e.failure, e.response);
          }
          throw new CliException(ExitCodes.UNAVAILABLE,
              "connection to " + url + " lost: " + describe(e.failure) + "; the proxy went away or closed without a close frame",
              e.failure);
        }
      }
    } finally {
      socket.cancel();
      removeHook(hook);
    }
  }

  /** Sends a normal close and waits briefly for the server's answer, so neither side is left hanging. */
  private static void closeGracefully(WebSocket socket, BlockingQueue<Event> events) throws InterruptedException {
    socket.close(1000, null);
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
    for (long left; (left = until - System.nanoTime()) > 0; ) {
      Event e = events.poll(left, TimeUnit.NANOSECONDS);
      if (e == null || e.closeCode != null || e.failure != null) {
        return;
      }
    }
  }

  private String binary(ByteString bytes) {
    String prefix = "[binary, " + bytes.size() + " bytes, " + binaryFormat + "] ";
    return prefix + (binaryFormat == BinaryFormat.hex ? bytes.hex() : Base64.getEncoder().encodeToString(bytes.toByteArray()));
  }

  // ---------------------------------------------------------------------------------------------
  // HTTP

  private int listenHttp(OkHttpClient client, Request request) throws IOException {
    Call call = client.newCall(request);
    AtomicBoolean timedOut = new AtomicBoolean();
    ScheduledExecutorService timer = null;
    if (timeout != null) {
      timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gripcast-listen-timeout");
        t.setDaemon(true);
        return t;
      });
      timer.schedule(() -> {
        timedOut.set(true);
        call.cancel();
      }, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }
    Thread hook = new Thread(call::cancel, "gripcast-listen-cancel");
    Runtime.getRuntime().addShutdownHook(hook);
    PrintWriter out = spec.commandLine().getOut();
    int received = 0;
    try (Response response = execute(call, timedOut)) {
      if (response == null) {
        return ended(0);
      }
      if (include) {
        out.print(response.protocol().toString().toUpperCase(Locale.ROOT) + " " + response.code()
            + (response.message().isEmpty() ? "" : " " + response.message()) + "\n");
        okhttp3.Headers hs = response.headers();
        for (int i = 0; i < hs.size(); i++) {
          out.print(hs.name(i) + ": " + hs.value(i) + "\n");
        }
        out.print("\n");
        out.flush();
      }
      String type = response.header("Content-Type", "");
      MessageCounter counter = new MessageCounter(type.toLowerCase(Locale.ROOT).startsWith("text/event-stream"));
      CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE);
      BufferedSource body = response.body().source();
      ByteBuffer in = ByteBuffer.allocate(8192);
      CharBuffer chars = CharBuffer.allocate(8192);
      byte[] chunk = new byte[8192];
      try {
        while (true) {
          int n = body.read(chunk, 0, Math.min(chunk.length, in.remaining()));
          if (n == -1) {
            break;
          }
          int upTo = n;
          if (count != null) {
            int end = counter.feed(chunk, n, count - received);
            received += counter.lastCompleted;
            if (end >= 0) {
              upTo = end;
            }
          }
          in.put(chunk, 0, upTo);
          in.flip();
          decoder.decode(in, chars, false);
          in.compact();
          chars.flip();
          out.append(chars);
          chars.clear();
          out.flush();
          if (count != null && received >= count) {
            return ExitCodes.OK;
          }
        }
        in.flip();
        decoder.decode(in, chars, true);
        decoder.flush(chars);
        chars.flip();
        out.append(chars);
        out.flush();
      } catch (IOException e) {
        if (timedOut.get()) {
          return ended(received);
        }
        throw new CliException(ExitCodes.UNAVAILABLE,
            "connection to " + url + " lost: " + describe(e) + "; the proxy went away mid-response", e);
      }
      return statusExit(response.code());
    } finally {
      if (timer != null) {
        timer.shutdownNow();
      }
      removeHook(hook);
    }
  }

  private Response execute(Call call, AtomicBoolean timedOut) {
    try {
      return call.execute();
    } catch (IOException e) {
      if (timedOut.get()) {
        return null;
      }
      throw connectFailure(e, null);
    }
  }

  /** A response's status as an exit code: the proxy refused us, or failed, rather than timed out. */
  private int statusExit(int code) {
    if (code < 400) {
      return ExitCodes.OK;
    }
    status("the response status was " + code);
    return failureForStatus(code);
  }

  private static int failureForStatus(int code) {
    if (code == 401 || code == 403) {
      return ExitCodes.AUTH;
    }
    if (code == 429 || code >= 500) {
      return ExitCodes.UNAVAILABLE;
    }
    return ExitCodes.REJECTED;
  }

  /**
   * Counts messages in a byte stream: lines, or for Server-Sent Events the events (each ends with
   * an empty line). {@link #feed} returns where to cut the chunk when the wanted count is reached.
   */
  static final class MessageCounter {
    private final boolean events;
    private boolean atLineStart = true;
    int lastCompleted;

    MessageCounter(boolean events) {
      this.events = events;
    }

    /** Feeds {@code n} bytes; returns the length to keep when {@code wanted} messages end inside, else -1. */
    int feed(byte[] chunk, int n, int wanted) {
      lastCompleted = 0;
      for (int i = 0; i < n; i++) {
        byte b = chunk[i];
        if (b == '\r') {
          continue;
        }
        if (b == '\n') {
          if (!events || atLineStart) {
            lastCompleted++;
            if (lastCompleted >= wanted) {
              atLineStart = true;
              return i + 1;
            }
          }
          atLineStart = true;
        } else {
          atLineStart = false;
        }
      }
      return -1;
    }
  }

  // ---------------------------------------------------------------------------------------------

  private CliException connectFailure(Throwable t, Response response) {
    if (response != null) {
      int code = response.code();
      String msg = "the server answered " + code + (response.message().isEmpty() ? "" : " " + response.message())
          + " instead of " + (url.toLowerCase(Locale.ROOT).startsWith("ws") ? "upgrading to a WebSocket" : "a response")
          + " at " + url;
      response.close();
      return new CliException(failureForStatus(code), msg + "; check the URL and the proxy's routes", t);
    }
    String hint = t instanceof UnknownHostException
        ? "check the host name"
        : t instanceof ConnectException || t instanceof SocketTimeoutException
            ? "is the proxy running and listening there?"
            : "check the URL and that the proxy is up";
    return new CliException(ExitCodes.UNAVAILABLE, "cannot connect to " + url + ": " + describe(t) + "; " + hint, t);
  }

  private static String describe(Throwable t) {
    if (t instanceof InterruptedIOException && !(t instanceof SocketTimeoutException)) {
      return "cancelled";
    }
    String m = t.getMessage();
    return t.getClass().getSimpleName() + (m == null ? "" : " (" + m + ")");
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the JVM is exiting (Ctrl-C): the hook is running, nothing to remove
    }
  }
}
