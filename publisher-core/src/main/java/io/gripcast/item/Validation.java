package io.gripcast.item;

import java.util.List;
import java.util.Objects;

/** Shared argument checks, so every message names the field and the bad value the same way. */
final class Validation {
  private Validation() {}

  static <T> T required(T value, String field) {
    return Objects.requireNonNull(value, () -> field + " is required but was null");
  }

  static String nonEmptyIfPresent(String value, String field) {
    if (value != null && value.isEmpty()) {
      throw new IllegalArgumentException(field + " must not be empty when given (omit it instead): \"\"");
    }
    return utf8Text(value, field);
  }

  static List<String> contentFilters(List<String> filters, String format) {
    if (filters == null) {
      return List.of();
    }
    for (String f : filters) {
      if (f == null || f.isBlank()) {
        throw new IllegalArgumentException(format + " content-filters must not contain a null or blank name: " + filters);
      }
      int bad = loneSurrogate(f);
      if (bad >= 0) {
        throw notUtf8(f, bad, format + " content-filter");
      }
    }
    return List.copyOf(filters);
  }

  /**
   * Checks that {@code value} has a UTF-8 encoding, that is, holds no lone (unpaired) UTF-16
   * surrogate. Every String of an item goes out as JSON text in UTF-8; a lone surrogate has no
   * UTF-8 form, so the serializer would write the escape <code>"&#92;uD800"</code>, which the proxy or
   * the subscriber turns into U+FFFD or rejects: the subscriber would never get the text given.
   * Such strings come from cutting a string between the two halves of a pair (an emoji), or from
   * a <code>"&#92;ud800"</code> escape in JSON input.
   *
   * @param field the field as the message should name it, e.g. {@code ws-message content}
   * @return {@code value}
   * @throws IllegalArgumentException naming the field and the UTF-16 index of the bad char
   */
  static String utf8Text(String value, String field) {
    int i = loneSurrogate(value);
    if (i >= 0) {
      throw notUtf8(value, i, field);
    }
    return value;
  }

  /** The UTF-16 index of the first lone surrogate in {@code s}, or -1 when there is none (or s is null). */
  static int loneSurrogate(String s) {
    if (s == null) {
      return -1;
    }
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++; // a well-formed pair: one code point, four UTF-8 bytes
        } else {
          return i;
        }
      }
    }
    return -1;
  }

  /** The exception for a lone surrogate at {@code index}; for callers that build the field name only on failure. */
  static IllegalArgumentException notUtf8(String value, int index, String field) {
    return new IllegalArgumentException(
        field + " has a lone UTF-16 surrogate U+" + Integer.toHexString(value.charAt(index)).toUpperCase(java.util.Locale.ROOT)
            + " at index " + index + " (of " + value.length() + " chars), which has no UTF-8 encoding:"
            + " subscribers would get U+FFFD or nothing instead. Fix the string (was it cut between the two"
            + " halves of a surrogate pair, such as an emoji?); arbitrary bytes can only be sent as binary"
            + " content (Content.bytes(..), content-bin or body-bin on the wire)");
  }

  static String quote(String s) {
    return s == null ? "null" : "\"" + s + "\"";
  }
}
