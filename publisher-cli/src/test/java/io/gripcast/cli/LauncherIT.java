package io.gripcast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged launcher as a process: the exit-code table end to end, one-line errors on stderr,
 * the fat jar, completion, and the class-data-sharing archive really being used.
 */
class LauncherIT extends MockServerTest {

  @TempDir Path dir;

  static void assertOneLine(Launcher.Run r, String contains) {
    String[] lines = r.err().strip().split("\n");
    assertEquals(1, lines.length, "one stderr line: " + r);
    assertTrue(lines[0].startsWith("gripcast publish: "), r.toString());
    assertTrue(lines[0].contains(contains), contains + " in: " + r);
  }

  @Test
  void publishesAndPrintsPublished() throws Exception {
    server.enqueue(published());
    Launcher.Run r = Launcher.gripcast(Map.of(), dir, "publish", "--spec", spec, "test", "hello");
    assertEquals(0, r.code(), r.toString());
    assertEquals("Published\n", r.out());
    assertEquals("", r.err());
    assertTrue(server.takeRequest(5, TimeUnit.SECONDS).getBody().utf8().contains("\"content\":\"hello\\n\""));
  }

  @Test
  void badGripUrlExits78() {
    Launcher.Run r = Launcher.gripcast(Map.of("GRIP_URL", "localhost:5561"), dir, "publish", "test", "hi");
    assertEquals(78, r.code(), r.toString());
    assertOneLine(r, "is not a usable GRIP URL");
  }

  @Test
  void closedPortExits69() throws IOException {
    int port = closedPort();
    Launcher.Run r = Launcher.gripcast(Map.of(), dir, "publish", "--retries", "1", "--spec", "http://127.0.0.1:" + port, "t", "x");
    assertEquals(69, r.code(), r.toString());
    assertOneLine(r, "cannot reach http://127.0.0.1:" + port + "/publish/");
  }

  @Test
  void proxy400Exits76() {
    server.enqueue(new MockResponse.Builder().code(400).body("Invalid format: no formats specified\n").build());
    Launcher.Run r = Launcher.gripcast(Map.of(), dir, "publish", "--spec", spec, "t", "x");
    assertEquals(76, r.code(), r.toString());
    assertOneLine(r, "HTTP 400 Invalid format: no formats specified");
  }

  @Test
  void proxy401Exits77() {
    server.enqueue(new MockResponse.Builder().code(401).body("Unauthorized\n").build());
    Launcher.Run r = Launcher.gripcast(Map.of("GRIP_URL", spec + "?key=sekrit-token"), dir, "publish", "t", "x");
    assertEquals(77, r.code(), r.toString());
    assertOneLine(r, "refused the credentials");
    assertFalse(r.err().contains("sekrit-token"), r.err());
  }

  @Test
  void badNdjsonLineExits65NamingTheLine() throws IOException {
    Files.writeString(dir.resolve("items.ndjson"),
        "{\"channel\":\"a\",\"formats\":{\"ws-message\":{\"content\":\"1\"}}}\n{\"channel\":\"a\",\"formats\":{}}\n");
    Launcher.Run r = Launcher.gripcast(Map.of(), dir, "publish", "--spec", spec, "--ndjson", "items.ndjson");
    assertEquals(65, r.code(), r.toString());
    assertOneLine(r, "items.ndjson line 2: ");
    assertEquals(0, server.getRequestCount());
  }

  @Test
  void usageErrorExits64() {
    Launcher.Run r = Launcher.gripcast(Map.of(), dir, "publish", "--bogus", "t", "x");
    assertEquals(64, r.code(), r.toString());
    assertOneLine(r, "--bogus");
  }

  @Test
  void stdinContentThroughTheLauncher() throws Exception {
    server.enqueue(published());
    Launcher.Run r = Launcher.run(Map.of(), dir,
        List.of(Launcher.gripcast().toString(), "publish", "--spec", spec, "t", "-"), "piped\n".getBytes());
    assertEquals(0, r.code(), r.toString());
    assertTrue(server.takeRequest(5, TimeUnit.SECONDS).getBody().utf8().contains("\"content\":\"piped\\n\""));
  }

