package io.gripcast.examples.echo;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a Lambda handler locally behind an HTTP server that behaves like an API Gateway REST API
 * with a Lambda proxy integration ({@code /{proxy+}}) and the binary media type
 * {@code application/websocket-events}: each request becomes a payload 1.0 proxy event, and the
 * returned map becomes the response (see {@link RestApiProxy}). Point a GRIP proxy's
 * {@code over_http} route at it to try a WebSocket-over-HTTP Lambda without AWS.
 *
 * <pre>
 * java -jar examples/lambda-websocket-echo/target/local-server.jar --port 8080
 * </pre>
 *
 * <p>Differences from API Gateway: header names reach the handler in the JDK server's spelling
 * ({@code Connection-id}; the adapters ignore case), the function timeout is reported by the
 * context but not enforced, and invocations may run concurrently (a Lambda runs one per
 * execution environment). Uses only the JDK's {@code com.sun.net.httpserver}.
 */
public final class LocalServer implements AutoCloseable {

  static final String USAGE = String.join("\n",
      "Usage: java -jar local-server.jar [--port N] [--bind ADDRESS] [--binary-media-types TYPES]",
      "",
      "Serves the WebSocket echo Lambda (io.gripcast.examples.echo.EchoHandler) over HTTP the way an",
      "API Gateway REST API proxy integration does, for a GRIP proxy's over_http route.",
      "",
      "  --port N                   port to listen on (default 8080; 0 picks a free port and prints it)",
      "  --bind ADDRESS             address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)",
      "  --binary-media-types LIST  comma-separated binary media types of the emulated API",
      "                             (default application/websocket-events; give '' to see what happens",
      "                             when it is missing)",
      "",
      "Environment: GRIP_VERIFY_KEY, or GRIP_URL with verify-key / verify-iss, turns on the Grip-Sig",
      "check (see the README).");

  private final HttpServer server;
  private final ExecutorService executor;
  private final RequestHandler<Map<String, Object>, Map<String, Object>> handler;
  private final RestApiProxy proxy;
  private final Duration timeout;

  private LocalServer(Builder b) throws IOException {
    this.handler = b.handler;
    this.proxy = new RestApiProxy(b.binaryMediaTypes);
    this.timeout = b.timeout;
    this.server = HttpServer.create(new InetSocketAddress(b.bindAddress, b.port), 64);
    AtomicInteger n = new AtomicInteger();
    this.executor = Executors.newFixedThreadPool(b.threads, r -> {
      Thread t = new Thread(r, "local-server-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** A builder; a handler is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The port the server listens on (the one picked, when built with port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code http://ADDRESS:PORT}, the origin to route to. */
  public URI uri() {
    String host = server.getAddress().getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + port());
  }

  /** Stops listening and ends the worker threads; requests in flight are cut off. Idempotent. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  @Override
  public String toString() {
    return "LocalServer[" + uri() + ", handler=" + handler + ", binaryMediaTypes=" + proxy.binaryMediaTypes() + "]";
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      RestApiProxy.Reply reply = invoke(exchange);
      exchange.getResponseHeaders().clear();
      for (Map.Entry<String, String> h : reply.headers()) {
        exchange.getResponseHeaders().add(h.getKey(), h.getValue());
      }
      byte[] body = reply.body();
      // -1: no body (Content-Length: 0); otherwise a fixed Content-Length, never chunked
      exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    } finally {
      exchange.close();
    }
  }

  private RestApiProxy.Reply invoke(HttpExchange exchange) throws IOException {
    byte[] body = readBounded(exchange.getRequestBody());
    if (body == null) {
      return RestApiProxy.tooLarge();
    }
    String requestId = UUID.randomUUID().toString();
    URI uri = exchange.getRequestURI();
    Map<String, Object> event = proxy.event(exchange.getRequestMethod(), uri.getRawPath(), uri.getRawQuery(),
        exchange.getRequestHeaders(), body, new RestApiProxy.RequestInfo(requestId,
            exchange.getRemoteAddress().getAddress().getHostAddress(), System.currentTimeMillis()));
    Object result;
    try {
      result = handler.handleRequest(event, new LocalContext(requestId, timeout));
    } catch (RuntimeException e) {
      // what Lambda logs for an unhandled exception; API Gateway answers 502
      System.err.println(requestId + " the handler threw:");
      e.printStackTrace();
      return RestApiProxy.internalError();
    }
    try {
      return proxy.reply(result);
    } catch (RestApiProxy.MalformedResultException e) {
      System.err.println(requestId + " Malformed Lambda proxy response: " + e.getMessage());
      return RestApiProxy.internalError();
    }
  }

  /** The whole body, or null when it is over API Gateway's limit. */
  private static byte[] readBounded(InputStream in) throws IOException {
    try (in) {
      byte[] body = in.readNBytes(RestApiProxy.MAX_REQUEST_BYTES + 1);
      return body.length > RestApiProxy.MAX_REQUEST_BYTES ? null : body;
    }
  }

  // ------------------------------------------------------------------ command line

  /** The command line's settings. */
  record Options(String bindAddress, int port, List<String> binaryMediaTypes) {}

  /**
   * Parses the command line.
   *
   * @throws IllegalArgumentException naming the bad argument and what is expected
   */
  static Options parseArgs(String... args) {
    String bind = "127.0.0.1";
    int port = 8080;
    List<String> types = List.of("application/websocket-events");
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      switch (name) {
        case "--port":
        case "--bind":
        case "--binary-media-types":
          if (value == null) {
            if (i + 1 >= args.length) {
              throw new IllegalArgumentException(name + " needs a value");
            }
            value = args[++i];
          }
          break;
        default:
          throw new IllegalArgumentException("unknown argument '" + arg + "'");
      }
      switch (name) {
        case "--port":
          try {
            port = Integer.parseInt(value);
          } catch (NumberFormatException e) {
            port = -1;
          }
          if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be a number from 0 to 65535 (0 picks a free port), but was '"
                + value + "'");
          }
          break;
        case "--bind":
          if (value.isBlank()) {
            throw new IllegalArgumentException("--bind needs an address, e.g. 127.0.0.1 or 0.0.0.0");
          }
          bind = value;
          break;
        default: // --binary-media-types
          List<String> list = new ArrayList<>();
          for (String t : value.split(",")) {
            if (!t.isBlank()) {
              list.add(t.trim());
            }
          }
          new RestApiProxy(list); // checks the syntax
          types = List.copyOf(list);
          break;
      }
    }
    return new Options(bind, port, types);
  }

