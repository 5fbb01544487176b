package io.pushcart.personalize;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * Everything one render call may change: the loop variables, the first missing value, and a
 * reused buffer. A compiled template holds none of this, which is what makes it safe to render
 * from many threads at once.
 */
final class RenderState {
  /** Loops stop after this many iterations in one render (all loops together): the payload is at most 4 KiB anyway. */
  static final int MAX_ITERATIONS = 1000;

  final String currency;
  private final Map<String, Object> context;
  private final String localeTag;
  private Locale locale;
  private Object[] loopItems;
  private int[] loopIndex;
  private int[] loopLength;
  private int iterationsLeft = MAX_ITERATIONS;
  private String missing;
  final StringBuilder buffer = new StringBuilder(256);

  RenderState(Map<String, Object> context, String localeTag, String currency) {
    this.context = context;
    this.localeTag = localeTag;
    this.currency = currency;
  }

  Object root(String name) {
    return context.get(name);
  }

  /** Resolved on first use: most messages never format money or change case. */
  Locale locale() {
    if (locale == null) {
      locale = MoneyFormat.locale(localeTag);
    }
    return locale;
  }

  /** Records the first value the message needs and does not have; rendering then stops. */
  void missing(String path) {
    if (missing == null) {
      missing = path;
    }
  }

  String missing() {
    return missing;
  }

  boolean failed() {
    return missing != null;
  }

  /** A filter argument: a path argument that leads nowhere makes the message missing. */
  Object argument(Expression e) {
    Object value = e.evaluate(this);
    if (value == null && e.isPath()) {
      missing(e.source());
    }
    return value;
  }

  boolean spendIteration() {
    return iterationsLeft-- > 0;
  }

  void enterLoop(int depth, int length) {
    if (loopItems == null || loopItems.length <= depth) {
      int size = Math.max(depth + 1, 4);
      loopItems = loopItems == null ? new Object[size] : Arrays.copyOf(loopItems, size);
      loopIndex = loopIndex == null ? new int[size] : Arrays.copyOf(loopIndex, size);
      loopLength = loopLength == null ? new int[size] : Arrays.copyOf(loopLength, size);
    }
    loopLength[depth] = length;
  }

  void loopAt(int depth, int index, Object item) {
    loopIndex[depth] = index;
    loopItems[depth] = item;
  }

  Object loopItem(int depth) {
    return loopItems[depth];
  }

  Object forloop(int depth, String property) {
    int i = loopIndex[depth];
    int n = loopLength[depth];
    return switch (property) {
      case "index" -> i + 1;
      case "index0" -> i;
      case "rindex" -> n - i;
      case "rindex0" -> n - i - 1;
      case "first" -> i == 0;
      case "last" -> i == n - 1;
      case "length" -> n;
      default -> null;
    };
  }
}
