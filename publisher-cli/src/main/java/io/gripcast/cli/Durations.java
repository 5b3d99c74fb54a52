package io.gripcast.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses durations as people type them: {@code 5} (seconds), {@code 1.5s}, {@code 500ms},
 * {@code 2m}, {@code 1h}, or ISO-8601 ({@code PT5S}).
 */
final class Durations implements ITypeConverter<Duration> {

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  static Duration parse(String value) {
    String v = value.strip().toLowerCase(java.util.Locale.ROOT);
    try {
      if (v.startsWith("pt") || v.startsWith("p")) {
        return nonNegative(Duration.parse(value.strip()), value);
      }
      String number;
      long unitNanos;
      if (v.endsWith("ms")) {
        number = v.substring(0, v.length() - 2);
        unitNanos = 1_000_000L;
      } else if (v.endsWith("s")) {
        number = v.substring(0, v.length() - 1);
        unitNanos = 1_000_000_000L;
      } else if (v.endsWith("m")) {
        number = v.substring(0, v.length() - 1);
        unitNanos = 60_000_000_000L;
      } else if (v.endsWith("h")) {
        number = v.substring(0, v.length() - 1);
        unitNanos = 3_600_000_000_000L;
      } else {
        number = v;
        unitNanos = 1_000_000_000L;
      }
      double n = Double.parseDouble(number.strip());
      if (Double.isNaN(n) || Double.isInfinite(n) || n < 0 || n * unitNanos > Long.MAX_VALUE) {
        throw new TypeConversionException(bad(value));
      }
      return Duration.ofNanos(Math.round(n * unitNanos));
    } catch (NumberFormatException | DateTimeParseException e) {
      throw new TypeConversionException(bad(value));
    }
  }

  private static Duration nonNegative(Duration d, String value) {
    if (d.isNegative()) {
      throw new TypeConversionException(bad(value));
    }
    return d;
  }

  private static String bad(String value) {
    return "'" + value + "' is not a duration: use e.g. 5 (seconds), 1.5s, 500ms, 2m or PT5S";
  }

  /** A short human form: 500ms, 1.5s, 2m. */
  static String format(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + "ms";
    }
    if (ms % 60_000 == 0) {
      return (ms / 60_000) + "m";
    }
    return (ms % 1000 == 0) ? (ms / 1000) + "s" : String.format(java.util.Locale.ROOT, "%.3fs", ms / 1000.0);
  }
}