  /** Starts the echo handler behind the emulated API Gateway; runs until the process is stopped. */
  public static void main(String[] args) {
    if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
      System.out.println(USAGE);
      return;
    }
    // without TCP_NODELAY each small response may wait ~40 ms for a delayed ACK (read once, at first use)
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    LocalServer server;
    try {
      server = launch(args, System.out);
    } catch (IllegalArgumentException e) {
      System.err.println("local-server: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    } catch (UncheckedIOException e) {
      System.err.println("local-server: " + e.getMessage());
      System.exit(1);
      return;
    }
    // the server's dispatcher thread keeps the JVM running; stop cleanly on Ctrl-C / SIGTERM
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "local-server-shutdown"));
  }

  /**
   * What {@code main} does: parses {@code args}, starts an {@link EchoHandler} (configured from the
   * environment) behind a local server, and prints {@code Listening on http://ADDRESS:PORT/} to
   * {@code out}.
   *
   * @throws IllegalArgumentException for a bad argument (the message says which and why)
   * @throws UncheckedIOException when the address cannot be bound
   */
  static LocalServer launch(String[] args, PrintStream out) {
    Options options = parseArgs(args);
    EchoHandler handler = new EchoHandler();
    LocalServer server = builder().handler(handler).bindAddress(options.bindAddress()).port(options.port())
        .binaryMediaTypes(options.binaryMediaTypes()).start();
    out.println("local-server: " + handler + ", binary media types " + options.binaryMediaTypes());
    out.println("Listening on " + server.uri() + "/");
    out.flush();
    return server;
  }

  /** Builds and starts a {@link LocalServer}. */
  public static final class Builder {
    private RequestHandler<Map<String, Object>, Map<String, Object>> handler;
    private String bindAddress = "127.0.0.1";
    private int port;
    private List<String> binaryMediaTypes = List.of("application/websocket-events");
    private Duration timeout = Duration.ofSeconds(29);
    private int threads = 16;

    private Builder() {}

    /** The Lambda handler to invoke for every request. Required. */
    public Builder handler(RequestHandler<Map<String, Object>, Map<String, Object>> handler) {
      this.handler = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /** The address to listen on; 127.0.0.1 by default. */
    public Builder bindAddress(String address) {
      this.bindAddress = Objects.requireNonNull(address, "address");
      return this;
    }

    /** The port to listen on; 0 (the default) picks a free one, see {@link LocalServer#port()}. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0-65535 (0 picks a free port), but was " + port);
      }
      this.port = port;
      return this;
    }

    /** The emulated API's binary media types; {@code application/websocket-events} by default. */
    public Builder binaryMediaTypes(List<String> types) {
      this.binaryMediaTypes = List.copyOf(types);
      new RestApiProxy(binaryMediaTypes); // checks the syntax now rather than at start
      return this;
    }

    /** The function timeout the context reports; 29 s (API Gateway's integration timeout) by default. */
    public Builder timeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive, but was " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /** How many requests run at once; 16 by default. */
    public Builder threads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be at least 1, but was " + threads);
      }
      this.threads = threads;
      return this;
    }

    /**
     * Starts listening.
     *
     * @throws UncheckedIOException when the address cannot be bound (e.g. the port is taken)
     */
    public LocalServer start() {
      if (handler == null) {
        throw new IllegalStateException("a handler is required: call handler(new EchoHandler())");
      }
      try {
        return new LocalServer(this);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot listen on " + bindAddress + ":" + port + ": " + e.getMessage(), e);
      }
    }
  }
}
