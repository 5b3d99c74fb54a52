package io.gripcast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gripcast.Publisher;
import io.gripcast.item.HttpStream;
import io.gripcast.item.Item;
import io.gripcast.testing.PushpinInstance;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jars say which version they are: every published jar's manifest has
 * Implementation-Title/-Version/-Vendor, and what reads the version from there (the core's
 * User-Agent, {@code gripcast --version}) says the build's version, not "dev". Runs after
 * {@code package}, so publisher-core and publisher-testing are on the classpath as their jars.
 */
class ManifestIT extends MockServerTest {

  @TempDir Path dir;

  /** The build's version, from failsafe (the POM's project.version). */
  static String version() {
    String v = System.getProperty("gripcast.version");
    assertNotNull(v, "failsafe passes gripcast.version");
    return v;
  }

  static Path jarOf(Class<?> c) throws URISyntaxException {
    Path p = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    assertTrue(Files.isRegularFile(p) && p.toString().endsWith(".jar"),
        c.getName() + " comes from " + p + ", not from a packaged jar (run `mvn verify` with -am)");
    return p;
  }

  static void assertManifest(Path jar, String title) throws IOException {
    try (JarFile j = new JarFile(jar.toFile())) {
      assertNotNull(j.getManifest(), jar + " has no manifest");
      Attributes a = j.getManifest().getMainAttributes();
      assertEquals(version(), a.getValue(Attributes.Name.IMPLEMENTATION_VERSION), jar + ": Implementation-Version");
      assertEquals(title, a.getValue(Attributes.Name.IMPLEMENTATION_TITLE), jar + ": Implementation-Title");
      String vendor = a.getValue(Attributes.Name.IMPLEMENTATION_VENDOR);
      assertTrue(vendor != null && !vendor.isBlank(), jar + ": Implementation-Vendor");
    }
  }

  @Test
  void everyPublishedJarAndTheFatJarNameTheirVersion() throws Exception {
    assertManifest(jarOf(Publisher.class), "gripcast publisher-core");
    assertManifest(jarOf(PushpinInstance.class), "gripcast publisher-testing");
    String cliJar = System.getProperty("gripcast.cli.jar");
    assertNotNull(cliJar, "failsafe passes gripcast.cli.jar");
    assertManifest(Path.of(cliJar), "gripcast publisher-cli");
    assertManifest(Launcher.gripcast().resolveSibling("gripcast.jar"), "gripcast");
  }

  @Test
  void theCoreJarSendsItsVersionAsUserAgent() throws Exception {
    jarOf(Publisher.class);
    server.enqueue(published());
    try (Publisher p = Publisher.builder().endpoint(spec).build()) {
      p.publish("test", Item.of(HttpStream.text("hello\n")));
    }
    RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
    assertNotNull(r, "no publish arrived");
    assertEquals("gripcast/" + version(), r.getHeaders().get("User-Agent"));
  }

  @Test
  void theLauncherSaysItsVersion() throws Exception {
    Launcher.Run v = Launcher.gripcast(Map.of(), dir, "--version");
    assertEquals(0, v.code(), v.toString());
    assertTrue(v.out().startsWith("gripcast " + version() + "\n"), v.toString());

    server.enqueue(published());
    Launcher.Run r = Launcher.gripcast(Map.of(), dir, "publish", "--spec", spec, "test", "hello");
    assertEquals(0, r.code(), r.toString());
    RecordedRequest req = server.takeRequest(5, TimeUnit.SECONDS);
    assertNotNull(req, "no publish arrived");
    assertEquals("gripcast/" + version(), req.getHeaders().get("User-Agent"));
  }
}
