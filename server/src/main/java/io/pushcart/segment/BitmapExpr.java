package io.pushcart.segment;

import java.util.List;

/**
 * A set of subscribers as an expression over a site's audience bitmaps: what AudienceProgram
 * compiles a rule to, and AudienceScript writes out for audience.lua.
 */
sealed interface BitmapExpr {
  record Bits(String key) implements BitmapExpr {
  }

  record None() implements BitmapExpr {
  }

  record And(List<BitmapExpr> parts) implements BitmapExpr {
  }

  record Or(List<BitmapExpr> parts) implements BitmapExpr {
  }

  record Minus(BitmapExpr from, BitmapExpr without) implements BitmapExpr {
  }

  /**
   * Subscribers whose bit-sliced value (a time field's hour, or orderCount's bucket) compares to
   * {@code value} by {@code mode} (gt, gte, eq, lt, lte); {@code slices} the presence bitmap then
   * the slices, bit 0 first.
   */
  record Range(List<String> slices, long value, String mode) implements BitmapExpr {
  }

  /**
   * A custom attribute test audience.lua decides when it runs, by whether the site indexes that
   * attribute (and value): {@code op} and its arguments, each a literal String or a {@link Key};
   * when the index cannot say, it yields its {@code fallback} argument (nobody for a sure bound,
   * everybody for a maybe bound).
   */
  record Attr(String op, List<Object> args) implements BitmapExpr {
  }

  /** A key an {@link Attr} reads: given to the script, named in the program by its index. */
  record Key(String name) {
  }
}
