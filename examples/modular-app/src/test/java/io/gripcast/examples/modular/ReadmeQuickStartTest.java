package io.gripcast.examples.modular;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The README's Java quick start compiles as written: the first {@code ```java} block under
 * {@code ## Quick start} in the root README.md is read at test time, wrapped in a class with a
 * main method when it is a fragment (its imports stay on top), and compiled with the JDK's compiler
 * against this test's class path, which holds publisher-core. A failure shows the compiler's
 * diagnostics with README.md line numbers.
 */
class ReadmeQuickStartTest {

  private static final String SECTION = "## Quick start";
  private static final String WRAPPER = "ReadmeQuickStart";
  private static final Pattern TYPE_DECLARATION =
      Pattern.compile("^(?:public\\s+)?(?:final\\s+)?(?:class|record|interface|enum)\\s+(\\w+)", Pattern.MULTILINE);

  /** One line of the source handed to javac, with the README line it came from (0: added here). */
  record SourceLine(String text, int readmeLine) {}

  @Test
  void theJavaQuickStartCompilesAgainstTheCurrentApi() throws IOException {
    Path readme = Path.of(System.getProperty("gripcast.readme", "../../README.md"));
    assertTrue(Files.isRegularFile(readme), "no README at " + readme.toAbsolutePath());
    List<SourceLine> block = quickStart(Files.readAllLines(readme, StandardCharsets.UTF_8));
    List<SourceLine> source = compilationUnit(block);
    String className = className(source);

    Path dir = Files.createDirectories(Path.of("target", "readme-quickstart"));
    Path file = dir.resolve(className + ".java");
    Files.writeString(file, text(source), StandardCharsets.UTF_8);
    Path classes = Files.createDirectories(dir.resolve("classes"));

    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertNotNull(javac, "no system Java compiler: run the tests on a JDK");
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    boolean ok;
    try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      ok = javac.getTask(null, files, diagnostics,
          List.of("--release", "17", "-proc:none", "-classpath", System.getProperty("java.class.path"),
              "-d", classes.toString()),
          null, files.getJavaFileObjects(file)).call();
    }
    if (!ok) {
      StringBuilder report = new StringBuilder("The README's quick start (" + readme + ") does not compile:\n");
      for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
        int line = (int) d.getLineNumber();
        int readmeLine = line >= 1 && line <= source.size() ? source.get(line - 1).readmeLine() : 0;
        report.append("  ").append(d.getKind()).append(readmeLine > 0 ? " at README.md line " + readmeLine : " at "
            + file.getFileName() + " line " + line).append(": ").append(d.getMessage(Locale.ROOT)).append('\n');
      }
      report.append("--- compiled as ").append(file).append('\n');
      for (int i = 0; i < source.size(); i++) {
        report.append(String.format("%3d | %s%n", i + 1, source.get(i).text()));
      }
      fail(report.toString());
    }
    assertTrue(Files.isRegularFile(classes.resolve(className + ".class")), "javac wrote no " + className + ".class");
  }

  /** The lines of the first ```java block of the quick-start section, with their README line numbers. */
  static List<SourceLine> quickStart(List<String> readme) {
    int i = 0;
    while (i < readme.size() && !readme.get(i).strip().equals(SECTION)) {
      i++;
    }
    assertTrue(i < readme.size(), "README.md has no \"" + SECTION + "\" section");
    i++;
    while (i < readme.size() && !readme.get(i).strip().startsWith("```java")) {
      assertTrue(!readme.get(i).startsWith("## "), "no ```java block under \"" + SECTION + "\" before " + readme.get(i));
      i++;
    }
    assertTrue(i < readme.size(), "no ```java block under \"" + SECTION + "\"");
    List<SourceLine> block = new ArrayList<>();
    for (i++; i < readme.size() && !readme.get(i).strip().startsWith("```"); i++) {
      block.add(new SourceLine(readme.get(i), i + 1));
    }
    assertTrue(i < readme.size(), "the quick start's ```java block is not closed");
    assertTrue(block.stream().anyMatch(l -> !l.text().isBlank()), "the quick start's ```java block is empty");
    return block;
  }

  /**
   * The block as a compilation unit: as is when it declares a top-level type; otherwise its
   * imports (and a package line, if any) on top and the rest as the body of a main method that may
   * throw anything, so the snippet needs no try/catch of its own to compile.
   */
  static List<SourceLine> compilationUnit(List<SourceLine> block) {
    if (TYPE_DECLARATION.matcher(text(block)).find()) {
      return block;
    }
    List<SourceLine> header = new ArrayList<>();
    List<SourceLine> body = new ArrayList<>();
    for (SourceLine l : block) {
      String t = l.text().strip();
      boolean headerLine = t.startsWith("import ") || t.startsWith("package ");
      (headerLine && body.stream().allMatch(b -> b.text().isBlank()) ? header : body).add(l);
    }
    List<SourceLine> unit = new ArrayList<>(header);
    unit.add(new SourceLine("", 0));
    unit.add(new SourceLine("public class " + WRAPPER + " {", 0));
    unit.add(new SourceLine("  public static void main(String[] args) throws Exception {", 0));
    for (SourceLine l : body) {
      unit.add(new SourceLine(l.text().isBlank() ? "" : "    " + l.text(), l.readmeLine()));
    }
    unit.add(new SourceLine("  }", 0));
    unit.add(new SourceLine("}", 0));
    return unit;
  }

  private static String className(List<SourceLine> source) {
    Matcher m = TYPE_DECLARATION.matcher(text(source));
    assertTrue(m.find(), "no class in\n" + text(source));
    return m.group(1);
  }

  private static String text(List<SourceLine> lines) {
    StringBuilder sb = new StringBuilder();
    lines.forEach(l -> sb.append(l.text()).append('\n'));
    return sb.toString();
  }

  @Test
  void theExtractionFindsTheBlockAndWrapsAFragment() {
    List<String> readme = List.of("# x", "## Quick start", "", "```java", "import a.B;", "", "B.go();", "```",
        "```java", "second();", "```");
    List<SourceLine> block = quickStart(readme);
    assertEquals(List.of(new SourceLine("import a.B;", 5), new SourceLine("", 6), new SourceLine("B.go();", 7)), block);
    List<SourceLine> unit = compilationUnit(block);
    assertEquals("import a.B;", unit.get(0).text());
    assertEquals(WRAPPER, className(unit));
    assertTrue(unit.contains(new SourceLine("    B.go();", 7)), unit::toString);
  }
}
