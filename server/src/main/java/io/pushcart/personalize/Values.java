package io.pushcart.personalize;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Liquid's view of the JSON-like data a template reads: member and index lookup, text, truth,
 * emptiness, numbers and comparison. {@code null} stands for both "absent" and JSON null.
 * Everything here is static and allocation-light: it runs for every merge field of every message.
 */
final class Values {
  /** The {@code empty} and {@code blank} literals of conditions ({@code x == blank}). */
  enum Emptiness {
    EMPTY, BLANK;

    boolean matches(Object value) {
      return this == BLANK ? isBlank(value) : isEmpty(value);
    }
  }

  private Values() {
  }

  /** Vert.x wrappers seen as the Map or List they hold, so one lookup path serves both. */
  static Object unwrap(Object value) {
    if (value instanceof JsonObject o) {
      return o.getMap();
    }
    if (value instanceof JsonArray a) {
      return a.getList();
    }
    return value;
  }

  /** {@code container.key}; lists and strings also answer Liquid's {@code size}, {@code first}, {@code last}. */
  static Object member(Object container, String key) {
    Object c = unwrap(container);
    if (c instanceof Map<?, ?> map) {
      Object value = map.get(key);
      return value != null || map.containsKey(key) || !"size".equals(key) ? value : map.size();
    }
    if (c instanceof List<?> list) {
      return switch (key) {
        case "size" -> list.size();
        case "first" -> list.isEmpty() ? null : list.get(0);
        case "last" -> list.isEmpty() ? null : list.get(list.size() - 1);
        default -> null;
      };
    }
    if (c instanceof String s && "size".equals(key)) {
      return s.codePointCount(0, s.length());
    }
    return null;
  }

  /** {@code container[index]}; a negative index counts from the end, as in Liquid. */
  static Object element(Object container, int index) {
    if (!(unwrap(container) instanceof List<?> list)) {
      return null;
    }
    int i = index < 0 ? list.size() + index : index;
    return i >= 0 && i < list.size() ? list.get(i) : null;
  }

  static String text(Object value) {
    if (value instanceof String s) {
      return s;
    }
    StringBuilder out = new StringBuilder();
    appendText(out, value);
    return out.toString();
  }

  /** What an output tag prints: nil prints nothing, a list its items run together (Liquid), an object its JSON. */
  static void appendText(StringBuilder out, Object value) {
    if (value instanceof String s) {
      out.append(s);
    } else if (value == null) {
      return;
    } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      out.append(((Number) value).longValue());
    } else if (value instanceof Double || value instanceof Float) {
      out.append(numberText(((Number) value).doubleValue()));
    } else if (value instanceof BigDecimal d) {
      out.append(plain(d));
    } else if (value instanceof Boolean || value instanceof BigInteger) {
      out.append(value);
    } else if (unwrap(value) instanceof List<?> list) {
      list.forEach(item -> appendText(out, item));
    } else if (unwrap(value) instanceof Map<?, ?> map) {
      out.append(json(map));
    } else {
      out.append(value);
    }
  }

  @SuppressWarnings("unchecked")
  private static String json(Map<?, ?> map) {
    try {
      return new JsonObject((Map<String, Object>) map).encode();
    } catch (RuntimeException e) {
      return map.toString();
    }
  }

  /** 3.0 prints "3" and 49.9 prints "49.9": data from JSON often has whole numbers as doubles. */
  private static String numberText(double d) {
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return Double.toString(d);
    }
    return plain(BigDecimal.valueOf(d));
  }

  private static String plain(BigDecimal d) {
    return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
  }

  /** Liquid's truth: only nil and false are false (an empty string is true). */
  static boolean truthy(Object value) {
    return value != null && !Boolean.FALSE.equals(value);
  }

  /** Liquid's {@code empty}: an empty string, list or object. */
  static boolean isEmpty(Object value) {
    Object v = unwrap(value);
    return v instanceof String s && s.isEmpty() || v instanceof List<?> l && l.isEmpty()
        || v instanceof Map<?, ?> m && m.isEmpty();
  }

  /** What {@code default} replaces: nil, false, empty, or a string of only whitespace. */
  static boolean isBlank(Object value) {
    return value == null || Boolean.FALSE.equals(value) || value instanceof String s && s.isBlank() || isEmpty(value);
  }

  /** A number as Long (whole) or BigDecimal, from a Number or a numeric string; null when it is not one. */
  static Number number(Object value) {
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    BigDecimal d = decimal(value);
    if (d == null) {
      return null;
    }
    if (d.scale() <= 0 && d.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0) {
      return d.longValue();
    }
    return d;
  }

  /** The exact decimal of a Number or numeric string, or null (also for NaN and infinities). */
  static BigDecimal decimal(Object value) {
    try {
      if (value instanceof BigDecimal d) {
        return d;
      }
      if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
        return BigDecimal.valueOf(((Number) value).longValue());
      }
      if (value instanceof Double || value instanceof Float) {
        return BigDecimal.valueOf(((Number) value).doubleValue());
      }
      if (value instanceof BigInteger i) {
        return new BigDecimal(i);
      }
      if (value instanceof String s && !s.isBlank()) {
        return new BigDecimal(s.strip());
      }
    } catch (NumberFormatException e) {
      return null;
    }
    return null;
  }

  /** Liquid's {@code ==}: numbers by value (1 == 1.0), {@code empty}/{@code blank} by emptiness, else equality. */
  static boolean same(Object a, Object b) {
    if (b instanceof Emptiness e) {
      return e.matches(a);
    }
    if (a instanceof Emptiness e) {
      return e.matches(b);
    }
    if (a instanceof Number && b instanceof Number) {
      BigDecimal x = decimal(a);
      BigDecimal y = decimal(b);
      return x != null && y != null ? x.compareTo(y) == 0 : a.equals(b);
    }
    return Objects.equals(unwrap(a), unwrap(b));
  }

  /** Order of two numbers or two strings; null when they cannot be ordered (Liquid would raise an error). */
  static Integer order(Object a, Object b) {
    if (a instanceof Number && b instanceof Number) {
      BigDecimal x = decimal(a);
      BigDecimal y = decimal(b);
      return x == null || y == null ? null : x.compareTo(y);
    }
    if (a instanceof String x && b instanceof String y) {
      return x.compareTo(y);
    }
    return null;
  }

  /** Liquid's {@code contains}: a substring of a string, an item of a list, a key of an object. */
  static boolean contains(Object container, Object item) {
    Object c = unwrap(container);
    if (item == null) {
      return false;
    }
    if (c instanceof String s) {
      return s.contains(text(item));
    }
    if (c instanceof List<?> list) {
      for (Object each : list) {
        if (same(each, item)) {
          return true;
        }
      }
      return false;
    }
    return c instanceof Map<?, ?> map && map.containsKey(text(item));
  }
}
