package io.gripcast.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * Secret bytes (a signing key, a bearer token, a password) that never print themselves.
 *
 * <p>{@link #toString()} is always {@code ***}, so a secret can sit inside records, exceptions and
 * log lines without leaking. The bytes are copied in and out; {@link #equals(Object)} compares in
 * constant time. Keys given as {@code base64:...} are held as their decoded bytes and never turned
 * into a {@code String}, since arbitrary bytes do not survive a round trip through UTF-8.
 */
public final class Secret {
  private static final String REDACTED = "***";

  static {
    // gripcast's own code reads secrets through this bridge; the methods stay out of the public API
    io.gripcast.internal.auth.AuthAccess.install(new AuthHooks());
  }

  /** Prefix marking a key written as base64 (GRIP URLs, Pushpin's {@code sig_key}). */
  public static final String BASE64_PREFIX = "base64:";

  private final byte[] bytes;

  private Secret(byte[] bytes) {
    this.bytes = bytes;
  }

  /** A secret holding a copy of {@code bytes}. */
  public static Secret of(byte[] bytes) {
    Objects.requireNonNull(bytes, "secret bytes are required but were null");
    return new Secret(bytes.clone());
  }

  /** A secret holding the UTF-8 bytes of {@code text}. */
  public static Secret ofUtf8(String text) {
    Objects.requireNonNull(text, "secret text is required but was null");
    return new Secret(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A key written as text, the way GRIP URLs and proxy configs write them: {@code base64:<b64>}
   * stands for the decoded bytes (standard alphabet, padding optional; the URL-safe alphabet is
   * accepted too), anything else for its UTF-8 bytes. A {@code '+'} in base64 is a plus, never a
   * space.
   *
   * @throws IllegalArgumentException if the base64 is invalid or empty; the message never contains
   *     the key
   */
  public static Secret fromKeyText(String text) {
    Objects.requireNonNull(text, "key text is required but was null");
    if (!text.startsWith(BASE64_PREFIX)) {
      return ofUtf8(text);
    }
    String b64 = text.substring(BASE64_PREFIX.length());
    if (b64.isEmpty()) {
      throw new IllegalArgumentException("has nothing after the 'base64:' prefix: put the base64-encoded key bytes there");
    }
    for (int i = 0; i < b64.length(); i++) {
      if (Character.isWhitespace(b64.charAt(i))) {
        throw new IllegalArgumentException("contains whitespace after the 'base64:' prefix (at position "
            + (BASE64_PREFIX.length() + i) + "); if the key had '+' signs, something decoded them as spaces"
            + " (form decoding): write them as '+' or %2B");
      }
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(b64);
    } catch (IllegalArgumentException standard) {
      try {
        // the URL-safe alphabet cannot be mistaken for the standard one: '-' and '_' are invalid there
        bytes = Base64.getUrlDecoder().decode(b64);
      } catch (IllegalArgumentException urlSafe) {
        throw new IllegalArgumentException("is not valid base64 after the 'base64:' prefix: use the alphabet"
            + " A-Z a-z 0-9 + / (or - _) with optional '=' padding, or drop the prefix for a plain-text key");
      }
    }
    if (bytes.length == 0) {
      throw new IllegalArgumentException("decodes to no bytes after the 'base64:' prefix: a key needs at least one byte");
    }
    return new Secret(bytes);
  }

  /** A copy of the secret bytes: for gripcast's own use (signing, headers), never printed. */
  byte[] bytes() {
    return bytes.clone();
  }

  /**
   * The bytes decoded as UTF-8, for secrets that are text by nature (a bearer token, a password).
   * Not for binary keys: invalid sequences become U+FFFD.
   */
  String revealUtf8() {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** Number of bytes. */
  public int length() {
    return bytes.length;
  }

  /** True when there are no bytes. */
  public boolean isEmpty() {
    return bytes.length == 0;
  }

  /** Compares the bytes in constant time (for equal lengths). */
  @Override
  public boolean equals(Object o) {
    return o instanceof Secret s && MessageDigest.isEqual(bytes, s.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  /** Always {@code ***}. */
  @Override
  public String toString() {
    return REDACTED;
  }
}
