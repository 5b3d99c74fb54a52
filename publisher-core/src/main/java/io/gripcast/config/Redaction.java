package io.gripcast.config;

import java.util.Locale;
import java.util.Set;

/**
 * The one place that decides what of a URL is secret, for {@link Endpoint#redacted()} and
 * {@link GripUrl#redact(String)} (which the CLI uses for URLs that did not parse): the userinfo's
 * password, and the values of GRIP's {@code key} and {@code verify-key} and of query parameters
 * that are named like credentials, wherever they appear.
 */
final class Redaction {
  private Redaction() {}

  static final String MASK = "***";

  /** Parameter names whose values are masked, compared without case. */
  static final Set<String> SECRET_PARAMS = Set.of(GripUrl.KEY, GripUrl.VERIFY_KEY, "token", "access_token",
      "pass", "password", "secret", "api_key", "api-key", "apikey", "sig", "signature");

  static boolean isSecretParam(String rawName) {
    return SECRET_PARAMS.contains(rawName.toLowerCase(Locale.ROOT));
  }

  /** A raw query ({@code a=1&key=x}) with the values of secret parameters masked. */
  static String query(String rawQuery) {
    StringBuilder out = new StringBuilder(rawQuery.length());
    int start = 0;
    while (start <= rawQuery.length()) {
      int amp = rawQuery.indexOf('&', start);
      int end = amp < 0 ? rawQuery.length() : amp;
      String pair = rawQuery.substring(start, end);
      int eq = pair.indexOf('=');
      if (eq >= 0 && isSecretParam(pair.substring(0, eq))) {
        out.append(pair, 0, eq + 1).append(MASK);
      } else {
        out.append(pair);
      }
      if (amp < 0) {
        break;
      }
      out.append('&');
      start = amp + 1;
    }
    return out.toString();
  }

  /**
   * URL text as typed, which may not even parse: the userinfo becomes {@code ***@} and secret
   * parameters are masked; the fragment is dropped (it never reaches a proxy anyway).
   */
  static String urlText(String text) {
    String s = text;
    int hash = s.indexOf('#');
    if (hash >= 0) {
      s = s.substring(0, hash);
    }
    int scheme = s.indexOf("://");
    if (scheme >= 0) {
      int authorityStart = scheme + 3;
      int authorityEnd = authorityStart;
      while (authorityEnd < s.length() && "/?".indexOf(s.charAt(authorityEnd)) < 0) {
        authorityEnd++;
      }
      int at = s.lastIndexOf('@', authorityEnd - 1);
      if (at >= authorityStart) {
        s = s.substring(0, authorityStart) + MASK + s.substring(at);
      }
    }
    int q = s.indexOf('?');
    return q < 0 ? s : s.substring(0, q + 1) + query(s.substring(q + 1));
  }
}
