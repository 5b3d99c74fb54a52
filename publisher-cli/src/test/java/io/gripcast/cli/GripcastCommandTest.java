package io.gripcast.cli;

import static io.gripcast.cli.Cli.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

/** The root command, shared plumbing, and docs/cli.md agreeing with the code. */
class GripcastCommandTest {

  @Test
  void noCommandShowsUsageAndExits64() {
    Cli.Result r = cli().run();
    assertEquals(64, r.code(), r.toString());
    assertTrue(r.err().contains("Commands:") && r.err().contains("publish") && r.err().contains("listen"), r.err());
  }

  @Test
  void helpListsCommandsAndExitCodes() {
    Cli.Result r = cli().run("--help");
    assertEquals(0, r.code());
    for (String c : new String[] {"publish", "listen", "token", "url"}) {
      assertTrue(r.out().contains("  " + c + " ") || r.out().contains("  " + c + "\n"), c + " in\n" + r.out());
    }
    assertTrue(r.out().contains("Exit codes:"), r.out());
    assertTrue(r.out().contains("GRIP_URL"), r.out());
  }

  @Test
  void unknownCommandExits64WithASuggestion() {
    Cli.Result r = cli().run("publsh", "test", "hi");
    assertEquals(64, r.code(), r.toString());
    assertEquals(1, r.errLines().length, r.toString());
    assertTrue(r.err().contains("publish"), r.err());
  }

  @Test
  void completionScriptCoversTheCommandsAndFlags() {
    Cli.Result r = cli().run("generate-completion");
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().contains("complete -F _complete_gripcast"), "a bash completion function");
    for (String word : new String[] {"publish", "listen", "--no-eol", "--ndjson", "--binary-format"}) {
      assertTrue(r.out().contains(word), word);
    }
  }

  @Test
  void durationsParseAsPeopleTypeThem() {
    assertEquals(Duration.ofSeconds(5), Durations.parse("5"));
    assertEquals(Duration.ofMillis(1500), Durations.parse("1.5s"));
    assertEquals(Duration.ofMillis(250), Durations.parse("250ms"));
    assertEquals(Duration.ofMinutes(2), Durations.parse("2m"));
    assertEquals(Duration.ofHours(1), Durations.parse("1h"));
    assertEquals(Duration.ofSeconds(7), Durations.parse("PT7S"));
    for (String bad : new String[] {"", "soon", "-1", "5x", "PT-1S", "NaN"}) {
      assertThrows(TypeConversionException.class, () -> Durations.parse(bad), bad);
    }
    assertEquals("250ms", Durations.format(Duration.ofMillis(250)));
    assertEquals("2s", Durations.format(Duration.ofSeconds(2)));
    assertEquals("1.500s", Durations.format(Duration.ofMillis(1500)));
  }

  @Test
  void worstExitCodeRanksPermanentFailuresFirst() {
    assertEquals(77, ExitCodes.worst(69, 77));
    assertEquals(77, ExitCodes.worst(76, 77));
    assertEquals(76, ExitCodes.worst(76, 69));
    assertEquals(78, ExitCodes.worst(78, 77));
    assertEquals(69, ExitCodes.worst(0, 69));
  }

  @Test
  void redactionHidesPasswordsAndKeys() {
    assertEquals("https://***@h/p?iss=me&key=***&x=1", Targets.redact("https://u:pw@h/p?iss=me&key=c2VjcmV0&x=1"));
    assertEquals("http://h?verify-key=***", Targets.redact("http://h?verify-key=abc"));
    assertEquals("http://localhost:5561", Targets.redact("http://localhost:5561"));
  }

  /** docs/cli.md's exit-code table lists exactly the codes and meanings of --help. */
  @Test
  void docsExitCodeTableMatchesTheCode() throws Exception {
    Path doc = Path.of("..", "docs", "cli.md");
    String md = Files.readString(doc);
    Matcher m = Pattern.compile("(?m)^\\| (\\d+) \\| ([^|]+) \\|$").matcher(md);
    List<String> rows = new ArrayList<>();
    while (m.find()) {
      rows.add(m.group(1) + ":" + m.group(2).strip());
    }
    List<String> expected = new ArrayList<>();
    for (String line : ExitCodes.HELP) {
      expected.add(line.strip());
    }
    assertEquals(expected, rows, "docs/cli.md exit code table");
  }
}
