package io.gripcast.examples.modular;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.net.httpserver.HttpServer;
import io.gripcast.testing.PushpinExtension;
import io.gripcast.testing.PushpinInstance;
import io.gripcast.testing.StreamSubscriber;
import io.gripcast.testing.WebSocketSubscriber;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What {@code io.gripcast}'s module descriptor promises, checked from outside: the packaged app
 * ({@code target/modular-app.jar}) runs as a child JVM with its runtime dependencies on the
 * <b>module path</b> ({@code java -p ... -m io.gripcast.examples.modular/...}), and the same jars
 * on the plain <b>class path</b>, against a real Pushpin with real subscribers. Each run must
 * deliver exactly what it published. On the module path the app must not reach
 * {@code io.gripcast.internal}: not by reflection at run time, not by name at compile time.
 *
 * <p>The test itself runs on the class path (failsafe, {@code useModulePath=false}); only the child
 * JVMs use the module path. Every child is ended after {@link #CHILD_TIMEOUT}.
 */
class ModularAppIT {

  static final String MODULE = "io.gripcast.examples.modular";
  static final String PUBLISH_ONE = MODULE + ".PublishOne";
  static final String PROBE = MODULE + ".InternalProbe";
  static final Duration WAIT = Duration.ofSeconds(10);
  static final Duration CHILD_TIMEOUT = Duration.ofSeconds(60);
  /** The packages io.gripcast exports to everyone: its 1.0 API. */
  static final Set<String> API_PACKAGES = Set.of("io.gripcast", "io.gripcast.auth", "io.gripcast.config",
      "io.gripcast.http", "io.gripcast.item", "io.gripcast.lambda", "io.gripcast.ws");

  @RegisterExtension
  static final PushpinExtension PUSHPIN = PushpinExtension.builder().build();

  private static final AtomicInteger RUNS = new AtomicInteger();
  /** The app's jar, then its runtime dependencies: the module path, or the class path. */
  private static String appPath;
  private static Path runDir;

  /** How the child JVM finds the app and gripcast. */
  enum Launch {
    MODULE_PATH {
      @Override
      List<String> command(String mainClass) {
        return List.of("--module-path", appPath, "-m", MODULE + "/" + mainClass);
      }
    },
    CLASS_PATH {
      @Override
      List<String> command(String mainClass) {
        return List.of("-cp", appPath, mainClass);
      }
    };

    abstract List<String> command(String mainClass);
  }

  record Run(int exit, String out, String err) {
    String describe() {
      return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  @BeforeAll
  static void paths() throws IOException {
    Path jar = Path.of(property("modapp.jar"));
    Path runtime = Path.of(property("modapp.runtime.classpath"));
    assertTrue(Files.isRegularFile(jar), jar + " is missing: run the ITs with `mvn verify` (after package)");
    assertTrue(Files.isRegularFile(runtime), runtime + " is missing: maven-dependency-plugin writes it");
    String deps = Files.readString(runtime, StandardCharsets.UTF_8).strip();
    List<String> entries = List.of(deps.split(File.pathSeparator));
    assertTrue(entries.stream().anyMatch(e -> Path.of(e).getFileName().toString().startsWith("publisher-core")),
        "publisher-core is not among the runtime dependencies: " + deps);
    appPath = jar + File.pathSeparator + deps;
    runDir = Files.createDirectories(jar.getParent().resolve("modapp-runs"));
  }

  private static String property(String name) {
    String value = System.getProperty(name);
    assertNotNull(value, "system property " + name + " is not set (the pom's failsafe configuration sets it)");
    return value;
  }

  /** Ids are remembered per channel for 60 s, and awaitSubscribed needs a first subscriber: fresh channels. */
  private static String channel(String prefix) {
    return prefix + "-" + UUID.randomUUID();
  }

  /** ASCII only (a child's argv is decoded in the child's locale), but every JSON escape. */
  private static String text(Launch launch) {
    return "hello from the " + launch.name().toLowerCase(Locale.ROOT).replace('_', ' ')
        + ": \"quoted\", back\\slash, {braces} & <tags>\ttab";
  }

  // --- (a), (b): publish from the module path and from the class path ---------------------------

  @ParameterizedTest
  @EnumSource(Launch.class)
  void anHttpStreamSubscriberGetsExactlyThePublishedText(Launch launch) throws Exception {
    PushpinInstance pushpin = PUSHPIN.instance();
    String channel = channel("modapp-stream");
    String text = text(launch);
    try (StreamSubscriber sub = StreamSubscriber.open(pushpin.clientUri("/stream?channel=" + channel))) {
      assertTrue(pushpin.awaitSubscribed(channel, WAIT), pushpin::handlerLog);

      // GRIP_URL from the environment, the default transport (gripcast's own for http://)
      Run run = java(launch.command(PUBLISH_ONE), List.of(channel, text), Map.of("GRIP_URL", pushpin.gripUrl()));

      assertEquals(0, run.exit(), run::describe);
      assertTrue(run.out().startsWith("published 1 item to 1 endpoint(s)"), run::describe);
      String expected = "stream open\n" + text + "\n";
      assertTrue(sub.awaitContains(expected, WAIT), () -> "stream body: " + sub.body() + "\n" + run.describe());
      assertEquals(expected, sub.body());
    }
  }

  @ParameterizedTest
  @EnumSource(Launch.class)
  void aWebSocketSubscriberGetsExactlyThePublishedTextThroughOkHttpWithJwtAuth(Launch launch) throws Exception {
    PushpinInstance pushpin = PUSHPIN.instance();
    String channel = channel("modapp-ws");
    String text = text(launch);
    try (WebSocketSubscriber ws = WebSocketSubscriber.open(pushpin.webSocketUri("/ws?channel=" + channel))) {
      assertTrue(pushpin.awaitSubscribed(channel, WAIT), pushpin::handlerLog);

      // OkHttp (Kotlin's stdlib, Okio) and jjwt (impl and Jackson binding, found by reflection and
      // ServiceLoader) on the path too; Pushpin 1.36 accepts any credentials
      Run run = java(launch.command(PUBLISH_ONE),
          List.of("--transport", "okhttp", "--grip-url", pushpin.gripUrl() + "?iss=modapp&key=changeme", channel, text),
          Map.of());

      assertEquals(0, run.exit(), run::describe);
      assertTrue(run.out().startsWith("published 1 item to 1 endpoint(s)"), run::describe);
      WebSocketSubscriber.Message m = ws.nextMessage(WAIT);
      assertNotNull(m, () -> "no WebSocket message\n" + run.describe());
      assertFalse(m.binary());
      assertEquals(text, m.text());
      assertEquals(1, ws.messages().size(), () -> "more than the one item: " + ws.messages());
    }
  }

  /** Pushpin checks no credentials, so the JWT is checked here: a recording endpoint verifies it. */
  @ParameterizedTest
  @EnumSource(Launch.class)
  void thePublishCarriesAJwtSignedWithTheGripUrlsKey(Launch launch) throws Exception {
    LinkedBlockingQueue<String> authorizations = new LinkedBlockingQueue<>();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      authorizations.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " "
          + (auth == null ? "-" : auth));
      exchange.getRequestBody().readAllBytes();
      byte[] body = "Published\n".getBytes(StandardCharsets.US_ASCII);
      exchange.getResponseHeaders().set("Content-Type", "text/plain");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    try {
      String gripUrl = "http://127.0.0.1:" + server.getAddress().getPort() + "?iss=modapp&key=changeme";
      Run run = java(launch.command(PUBLISH_ONE), List.of("--grip-url", gripUrl, "news", "hi"), Map.of());
      assertEquals(0, run.exit(), run::describe);

      String request = authorizations.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertNotNull(request, "the app published nothing");
      String prefix = "POST /publish/ Bearer ";
      assertTrue(request.startsWith(prefix), request);
      String[] jwt = request.substring(prefix.length()).split("\\.");
      assertEquals(3, jwt.length, request);
      String header = new String(Base64.getUrlDecoder().decode(jwt[0]), StandardCharsets.UTF_8);
      String claims = new String(Base64.getUrlDecoder().decode(jwt[1]), StandardCharsets.UTF_8);
      assertTrue(header.contains("\"alg\":\"HS256\""), header);
      assertTrue(claims.contains("\"iss\":\"modapp\"") && claims.contains("\"exp\":"), claims);
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec("changeme".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      String signature = Base64.getUrlEncoder().withoutPadding()
          .encodeToString(mac.doFinal((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII)));
      assertEquals(signature, jwt[2], "the JWT is not signed with the GRIP URL's key");
    } finally {
      server.stop(0);
    }
  }

  // --- (c): the module boundary ----------------------------------------------------------------

  @Test
  void onTheModulePathTheAppCannotReachTheInternalPackageByReflection() throws Exception {
    Map<String, String> modular = probe(Launch.MODULE_PATH);
    assertEquals(MODULE, modular.get("app-module"), modular::toString);
    assertEquals("io.gripcast", modular.get("gripcast-module"), modular::toString);
    assertEquals("false", modular.get("exported"), modular::toString);
    assertTrue(modular.get("invoke").startsWith("denied ")
        && modular.get("invoke").contains("does not export io.gripcast.internal to module " + MODULE),
        modular::toString);
    assertEquals("denied", modular.get("setAccessible"), modular::toString);

    // the control: the same probe on the class path reaches it, so "denied" above is the module system's
    Map<String, String> plain = probe(Launch.CLASS_PATH);
    assertEquals("unnamed", plain.get("app-module"), plain::toString);
    assertEquals("true", plain.get("exported"), plain::toString);
    assertEquals("allowed", plain.get("invoke"), plain::toString);
    assertEquals("allowed", plain.get("setAccessible"), plain::toString);
  }

  private static Map<String, String> probe(Launch launch) throws Exception {
    Run run = java(launch.command(PROBE), List.of(), Map.of());
    assertEquals(0, run.exit(), run::describe);
    return run.out().lines().filter(l -> l.contains("="))
        .collect(Collectors.toMap(l -> l.substring(0, l.indexOf('=')), l -> l.substring(l.indexOf('=') + 1)));
  }

  @Test
  void theDescriptorExportsTheApiPackagesAndInternalOnlyToTheBenchmarks() throws Exception {
    Run run = java(List.of("--module-path", appPath, "--describe-module", "io.gripcast"), List.of(), Map.of());
    assertEquals(0, run.exit(), run::describe);
    Set<String> exports = new TreeSet<>();
    Set<String> qualified = new TreeSet<>();
    for (String line : run.out().lines().toList()) {
      if (line.startsWith("exports ")) {
        exports.add(line.substring("exports ".length()).strip());
      } else if (line.startsWith("qualified exports ")) {
        qualified.add(line.substring("qualified exports ".length()).strip());
      }
      assertFalse(line.startsWith("opens ") || line.startsWith("qualified opens ") || line.startsWith("open "),
          "io.gripcast opens nothing: " + line);
    }
    assertEquals(new TreeSet<>(API_PACKAGES), exports, run::describe);
    assertEquals(Set.of("io.gripcast.internal to io.gripcast.benchmarks",
        "io.gripcast.internal.auth to io.gripcast.benchmarks"), qualified, run::describe);
  }

  @Test
  void aModuleThatNamesTheInternalPackageDoesNotCompile() throws Exception {
    Path src = Files.createDirectories(runDir.resolve("sneaky-" + UUID.randomUUID()).resolve("src"));
    Path out = Files.createDirectories(src.resolveSibling("classes"));
    Path info = Files.writeString(src.resolve("module-info.java"), "module sneaky { requires io.gripcast; }\n");
    Path sneaky = Files.createDirectories(src.resolve("sneaky")).resolve("Sneaky.java");
    Files.writeString(sneaky, "package sneaky;\n"
        + "public class Sneaky {\n"
        + "  Object batches = io.gripcast.internal.Batches.split(java.util.List.of(), 1024);\n"
        + "}\n");
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertNotNull(javac, "no system Java compiler: run the tests on a JDK");
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      boolean ok = javac.getTask(null, files, diagnostics,
          List.of("--module-path", appPath, "-d", out.toString(), "-proc:none"), null,
          files.getJavaFileObjects(info, sneaky)).call();
      String messages = diagnostics.getDiagnostics().stream()
          .map(d -> d.getKind() + " " + d.getCode() + ": " + d.getMessage(Locale.ROOT))
          .collect(Collectors.joining("\n"));
      assertFalse(ok, "a module compiled against io.gripcast.internal:\n" + messages);
      assertTrue(diagnostics.getDiagnostics().stream().anyMatch(d -> d.getKind() == Diagnostic.Kind.ERROR
              && "compiler.err.package.not.visible".equals(d.getCode())
              && d.getMessage(Locale.ROOT).contains("io.gripcast.internal")),
          "expected \"package io.gripcast.internal is not visible\", got:\n" + messages);
    }
  }

  // --- the child JVM -----------------------------------------------------------------------------

  /**
   * Runs {@code java OPTIONS ARGS} with a clean environment for gripcast (no CLASSPATH, no GRIP_URL
   * but {@code env}'s) and waits at most {@link #CHILD_TIMEOUT}; on timeout it kills the child and
   * its descendants and fails. Output goes to files under {@code target/modapp-runs/}, kept.
   */
  private static Run java(List<String> options, List<String> args, Map<String, String> env) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(options);
    command.addAll(args);
    String name = String.format("%02d", RUNS.incrementAndGet());
    Path out = runDir.resolve(name + ".out");
    Path err = runDir.resolve(name + ".err");
    Files.writeString(runDir.resolve(name + ".cmd"), String.join("\n", command) + "\n");
    ProcessBuilder pb = new ProcessBuilder(command)
        .redirectOutput(out.toFile())
        .redirectError(err.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().remove("CLASSPATH");
    pb.environment().remove("JDK_JAVA_OPTIONS");
    pb.environment().remove("GRIP_URL");
    pb.environment().remove("GRIP_VERIFY_KEY");
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(CHILD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(5, TimeUnit.SECONDS);
      fail("the child JVM did not end within " + CHILD_TIMEOUT + " and was killed: " + command
          + "\n--- stdout\n" + Files.readString(out) + "--- stderr\n" + Files.readString(err));
    }
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }
}
