package io.gripcast.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small GRIP origin for tests, on a free port of 127.0.0.1, built on the JDK's HTTP server.
 * Route Pushpin to it ({@link #hostPort()}) and real clients get GRIP-held connections:
 *
 * <ul>
 *   <li>{@code GET /stream?channel=C}: 200, {@code Grip-Hold: stream}, {@code Grip-Channel: C},
 *       body {@code "stream open\n"}.
 *   <li>{@code GET /response?channel=C&timeout=N}: 200, {@code Grip-Hold: response},
 *       {@code Grip-Channel: C}, {@code Grip-Timeout: N} (default {@link Builder#responseTimeout});
 *       the body (sent to the client when the hold times out) is {@code "timeout\n"} unless the
 *       builder ({@link Builder#responseBody}) or the query ({@code body=...&type=...}) says
 *       otherwise, e.g. {@code type=application/json&body={"count":1,"items":[]}} for JSON-patch
 *       tests.
 *   <li>{@code POST} (any path) with {@code Content-Type: application/websocket-events}:
 *       WebSocket-over-HTTP (the route needs {@code over_http}). OPEN is answered with OPEN plus
 *       {@code c:{"type":"subscribe","channel":"C"}} and {@code Sec-WebSocket-Extensions: grip};
 *       a client TEXT is echoed back unchanged (sent as {@code m:TEXT}, since Pushpin drops
 *       unprefixed messages under the grip extension); PING gets PONG; CLOSE gets CLOSE.
 *   <li>{@code GET /health}: 200 {@code "ok\n"}. Anything else: 404.
 * </ul>
 *
 * <p>The channel is the {@code channel} query parameter, or the builder's default ({@code test}).
 * Every request is recorded ({@link #requests()}, {@link #requestCount(String)}) so tests can
 * assert on re-requests and on what the proxy sent (e.g. {@code Grip-Sig}).
 *
 * <p>Nagle: the JDK server writes the response head and body in separate writes; without
 * {@code TCP_NODELAY} every response through Pushpin could wait for a delayed ACK (about 40 ms).
 * This class therefore sets {@code sun.net.httpserver.nodelay=true} unless it was set explicitly;
 * the JDK reads it once, when the first {@code HttpServer} of the JVM starts.
 */
public final class GripTestOrigin implements AutoCloseable {

  static {
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final String WS_EVENTS = "application/websocket-events";

  private final String defaultChannel;
  private final int responseTimeout;
  private final String responseContentType;
  private final String responseBody;
  private final HttpServer server;
  private final ExecutorService executor;
  private final List<RecordedRequest> requests = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

  /** One request as the origin received it. Header names are lower-case. */
  public record RecordedRequest(String method, String path, String query,
      Map<String, List<String>> headers, byte[] body) {

    public RecordedRequest {
      headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
      body = body.clone();
    }

    /** The first value of a header (case-insensitive name), or null. */
    public String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** The {@code channel} query parameter, or null. */
    public String channel() {
      return queryParams(query).get("channel");
    }

    /** The body as UTF-8 text. */
    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public byte[] body() {
      return body.clone();
    }
  }

  private GripTestOrigin(Builder b) {
    this.defaultChannel = b.defaultChannel;
    this.responseTimeout = b.responseTimeout;
    this.responseContentType = b.responseContentType;
    this.responseBody = b.responseBody;
    try {
      this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind the GRIP test origin on 127.0.0.1", e);
    }
    this.executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "gripcast-test-origin-" + THREADS.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Starts an origin with the defaults. */
  public static GripTestOrigin start() {
    return builder().start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The port the origin listens on (127.0.0.1). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code 127.0.0.1:PORT}, the form a Pushpin route target takes. */
  public String hostPort() {
    return "127.0.0.1:" + port();
  }

  /** {@code http://127.0.0.1:PORT}, for calling the origin directly. */
  public URI url() {
    return URI.create("http://" + hostPort());
  }

  /** How many requests arrived for {@code path} (without query), e.g. {@code "/stream"}. */
  public int requestCount(String path) {
    AtomicInteger n = counts.get(path);
    return n == null ? 0 : n.get();
  }

  /** A snapshot of every request received so far, in arrival order. */
  public List<RecordedRequest> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  /** Stops the server at once (held connections are Pushpin's, not the origin's). Idempotent. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  @Override
  public String toString() {
    return "GripTestOrigin{" + hostPort() + "}";
  }

  private void handle(HttpExchange ex) throws IOException {
    try {
      URI uri = ex.getRequestURI();
      String path = uri.getRawPath() == null ? "/" : uri.getRawPath();
      String query = uri.getRawQuery();
      byte[] body = ex.getRequestBody().readAllBytes();
      Map<String, List<String>> headers = new LinkedHashMap<>();
      ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
      requests.add(new RecordedRequest(ex.getRequestMethod(), path, query, headers, body));
      counts.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();

      Map<String, String> params = queryParams(query);
      String channel = params.getOrDefault("channel", defaultChannel);
      String method = ex.getRequestMethod();
      String contentType = ex.getRequestHeaders().getFirst("Content-Type");
      if (method.equals("POST") && contentType != null
          && contentType.toLowerCase(Locale.ROOT).startsWith(WS_EVENTS)) {
        webSocketEvents(ex, body, channel);
      } else if (method.equals("GET") && path.equals("/stream")) {
        ex.getResponseHeaders().add("Grip-Hold", "stream");
        ex.getResponseHeaders().add("Grip-Channel", channel);
        send(ex, 200, "text/plain", "stream open\n".getBytes(StandardCharsets.UTF_8));
      } else if (method.equals("GET") && path.equals("/response")) {
        ex.getResponseHeaders().add("Grip-Hold", "response");
        ex.getResponseHeaders().add("Grip-Channel", channel);
        ex.getResponseHeaders().add("Grip-Timeout", params.getOrDefault("timeout", Integer.toString(responseTimeout)));
        send(ex, 200, params.getOrDefault("type", responseContentType),
            params.getOrDefault("body", responseBody).getBytes(StandardCharsets.UTF_8));
      } else if (method.equals("GET") && path.equals("/health")) {
        send(ex, 200, "text/plain", "ok\n".getBytes(StandardCharsets.UTF_8));
      } else {
        send(ex, 404, "text/plain", "not found\n".getBytes(StandardCharsets.UTF_8));
      }
    } finally {
      ex.close();
    }
  }

  private static void webSocketEvents(HttpExchange ex, byte[] body, String channel) throws IOException {
    List<WsEvents.Event> events;
    try {
      events = WsEvents.parse(body);
    } catch (IllegalArgumentException e) {
      send(ex, 400, "text/plain", ("bad websocket-events body: " + e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
      return;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (WsEvents.Event e : events) {
      switch (e.type()) {
        case "OPEN":
          WsEvents.write(out, "OPEN", null);
          WsEvents.write(out, "TEXT", ("c:{\"type\":\"subscribe\",\"channel\":\"" + jsonEscape(channel) + "\"}")
              .getBytes(StandardCharsets.UTF_8));
          break;
        case "TEXT":
          WsEvents.write(out, "TEXT", ("m:" + e.text()).getBytes(StandardCharsets.UTF_8));
          break;
        case "PING":
          WsEvents.write(out, "PONG", e.payload());
          break;
        case "CLOSE":
          WsEvents.write(out, "CLOSE", e.payload());
          break;
        default:
          // BINARY, PONG, DISCONNECT: nothing to answer
          break;
      }
    }
    ex.getResponseHeaders().add("Sec-WebSocket-Extensions", "grip");
    send(ex, 200, WS_EVENTS, out.toByteArray());
  }

  private static void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
    ex.getResponseHeaders().add("Content-Type", contentType);
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      ex.getResponseBody().write(body);
    }
  }

  static Map<String, String> queryParams(String rawQuery) {
    Map<String, String> params = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return params;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      params.putIfAbsent(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return params;
  }

  private static String jsonEscape(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** Options of a {@link GripTestOrigin}; {@link #start()} binds it. */
  public static final class Builder {
    private String defaultChannel = "test";
    private int responseTimeout = 20;
    private String responseContentType = "text/plain";
    private String responseBody = "timeout\n";

    private Builder() {}

    /** The channel used when a request has no {@code channel} query parameter ({@code test}). */
    public Builder defaultChannel(String channel) {
      if (channel == null || channel.isEmpty()) {
        throw new IllegalArgumentException("default channel must be a non-empty string");
      }
      this.defaultChannel = channel;
      return this;
    }

    /**
     * {@code Grip-Timeout} in seconds for {@code /response} without {@code timeout=} (20).
     * Pushpin 1.36 never times out a hold in less than 5 s, whatever this says.
     */
    public Builder responseTimeout(int seconds) {
      if (seconds < 1) {
        throw new IllegalArgumentException("response timeout must be at least 1 second, got " + seconds);
      }
      this.responseTimeout = seconds;
      return this;
    }

    /** Content type and body of the {@code /response} hold (text/plain {@code "timeout\n"}). */
    public Builder responseBody(String contentType, String body) {
      this.responseContentType = Objects.requireNonNull(contentType, "contentType");
      this.responseBody = Objects.requireNonNull(body, "body");
      return this;
    }

    /** Binds a free port on 127.0.0.1 and starts serving. */
    public GripTestOrigin start() {
      return new GripTestOrigin(this);
    }
  }
}
