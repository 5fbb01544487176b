package io.pushcart.personalize;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BinaryOperator;
import java.util.function.LongBinaryOperator;
import java.util.stream.Collectors;

/**
 * The filters a merge field may use, with Liquid's names and meanings. A name not here is refused
 * when the template is saved. A filter receives null only in an output that also has
 * {@code default} (without it, a null value has already made the message missing).
 */
enum Filter {
  DEFAULT("default", 1, 1),
  MONEY("money", 0, 1),
  TRUNCATE("truncate", 0, 2),
  UPCASE("upcase", 0, 0),
  DOWNCASE("downcase", 0, 0),
  CAPITALIZE("capitalize", 0, 0),
  SIZE("size", 0, 0),
  FIRST("first", 0, 0),
  LAST("last", 0, 0),
  JOIN("join", 0, 1),
  PLUS("plus", 1, 1),
  MINUS("minus", 1, 1),
  TIMES("times", 1, 1),
  ROUND("round", 0, 1),
  APPEND("append", 1, 1),
  PREPEND("prepend", 1, 1),
  URL_ENCODE("url_encode", 0, 0);

  /** Liquid's default length for {@code truncate} without an argument. */
  private static final int TRUNCATE_LENGTH = 50;

  final String liquidName;
  final int minArgs;
  final int maxArgs;

  /** One use of a filter in an output; {@code subject} is the output's value as written, for Missing. */
  record Call(Filter filter, Expression[] args, String subject) {
    Object apply(Object input, RenderState s) {
      return filter.apply(input, args, subject, s);
    }
  }

  Filter(String liquidName, int minArgs, int maxArgs) {
    this.liquidName = liquidName;
    this.minArgs = minArgs;
    this.maxArgs = maxArgs;
  }

  static Filter named(String name) {
    for (Filter f : values()) {
      if (f.liquidName.equals(name)) {
        return f;
      }
    }
    return null;
  }

  static String names() {
    return Arrays.stream(values()).map(f -> f.liquidName).collect(Collectors.joining(", "));
  }

  /** What is wrong with a literal argument, checked when the template is saved; null when it is fine. */
  String refuse(int index, Object literal) {
    return switch (this) {
      case MONEY -> literal instanceof String code && MoneyFormat.isCurrencyCode(code) ? null
          : "money takes an ISO 4217 currency code such as \"EUR\"";
      case TRUNCATE -> index == 0 ? wholeOrNull(literal, "truncate takes a length in characters, such as truncate: 20")
          : literal instanceof String ? null : "truncate's second argument is the ellipsis text, such as \"…\"";
      case ROUND -> wholeOrNull(literal, "round takes a number of decimal places, such as round: 2");
      case PLUS, MINUS, TIMES -> Values.number(literal) != null ? null : liquidName + " takes a number";
      default -> null;
    };
  }

  private static String wholeOrNull(Object literal, String message) {
    return Values.number(literal) instanceof Long n && n >= 0 && n <= 10_000 ? null : message;
  }

  private Object apply(Object in, Expression[] args, String subject, RenderState s) {
    return switch (this) {
      case DEFAULT -> Values.isBlank(in) ? s.argument(args[0]) : in;
      case MONEY -> money(in, args, subject, s);
      case TRUNCATE -> in == null ? null : truncate(Values.text(in),
          args.length > 0 ? whole(s.argument(args[0]), TRUNCATE_LENGTH) : TRUNCATE_LENGTH,
          args.length > 1 ? Values.text(s.argument(args[1])) : "...");
      case UPCASE -> in == null ? null : Values.text(in).toUpperCase(s.locale());
      case DOWNCASE -> in == null ? null : Values.text(in).toLowerCase(s.locale());
      case CAPITALIZE -> in == null ? null : capitalize(Values.text(in), s.locale());
      case SIZE -> size(in);
      case FIRST -> end(in, true);
      case LAST -> end(in, false);
      case JOIN -> join(in, args.length > 0 ? Values.text(s.argument(args[0])) : " ");
      case PLUS -> arithmetic(in, s.argument(args[0]), Math::addExact, BigDecimal::add);
      case MINUS -> arithmetic(in, s.argument(args[0]), Math::subtractExact, BigDecimal::subtract);
      case TIMES -> arithmetic(in, s.argument(args[0]), Math::multiplyExact, BigDecimal::multiply);
      case ROUND -> round(in, args.length > 0 ? whole(s.argument(args[0]), 0) : 0);
      case APPEND -> Values.text(in) + Values.text(s.argument(args[0]));
      case PREPEND -> Values.text(s.argument(args[0])) + Values.text(in);
      case URL_ENCODE -> in == null ? null : URLEncoder.encode(Values.text(in), StandardCharsets.UTF_8);
    };
  }

