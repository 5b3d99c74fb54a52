package io.gripcast.http;

/**
 * HTTP header syntax as Pushpin parses GRIP headers: values are split on commas (outside
 * quotes), then into {@code ;}-separated parameters whose values are tokens or quoted strings
 * with backslash escapes.
 */
final class HeaderSyntax {
  private HeaderSyntax() {}

  static boolean isTokenChar(char c) {
    return c > 0x20 && c < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
  }

  static boolean isToken(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!isTokenChar(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** Index of the first character that no header value may hold (controls, non-ASCII), or -1. */
  static int firstUnsendable(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c < 0x20 && c != '\t') || c > 0x7e) {
        return i;
      }
    }
    return -1;
  }

  /** {@code "value"} with {@code "} and {@code \} escaped; the caller has checked firstUnsendable. */
  static String quoted(String value) {
    StringBuilder b = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\');
      }
      b.append(c);
    }
    return b.append('"').toString();
  }

  /** A parameter value: as it is when a token, else quoted. */
  static String paramValue(String value) {
    return isToken(value) ? value : quoted(value);
  }

  static String describe(char c) {
    if (c > 0x20 && c < 0x7f) {
      return "'" + c + "'";
    }
    return String.format("U+%04X", (int) c);
  }
}
