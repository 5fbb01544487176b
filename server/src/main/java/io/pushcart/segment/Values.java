package io.pushcart.segment;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** How a rule reads and compares values of each {@link Field.Type}: one place for both. */
final class Values {
  private Values() {
  }

  /** {@code raw} as a value of {@code type}, or null when it is absent or not of that type. */
  static Object as(Object raw, Field.Type type) {
    if (raw == null) {
      return null;
    }
    return switch (type) {
      case STRING -> raw instanceof String s ? s : null;
      case NUMBER -> raw instanceof Number n ? n.doubleValue() : null;
      case BOOLEAN -> raw instanceof Boolean b ? b : null;
      case TIME -> raw instanceof String s ? time(s) : null;
      case ANY -> raw;
    };
  }

  /** An RFC 3339 date-time as an instant, whatever its offset; null when it is not one. */
  static Instant time(String text) {
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** Compares two values of one type (both made by {@link #as}, or by the parser for that type). */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static int compare(Object a, Object b) {
    return ((Comparable) a).compareTo(b);
  }
}