  /**
   * The amount in the subscriber's locale. The currency is the argument's value, else the
   * context's default currency; with neither, or with a value that is not a currency code, the
   * message is missing (named by the argument's path, or "currency"), as it is for an amount that
   * is not a number: a price shown wrong is worse than no message.
   */
  private static Object money(Object in, Expression[] args, String subject, RenderState s) {
    if (in == null) {
      return null;
    }
    BigDecimal amount = Values.decimal(in);
    if (amount == null) {
      s.missing(subject);
      return null;
    }
    Object argument = args.length > 0 ? args[0].evaluate(s) : null;
    String currency = argument != null ? Values.text(argument) : s.currency;
    MoneyFormat format = currency == null ? null : MoneyFormat.of(s.locale(), currency);
    if (format == null) {
      boolean argumentAtFault = args.length > 0 && (argument != null || s.currency == null);
      s.missing(argumentAtFault ? args[0].source() : "currency");
      return null;
    }
    return format.format(amount);
  }

  /** Liquid's truncate: at most {@code length} characters, the ellipsis included. */
  static String truncate(String text, int length, String ellipsis) {
    if (text.codePointCount(0, text.length()) <= length) {
      return text;
    }
    int keep = Math.max(0, length - ellipsis.codePointCount(0, ellipsis.length()));
    return text.substring(0, text.offsetByCodePoints(0, keep)) + ellipsis;
  }

  private static String capitalize(String text, Locale locale) {
    if (text.isEmpty()) {
      return text;
    }
    int first = Character.charCount(text.codePointAt(0));
    return text.substring(0, first).toUpperCase(locale) + text.substring(first).toLowerCase(locale);
  }

  private static Object size(Object in) {
    Object v = Values.unwrap(in);
    if (v instanceof String s) {
      return s.codePointCount(0, s.length());
    }
    if (v instanceof List<?> l) {
      return l.size();
    }
    return v instanceof Map<?, ?> m ? m.size() : 0;
  }

  /** The first (or last) item of a list, or character of a string. */
  private static Object end(Object in, boolean first) {
    Object v = Values.unwrap(in);
    if (v instanceof List<?> l) {
      return l.isEmpty() ? null : l.get(first ? 0 : l.size() - 1);
    }
    if (v instanceof String s && !s.isEmpty()) {
      int at = first ? 0 : s.offsetByCodePoints(s.length(), -1);
      return s.substring(at, s.offsetByCodePoints(at, 1));
    }
    return null;
  }

  private static Object join(Object in, String separator) {
    if (!(Values.unwrap(in) instanceof List<?> list)) {
      return in;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < list.size(); i++) {
      if (i > 0) {
        out.append(separator);
      }
      Values.appendText(out, list.get(i));
    }
    return out.toString();
  }

  /** Whole numbers stay whole (Long); any decimal makes the result an exact decimal. Nil and text are 0, as in Liquid. */
  private static Number arithmetic(Object a, Object b, LongBinaryOperator whole, BinaryOperator<BigDecimal> exact) {
    Number x = orZero(Values.number(a));
    Number y = orZero(Values.number(b));
    if (x instanceof Long l && y instanceof Long r) {
      try {
        return whole.applyAsLong(l, r);
      } catch (ArithmeticException overflow) {
        // falls through to BigDecimal
      }
    }
    return exact.apply(Values.decimal(x), Values.decimal(y));
  }

  private static Number orZero(Number n) {
    return n == null ? Long.valueOf(0) : n;
  }

  /** Half away from zero, as Ruby rounds. */
  private static Number round(Object in, int places) {
    Number n = orZero(Values.number(in));
    if (n instanceof Long) {
      return n;
    }
    BigDecimal rounded = ((BigDecimal) n).setScale(places, RoundingMode.HALF_UP);
    return places == 0 ? Values.number(rounded) : rounded;
  }

  private static int whole(Object value, int fallback) {
    Number n = Values.number(value);
    return n == null ? fallback : (int) Math.max(0, Math.min(Integer.MAX_VALUE, n.longValue()));
  }
}
