package io.gripcast.build;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dump of a small module compiled here: what it shows, what it leaves out, and that a change fails the check. */
class ApiDumpTest {
  @TempDir
  Path dir;

  private Path compile(String apiBody) throws Exception {
    Path src = dir.resolve("src");
    Files.createDirectories(src.resolve("demo/api"));
    Files.createDirectories(src.resolve("demo/internal"));
    Files.writeString(src.resolve("module-info.java"), "module demo { exports demo.api; exports demo.internal to java.base; }");
    Files.writeString(src.resolve("demo/api/Thing.java"), "package demo.api;\n" + apiBody);
    Files.writeString(src.resolve("demo/internal/Hidden.java"), "package demo.internal; public class Hidden { public void secret() {} }");
    Path out = dir.resolve("classes-" + System.nanoTime());
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int rc = javac.run(null, null, null, "-d", out.toString(), "--release", "17",
        src.resolve("module-info.java").toString(), src.resolve("demo/api/Thing.java").toString(),
        src.resolve("demo/internal/Hidden.java").toString());
    assertTrue(rc == 0, "the fixture compiles");
    return out;
  }

  private static String dump(Path classes) throws Exception {
    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, null)) {
      return ApiDump.dump(classes, loader);
    }
  }

  @Test
  void showsExportedTypesMembersAndConstantsAndNothingElse() throws Exception {
    String api = dump(compile("public final class Thing implements Comparable<Thing> {\n"
        + "  public static final String NAME = \"thing\";\n"
        + "  public static final int LIMIT = 64;\n"
        + "  private int hidden;\n"
        + "  public Thing() {}\n"
        + "  Thing(int packagePrivate) {}\n"
        + "  public <T extends Number> java.util.List<T> of(T t) throws java.io.IOException { return null; }\n"
        + "  public int compareTo(Thing o) { return 0; }\n"
        + "  public enum Kind { A, B }\n"
        + "  static final class Impl {}\n"
        + "}\n"));
    List<String> lines = api.lines().toList();
    assertTrue(lines.contains("public final class demo.api.Thing implements java.lang.Comparable<demo.api.Thing>"), api);
    assertTrue(lines.contains("  field public static final java.lang.String NAME = \"thing\""), api);
    assertTrue(lines.contains("  field public static final int LIMIT = 64"), api);
    assertTrue(lines.contains("  public demo.api.Thing()"), api);
    assertTrue(lines.contains("  public <T extends java.lang.Number> java.util.List<T> demo.api.Thing.of(T) throws java.io.IOException"), api);
    assertTrue(lines.contains("public enum demo.api.Thing$Kind"), api);
    assertFalse(api.contains("hidden") || api.contains("Impl") || api.contains("(int)"), "private and package-private stay out: " + api);
    assertFalse(api.contains("demo.internal"), "a qualified export is not API: " + api);
  }

  @Test
  void aChangedApiFailsTheCheckWithTheDifferenceAndAnUpdateAcceptsIt() throws Exception {
    Path before = compile("public class Thing { public void a() {} }\n");
    Path committed = dir.resolve("api/demo.api");
    Files.createDirectories(committed.getParent());
    Files.writeString(committed, dump(before), StandardCharsets.UTF_8);
    Path after = compile("public class Thing { public void a() {} public void b() {} }\n");
    try (URLClassLoader same = new URLClassLoader(new URL[] {before.toUri().toURL()}, null)) {
      ApiDump.check(before, same, committed); // unchanged: passes
    }
    try (URLClassLoader changed = new URLClassLoader(new URL[] {after.toUri().toURL()}, null)) {
      AssertionError e = assertThrows(AssertionError.class, () -> ApiDump.check(after, changed, committed));
      assertTrue(e.getMessage().contains("+   public void demo.api.Thing.b()"), e.getMessage());
      assertTrue(e.getMessage().contains("-D" + ApiDump.UPDATE_PROPERTY + "=true"), e.getMessage());
      System.setProperty(ApiDump.UPDATE_PROPERTY, "true");
      try {
        ApiDump.check(after, changed, committed);
      } finally {
        System.clearProperty(ApiDump.UPDATE_PROPERTY);
      }
      ApiDump.check(after, changed, committed); // the rewritten dump now matches
    }
  }
}
