package io.gripcast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
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

  static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
