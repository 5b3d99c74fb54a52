package io.gripcast.config;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Percent-encoding for GRIP URLs. Unlike {@code URLDecoder}, decoding keeps {@code '+'} as a
 * literal plus: GRIP URLs carry base64 keys, and form decoding turns their {@code '+'} into spaces
 * (js-grip's bug, spec §3, pitfall 8).
 */
final class UriText {
  private UriText() {}

  /** Why a percent-decoding failed; carries no part of the input. */
  static final class BadEncoding extends Exception {
    private static final long serialVersionUID = 1L;

    BadEncoding(String reason) {
      super(reason, null, false, false);
    }
  }

  /** Strict percent-decoding to UTF-8; {@code '+'} stays {@code '+'}. */
  static String decode(String raw) throws BadEncoding {
    if (raw.indexOf('%') < 0) {
      return raw;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); ) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (i + 2 >= raw.length()) {
          throw new BadEncoding("a '%' at position " + i + " is not followed by two hex digits"
              + " (write a literal '%' as %25)");
        }
        int hi = Character.digit(raw.charAt(i + 1), 16);
        int lo = Character.digit(raw.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw new BadEncoding("a '%' at position " + i + " is not followed by two hex digits"
              + " (write a literal '%' as %25)");
        }
        out.write((hi << 4) | lo);
        i += 3;
      } else {
        // the raw text came through java.net.URI, so any non-ASCII here is a legal "other" char
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        if (Character.isHighSurrogate(c) && i + 1 < raw.length()) {
          b = raw.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
          i++;
        }
        out.writeBytes(b);
        i++;
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(out.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw new BadEncoding("the percent-encoded bytes are not valid UTF-8");
    }
  }

  /** Percent-encodes everything but RFC 3986 unreserved characters, for display. */
  static String encodeComponent(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || c == '~' || c == ':') {
        sb.append((char) c);
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return sb.toString();
  }
}
