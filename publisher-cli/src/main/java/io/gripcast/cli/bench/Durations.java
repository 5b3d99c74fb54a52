package io.gripcast.cli.bench;

import java.time.Duration;
import java.util.Locale;

/** Parses the bench command's durations: {@code 500ms}, {@code 4s}, {@code 2m}, or bare seconds. */
public final class Durations {
  private Durations() {}

  /**
   * @throws IllegalArgumentException naming the option and the accepted forms
   */
  public static Duration parse(String option, String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    try {
      if (t.endsWith("ms")) {
        return nonNegative(option, text, Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2))));
      }
      if (t.endsWith("s")) {
        return nonNegative(option, text, Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000)));
      }
      if (t.endsWith("m")) {
        return nonNegative(option, text, Duration.ofSeconds(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 60)));
      }
      return nonNegative(option, text, Duration.ofMillis(Math.round(Double.parseDouble(t) * 1000)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          option + " must be a duration such as 500ms, 4s or 2m (a bare number means seconds), but was '" + text + "'");
    }
  }

  private static Duration nonNegative(String option, String text, Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException(option + " must not be negative, but was '" + text + "'");
    }
    return d;
  }
}
