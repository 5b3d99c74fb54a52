package io.gripcast.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line as the UTF-8 bytes it was given, whatever the locale, as pushpin-publish takes
 * it.
 *
 * <p>The JVM decodes argv with the locale's charset ({@code sun.jnu.encoding}) before {@code main}
 * runs, and nothing on the command line changes that charset. Under {@code LC_ALL=C} it is ASCII, so
 * every byte of "héllo ✓" past ASCII arrives as U+FFFD; in a UTF-8 locale, bytes that are not UTF-8
 * arrive as U+FFFD too, indistinguishable from a real U+FFFD. The launcher avoids the first case by
 * running the JVM in C.UTF-8; this class covers {@code java -jar}, a locale that names UTF-8 but is
 * not installed, and the second case, by reading the arguments' bytes back from
 * {@code /proc/self/cmdline} (Linux).
 *
 * <p>That file holds the JVM's whole command line, so the last {@code args.length} entries are
 * taken only when each of them, decoded the way the JVM decodes argv, equals the argument the JVM
 * gave: otherwise (an {@code @argfile} that held the arguments, no {@code /proc}) the JVM's
 * arguments are kept as they are.
 */
final class Argv {
  private Argv() {}

  /**
   * The arguments decoded as UTF-8 from their bytes when the JVM may have decoded them otherwise;
   * {@code args} itself when not (the usual case: ASCII arguments, or a UTF-8 locale and no U+FFFD).
   *
   * @throws CliException (65) naming the argument when its bytes are not UTF-8
   */
  static String[] utf8(String[] args) {
    if (allAscii(args)) {
      return args; // the usual case, checked before anything else is set up: this runs on every start
    }
    return utf8(args, System.getProperty("sun.jnu.encoding", "UTF-8"), new ProcCmdline());
  }

  /** What reads the process's command line: the entries, or null when it cannot be read. */
  interface CommandLineSource {
    List<byte[]> read();
  }

  /** A class rather than a method reference: no invokedynamic bootstrap on the start-up path. */
  private static final class ProcCmdline implements CommandLineSource {
    @Override
    public List<byte[]> read() {
      return procCmdline();
    }
  }

  static String[] utf8(String[] args, String platformEncoding, CommandLineSource source) {
    if (allAscii(args)) {
      return args; // ASCII bytes decode the same in every charset the JVM runs argv through
    }
    Charset platform;
    try {
      platform = Charset.forName(platformEncoding);
    } catch (RuntimeException unknown) {
      return args;
    }
    if (platform.equals(StandardCharsets.UTF_8) && !hasReplacement(args)) {
      return args; // decoded as UTF-8 without a single bad byte: exactly what was given
    }
    List<byte[]> all = source.read();
    if (all == null || all.size() < args.length) {
      return args;
    }
    List<byte[]> raw = all.subList(all.size() - args.length, all.size());
    for (int i = 0; i < args.length; i++) {
      if (!new String(raw.get(i), platform).equals(args[i])) {
        return args; // not the entries the JVM decoded: better the JVM's reading than a wrong one
      }
    }
    String[] out = new String[args.length];
    for (int i = 0; i < args.length; i++) {
      out[i] = strictUtf8(raw.get(i), i, args);
    }
    return out;
  }

  private static String strictUtf8(byte[] bytes, int index, String[] args) {
    CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    try {
      return d.decode(in).toString();
    } catch (CharacterCodingException e) {
      // the decoder stops at the first bad byte
      int offset = firstInvalid(bytes);
      throw CliException.data(describe(index, args) + " is not UTF-8: byte 0x"
          + Integer.toHexString(0x100 | bytes[offset] & 0xff).substring(1).toUpperCase(java.util.Locale.ROOT) + " at byte offset " + offset
          + " is not part of a UTF-8 character. gripcast sends text as UTF-8 and takes its arguments"
          + " as UTF-8 whatever the locale (as pushpin-publish does); convert the text (for example"
          + " iconv -f ISO-8859-1 -t UTF-8), or publish bytes as they are from a file (@FILE, whose"
          + " name must be UTF-8 too) or from stdin (-)", e);
    }
  }

  /** "argument 4 (after -H)": the position and the option it belongs to, never the value (it may be a secret). */
  private static String describe(int index, String[] args) {
    String s = "argument " + (index + 1);
    if (index > 0 && args[index - 1].startsWith("-") && allAscii(new String[] {args[index - 1]})) {
      s += " (after " + args[index - 1] + ")";
    }
    return s;
  }

  /** The offset of the first byte that does not belong to a well-formed UTF-8 sequence. */
  static int firstInvalid(byte[] b) {
    CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(b);
    java.nio.CharBuffer out = java.nio.CharBuffer.allocate(b.length + 1);
    d.decode(in, out, true);
    return Math.min(in.position(), b.length - 1);
  }

  private static boolean allAscii(String[] args) {
    for (String a : args) {
      for (int i = 0; i < a.length(); i++) {
        if (a.charAt(i) >= 0x80) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean hasReplacement(String[] args) {
    for (String a : args) {
      if (a.indexOf('\uFFFD') >= 0) {
        return true;
      }
    }
    return false;
  }

  /** The NUL-separated entries of /proc/self/cmdline, or null where there is no such file. */
  static List<byte[]> procCmdline() {
    byte[] all;
    try {
      all = Files.readAllBytes(Path.of("/proc/self/cmdline"));
    } catch (IOException | RuntimeException e) {
      return null;
    }
    List<byte[]> entries = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < all.length; i++) {
      if (all[i] == 0) {
        entries.add(java.util.Arrays.copyOfRange(all, start, i));
        start = i + 1;
      }
    }
    if (start < all.length) {
      entries.add(java.util.Arrays.copyOfRange(all, start, all.length)); // no final NUL: still an entry
    }
    return entries;
  }
}
