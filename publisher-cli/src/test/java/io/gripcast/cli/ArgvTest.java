package io.gripcast.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Arguments taken as the UTF-8 bytes given, whatever charset the JVM decoded them with. */
class ArgvTest {

  static final String ASCII = "ANSI_X3.4-1968"; // what glibc calls the C locale's charset

  /** A command line as /proc/self/cmdline holds it: the JVM's own options, then the arguments' bytes. */
  static Argv.CommandLineSource cmdline(byte[]... args) {
    return () -> {
      List<byte[]> all = new ArrayList<>();
      for (String s : new String[] {"java", "-XX:+UseSerialGC", "-cp", "gripcast.jar", "io.gripcast.cli.Main"}) {
        all.add(s.getBytes(StandardCharsets.US_ASCII));
      }
      all.addAll(List.of(args));
      return all;
    };
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** What the JVM hands main() for these bytes: each decoded with the platform charset. */
  static String[] asJvmDecodes(String charset, byte[]... raw) {
    String[] out = new String[raw.length];
    for (int i = 0; i < raw.length; i++) {
      out[i] = new String(raw[i], Charset.forName(charset));
    }
    return out;
  }

  static final Argv.CommandLineSource NEVER = () -> {
    throw new AssertionError("the command line should not be read");
  };

  @Test
  void asciiArgumentsAndCleanUtf8AreTakenAsTheyAre() {
    String[] ascii = {"publish", "news", "hello"};
    assertSame(ascii, Argv.utf8(ascii, ASCII, NEVER));
    String[] unicode = {"publish", "news", "héllo ✓ 🌍"};
    assertSame(unicode, Argv.utf8(unicode, "UTF-8", NEVER));
  }

  @Test
  void inTheCLocaleTheBytesAreReadBackAsUtf8() {
    byte[][] raw = {utf8("publish"), utf8("-H"), utf8("X-Note: café ✓"), utf8("news-ñ"), utf8("héllo ✓"), utf8(""),
        utf8("@fé.txt")};
    String[] jvm = asJvmDecodes(ASCII, raw);
    assertTrue(jvm[4].contains("\uFFFD"), "the JVM's reading is lossy: " + jvm[4]);
    assertArrayEquals(new String[] {"publish", "-H", "X-Note: café ✓", "news-ñ", "héllo ✓", "", "@fé.txt"},
        Argv.utf8(jvm, ASCII, cmdline(raw)));
  }

  /** A Latin-1 locale reads UTF-8 bytes as two letters each; the bytes are UTF-8, as for pushpin-publish. */
  @Test
  void anEightBitLocaleDoesNotTranscode() {
    byte[][] raw = {utf8("publish"), utf8("news"), utf8("héllo")};
    String[] jvm = asJvmDecodes("ISO-8859-1", raw);
    assertEquals("hÃ©llo", jvm[2]);
    assertEquals("héllo", Argv.utf8(jvm, "ISO-8859-1", cmdline(raw))[2]);
  }

  @Test
  void bytesThatAreNotUtf8AreADataErrorNamingTheArgument() {
    byte[] latin1 = {'c', 'a', 'f', (byte) 0xE9};
    byte[][] raw = {utf8("publish"), utf8("-H"), latin1, utf8("news"), utf8("x")};
    CliException e = assertThrows(CliException.class,
        () -> Argv.utf8(asJvmDecodes("UTF-8", raw), "UTF-8", cmdline(raw)));
    assertEquals(65, e.exitCode());
    assertTrue(e.getMessage().startsWith("argument 3 (after -H) is not UTF-8: byte 0xE9 at byte offset 3 "),
        e.getMessage());
    assertTrue(e.getMessage().contains("@FILE"), "says how to send bytes: " + e.getMessage());
    assertFalse(e.getMessage().contains("caf"), "never echoes the value, which may be a secret: " + e.getMessage());
    // the same bytes in the C locale
    assertThrows(CliException.class, () -> Argv.utf8(asJvmDecodes(ASCII, raw), ASCII, cmdline(raw)));
  }

  /** A real U+FFFD typed by the user is valid UTF-8 and stays. */
  @Test
  void aRealReplacementCharacterIsKept() {
    byte[][] raw = {utf8("publish"), utf8("news"), utf8("a\uFFFDb")};
    assertEquals("a\uFFFDb", Argv.utf8(asJvmDecodes("UTF-8", raw), "UTF-8", cmdline(raw))[2]);
  }

  /**
   * When the command line's last entries are not the arguments (they came from an @argfile of the
   * java launcher), or there is no /proc, the JVM's reading is kept rather than a wrong one.
   */
  @Test
  void unverifiableCommandLinesLeaveTheArgumentsAlone() {
    String[] jvm = asJvmDecodes(ASCII, utf8("publish"), utf8("news"), utf8("héllo"));
    assertSame(jvm, Argv.utf8(jvm, ASCII, cmdline(utf8("@args.txt"))));
    assertSame(jvm, Argv.utf8(jvm, ASCII, cmdline(utf8("publish"), utf8("other"), utf8("héllo"))));
    assertSame(jvm, Argv.utf8(jvm, ASCII, () -> null));
    assertSame(jvm, Argv.utf8(jvm, "no-such-charset", NEVER));
  }

  @Test
  void procCmdlineEndsWithThisJvmsCommandLine() {
    List<byte[]> entries = Argv.procCmdline();
    if (entries != null) { // Linux
      assertFalse(entries.isEmpty());
      assertTrue(new String(entries.get(0), StandardCharsets.UTF_8).contains("java"),
          new String(entries.get(0), StandardCharsets.UTF_8));
    }
  }

  @Test
  void firstInvalidByte() {
    assertEquals(3, Argv.firstInvalid(new byte[] {'a', 'b', 'c', (byte) 0xE9}));
    assertEquals(0, Argv.firstInvalid(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})); // CESU-8 surrogate
    assertEquals(1, Argv.firstInvalid(new byte[] {'a', (byte) 0xE2, (byte) 0x9C})); // cut short
  }

  @Test
  void errorPrefixNamesTheCommand() {
    assertEquals("gripcast publish", Main.prefix(new String[] {"publish", "x"}));
    assertEquals("gripcast", Main.prefix(new String[] {"caf\uFFFD"}));
    assertEquals("gripcast", Main.prefix(new String[0]));
  }
}
