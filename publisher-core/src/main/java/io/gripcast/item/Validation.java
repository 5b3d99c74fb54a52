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
    return value;
  }

  static List<String> contentFilters(List<String> filters, String format) {
    if (filters == null) {
      return List.of();
    }
    for (String f : filters) {
      if (f == null || f.isBlank()) {
        throw new IllegalArgumentException(format + " content-filters must not contain a null or blank name: " + filters);
      }
    }
    return List.copyOf(filters);
  }

  static String quote(String s) {
    return s == null ? "null" : "\"" + s + "\"";
  }
}