  @Test
  void theFatJarRunsOnItsOwn() {
    Path jar = Launcher.gripcast().resolveSibling("gripcast.jar");
    Launcher.Run r = Launcher.run(Map.of(), dir, List.of(javaBin(), "-jar", jar.toString(), "--version"));
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().startsWith("gripcast "), r.out());
  }

  @Test
  void completionScriptWasGeneratedAtBuildTime() throws IOException {
    Path completion = Launcher.gripcast().resolveSibling("gripcast_completion.bash");
    String script = Files.readString(completion);
    assertTrue(script.contains("complete -F _complete_gripcast"), "bash completion for gripcast");
    assertTrue(script.contains("--no-eol") && script.contains("--ndjson"));
  }

  /**
   * stdout is gripcast's output alone (scripts and --json read it): the JVM's own warnings go to
   * stderr. -Xmx16m makes this JVM warn that the launcher's young-generation cap is larger than
   * the heap, as a small container would.
   */
  @Test
  void theJvmsWarningsStayOffStdout() {
    Launcher.Run r = Launcher.gripcast(Map.of("GRIPCAST_JAVA_OPTS", "-Xmx16m"), dir, "--version");
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().startsWith("gripcast ") && !r.out().contains("[warning]"), "only the version on stdout: " + r);
    assertTrue(r.err().contains("[warning]"), "the JVM did warn (else this test shows nothing): " + r);
  }

  /** The archive made at build time is valid for this jar and JVM: gripcast's classes come from it. */
  @Test
  void classDataSharingArchiveIsUsed() {
    Launcher.Run r = Launcher.gripcast(Map.of("GRIPCAST_JAVA_OPTS", "-Xlog:class+load=info"), dir, "--version");
    assertEquals(0, r.code(), r.err());
    String mainLine = r.out().lines().filter(l -> l.contains(" io.gripcast.cli.Main ")).findFirst().orElse("");
    assertTrue(mainLine.contains("shared objects file"), "Main from the CDS archive: " + mainLine);
    String picocli = r.out().lines().filter(l -> l.contains(" picocli.CommandLine ")).findFirst().orElse("");
    assertTrue(picocli.contains("shared objects file"), "picocli (Java 5 classes) archived too: " + picocli);
  }

  /**
   * The training run includes a bulk run, so an --ndjson publish finds the buffered publisher, the
   * NDJSON reader, the streaming item reader and Jackson's non-blocking parser (which the reader
   * feeds) in the archive instead of loading and verifying them from the jar before its first
   * request (docs/performance.md, "Bulk publishing on a fresh Pushpin").
   */
  @Test
  void aBulkRunTakesItsClassesFromTheArchive() throws IOException {
    for (int i = 0; i < 4; i++) {
      server.enqueue(published());
    }
    Files.writeString(dir.resolve("bulk.ndjson"), "{\"channel\":\"a\",\"formats\":{\"ws-message\":{\"content\":\"1\"}}}\n"
        + "{\"channel\":\"b\",\"id\":\"x\",\"formats\":{\"http-stream\":{\"content\":\"2\\n\"}}}\n");
    Launcher.Run r = Launcher.gripcast(Map.of("GRIPCAST_JAVA_OPTS", "-Xlog:class+load=info"), dir,
        "publish", "--spec", spec, "--ndjson", "bulk.ndjson");
    assertEquals(0, r.code(), r.err());
    for (String cls : List.of("io.gripcast.BufferedPublisher", "io.gripcast.NdjsonReader",
        "io.gripcast.internal.WireJson$StreamingItemReader", "com.fasterxml.jackson.core.json.async.NonBlockingJsonParser")) {
      String line = r.out().lines().filter(l -> l.contains(" " + cls + " ")).findFirst().orElse("");
      assertTrue(line.contains("shared objects file"), cls + " from the CDS archive: " + line);
    }
  }

  /** GRIPCAST_CDS=aot on a JDK before 25 names what it needs instead of running without a cache. */
  @Test
  void aotModeOnJdk17SaysItNeedsJdk25() {
    Launcher.Run r = Launcher.gripcast(Map.of("GRIPCAST_CDS", "aot", "JAVA_HOME", System.getProperty("java.home")),
        dir, "--version");
    assertEquals(70, r.code(), r.toString());
    assertTrue(r.err().contains("GRIPCAST_CDS=aot needs a JDK 25 or newer"), r.err());
    assertTrue(r.err().contains("version 17"), r.err());
  }

  /**
   * With a JDK 25 (GRIPCAST_TEST_JDK25, else Temurin 25's Debian path), GRIPCAST_CDS=aot makes the
   * AOT cache on first use and loads gripcast's classes from it.
   */
  @Test
  void aotModeOnJdk25MakesAndUsesTheCache() {
    String jdk = System.getenv().getOrDefault("GRIPCAST_TEST_JDK25", "/usr/lib/jvm/temurin-25-jdk-amd64");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of(jdk, "bin", "java")),
        "no JDK 25 at " + jdk + " (set GRIPCAST_TEST_JDK25): the AOT launcher mode is not checked");
    Launcher.Run r = Launcher.gripcast(Map.of("GRIPCAST_CDS", "aot", "JAVA_HOME", jdk,
        "GRIPCAST_JAVA_OPTS", "-Xlog:class+load=info"), dir, "--version");
    assertEquals(0, r.code(), r.toString());
    String mainLine = r.out().lines().filter(l -> l.contains(" io.gripcast.cli.Main ")).findFirst().orElse("");
    assertTrue(mainLine.contains("shared objects file"), "Main from the AOT cache: " + mainLine);
    assertTrue(Files.exists(Launcher.gripcast().resolveSibling("gripcast.aot")), "the cache beside the launcher");
  }

  // ------------------------------------------------------------------------ locales and bytes

  /** What a request body must contain, byte for byte: the UTF-8 of {@code text}. */
  static void assertUtf8In(byte[] body, String text) {
    String asBytes = new String(body, StandardCharsets.ISO_8859_1);
    String wanted = new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    assertTrue(asBytes.contains(wanted), "the UTF-8 bytes of " + text + " in: " + new String(body, StandardCharsets.UTF_8));
  }

  /**
   * Under LC_ALL=C (cron, systemd, CI) the JVM would decode argv as ASCII and send U+FFFD; every
   * argument keeps its UTF-8 bytes instead: content, header value, meta, channel, and --spec (the
   * JWT's iss).
   */
  @Test
  void inTheCLocaleEveryArgumentKeepsItsUtf8Bytes() throws Exception {
    server.enqueue(published());
    String key = "a-key-of-at-least-thirty-two-bytes-0123";
    Launcher.Run r = Launcher.gripcast(Launcher.cLocale(), dir, "publish", "--spec", spec + "?iss=ñ-iss&key=" + key,
        "-H", "X-Note: café ✓", "-M", "who=ünï", "news-ñ", "héllo ✓ 🌍");
    assertEquals(0, r.code(), r.toString());
    assertEquals("Published\n", r.out());
    var request = server.takeRequest(5, TimeUnit.SECONDS);
    byte[] body = request.getBody().toByteArray();
    assertUtf8In(body, "\"channel\":\"news-ñ\"");
    assertUtf8In(body, "\"X-Note\":\"café ✓\"");
    assertUtf8In(body, "\"who\":\"ünï\"");
    assertUtf8In(body, "\"content\":\"héllo ✓ 🌍\"");
    assertFalse(new String(body, StandardCharsets.UTF_8).contains("\uFFFD"), "no replacement characters");
    Jwts.assertHs256(request.getHeaders().get("Authorization").substring("Bearer ".length()),
        key.getBytes(StandardCharsets.UTF_8), "ñ-iss");
  }

  @Test
  void inTheCLocaleAnAtFileWithANonAsciiNameIsRead() throws Exception {
    Files.writeString(dir.resolve("fé ✓.txt"), "from a file named fé ✓\n");
    server.enqueue(published());
    Launcher.Run r = Launcher.gripcast(Launcher.cLocale(), dir, "publish", "--spec", spec, "news", "@fé ✓.txt");
    assertEquals(0, r.code(), r.toString());
    assertUtf8In(server.takeRequest(5, TimeUnit.SECONDS).getBody().toByteArray(), "\"content\":\"from a file named fé ✓\\n\"");
  }

  /**
   * Output is UTF-8 too, not '?' for every non-ASCII char: --dry-run's body (content from stdin, so
   * only the output is under test) and error messages.
   */
  @Test
  void inTheCLocaleOutputIsUtf8() {
    Launcher.Run r = Launcher.run(Launcher.cLocale(), dir,
        List.of(Launcher.gripcast().toString(), "publish", "--dry-run", "--spec", spec, "news", "-"),
        "héllo ✓".getBytes(StandardCharsets.UTF_8));
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().contains("\"ws-message\":{\"content\":\"héllo ✓\"}"), r.out());
    Launcher.Run missing = Launcher.gripcast(Launcher.cLocale(), dir, "publish", "--spec", spec, "news", "@nöpe ✓.txt");
    assertEquals(65, missing.code(), missing.toString());
    assertOneLine(missing, "cannot read file nöpe ✓.txt: no such file");
    assertEquals(0, server.getRequestCount());
  }

  /**
   * Without the launcher the JVM stays in the C locale: Main reads the arguments' bytes back from
   * /proc/self/cmdline. File names cannot be fixed that way (the JVM encodes them in ASCII), so a
   * non-ASCII @file name is a clear error that says what to do.
   */
  @Test
  void javaWithoutTheLauncherInTheCLocale() throws Exception {
    Path jar = Launcher.gripcast().resolveSibling("gripcast.jar");
    server.enqueue(published());
    Launcher.Run r = Launcher.run(Launcher.cLocale(), dir, List.of(javaBin(), "-cp", jar.toString(), "io.gripcast.cli.Main",
        "publish", "--spec", spec, "-H", "X-Note: café ✓", "news-ñ", "héllo ✓"));
    assertEquals(0, r.code(), r.toString());
    byte[] body = server.takeRequest(5, TimeUnit.SECONDS).getBody().toByteArray();
    assertUtf8In(body, "\"channel\":\"news-ñ\"");
    assertUtf8In(body, "\"X-Note\":\"café ✓\"");
    assertUtf8In(body, "\"content\":\"héllo ✓\"");

    Files.writeString(dir.resolve("fé.txt"), "x");
    Launcher.Run file = Launcher.run(Launcher.cLocale(), dir, List.of(javaBin(), "-cp", jar.toString(), "io.gripcast.cli.Main",
        "publish", "--spec", spec, "news", "@fé.txt"));
    assertEquals(65, file.code(), file.toString());
    assertOneLine(file, "cannot use the file name fé.txt: the JVM encodes file names in ANSI_X3.4-1968");
    assertTrue(file.err().contains("LC_ALL=C.UTF-8"), file.err());
  }

  /**
   * Bytes that are not UTF-8 cannot go out as JSON text; pushpin-publish 1.36 aborts on them (a
   * panic, exit 134). gripcast names the argument and exits 65, in any locale, sending nothing.
   */
  @Test
  void anArgumentThatIsNotUtf8Exits65() {
    for (Map<String, String> env : List.of(Map.<String, String>of(), Launcher.cLocale())) {
      Launcher.Run r = Launcher.run(env, dir, List.of("sh", "-c",
          "exec \"$0\" publish --spec \"$1\" -H \"$(printf 'X-Note: caf\\351')\" news hi", Launcher.gripcast().toString(), spec));
      assertEquals(65, r.code(), env + ": " + r);
      assertOneLine(r, "argument 5 (after -H) is not UTF-8: byte 0xE9 at byte offset 11");
    }
    assertEquals(0, server.getRequestCount());
  }

  static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
