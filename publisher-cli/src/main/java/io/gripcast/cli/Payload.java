package io.gripcast.cli;

import io.gripcast.item.Content;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The content argument of {@code publish}, resolved: a literal string, {@code @file} or {@code -}
 * (stdin).
 *
 * <p>As in pushpin-publish, a literal gets a newline appended on the HTTP formats (unless
 * {@code --no-eol}), while file content is sent as it is, with no newline added. Content read from
 * a file or stdin is text when it is valid UTF-8 and bytes otherwise (pushpin-publish does the same
 * for files: a non-UTF-8 file goes out as {@code content-bin} / {@code body-bin}).
 *
 * @param content the content as read (text, or bytes when not UTF-8 or when --binary)
 * @param literal true for a literal argument (gets the newline on HTTP formats)
 * @param origin where it came from, for messages: {@code argument}, {@code file x}, {@code stdin}
 */
record Payload(Content content, boolean literal, String origin) {

  /**
   * Resolves {@code arg}.
   *
   * @param binary send as bytes whatever the content is
   * @throws CliException (65) when a file or stdin cannot be read
   */
  static Payload resolve(String arg, boolean binary, CliContext ctx) {
    if (arg.equals("-")) {
      byte[] bytes;
      try {
        bytes = ctx.stdin().readAllBytes();
      } catch (IOException e) {
        throw CliException.data("cannot read the content from stdin: " + e.getMessage(), e);
      }
      return new Payload(decode(bytes, binary), false, "stdin");
    }
    if (arg.startsWith("@") && arg.length() > 1) {
      String name = arg.substring(1);
      return new Payload(decode(readFile(name, ctx), binary), false, "file " + name);
    }
    Content c = binary ? Content.bytes(arg.getBytes(StandardCharsets.UTF_8)) : Content.text(arg);
    return new Payload(c, true, "argument");
  }

  /** Reads {@code name} (relative to the working directory), naming the problem and the fix on failure. */
  static byte[] readFile(String name, CliContext ctx) {
    Path path = ctx.resolve(name);
    try {
      return Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw CliException.data("cannot read file " + name + ": no such file; check the path after '@'", e);
    } catch (AccessDeniedException e) {
      throw CliException.data("cannot read file " + name + ": permission denied", e);
    } catch (IOException e) {
      String why = Files.isDirectory(path) ? "it is a directory" : e.toString();
      throw CliException.data("cannot read file " + name + ": " + why, e);
    } catch (OutOfMemoryError e) {
      throw CliException.data("file " + name + " is too large to publish", null);
    }
  }

  private static Content decode(byte[] bytes, boolean binary) {
    if (binary) {
      return Content.bytes(bytes);
    }
    try {
      String text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
      return Content.text(text);
    } catch (CharacterCodingException notUtf8) {
      return Content.bytes(bytes);
    }
  }

  /** The content with a newline appended, for HTTP formats. */
  Content withEol() {
    if (content instanceof Content.Text) {
      return Content.text(((Content.Text) content).value() + "\n");
    }
    byte[] b = content.toBytes();
    byte[] out = java.util.Arrays.copyOf(b, b.length + 1);
    out[b.length] = '\n';
    return Content.bytes(out);
  }

  /** The content as text, for a JSON patch. */
  String text() {
    return content instanceof Content.Text
        ? ((Content.Text) content).value()
        : new String(content.toBytes(), StandardCharsets.UTF_8);
  }
}
