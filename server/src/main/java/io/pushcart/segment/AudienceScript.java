package io.pushcart.segment;

import io.pushcart.segment.BitmapExpr.And;
import io.pushcart.segment.BitmapExpr.Attr;
import io.pushcart.segment.BitmapExpr.Bits;
import io.pushcart.segment.BitmapExpr.Key;
import io.pushcart.segment.BitmapExpr.Minus;
import io.pushcart.segment.BitmapExpr.None;
import io.pushcart.segment.BitmapExpr.Or;
import io.pushcart.segment.BitmapExpr.Range;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@link AudienceProgram} written out for audience.lua: the bitmaps it reads (after the id
 * table and {@code scratch} scratch keys), and the postfix program over them.
 */
public record AudienceScript(List<String> keys, List<String> tokens, int scratch) {
  /** Postfix tokens for audience.lua; key indexes count from the first read key at {@code 2 + scratch}. */
  static AudienceScript of(String site, BitmapExpr sure, BitmapExpr maybe) {
    Map<String, Integer> keys = new LinkedHashMap<>();
    List<Object> tokens = new ArrayList<>(); // String, or a key (Bits) resolved once scratch is known
    int[] height = {0, 0};
    emit(site, sure, keys, tokens, height);
    emit(site, maybe, keys, tokens, height);
    int scratch = Math.max(4, height[1] + 3);
    int base = 2 + scratch;
    List<String> out = new ArrayList<>(tokens.size());
    for (Object t : tokens) {
      out.add(t instanceof Integer i ? String.valueOf(base + i) : (String) t);
    }
    return new AudienceScript(List.copyOf(keys.keySet()), out, scratch);
  }

  private static int key(String name, Map<String, Integer> keys) {
    return keys.computeIfAbsent(name, k -> keys.size());
  }

  /** Appends e's tokens; height[0] the stack height, height[1] the most it reached. */
  private static void emit(String site, BitmapExpr e, Map<String, Integer> keys, List<Object> tokens, int[] height) {
    if (e instanceof Bits b) {
      tokens.add("k");
      tokens.add(key(b.key(), keys));
      push(height, 1);
    } else if (e instanceof None) {
      tokens.add("none");
      push(height, 1);
    } else if (e instanceof And || e instanceof Or) {
      List<BitmapExpr> parts = e instanceof And a ? a.parts() : ((Or) e).parts();
      parts.forEach(p -> emit(site, p, keys, tokens, height));
      tokens.add(e instanceof And ? "and" : "or");
      tokens.add(String.valueOf(parts.size()));
      push(height, 1 - parts.size());
    } else if (e instanceof Minus m) {
      emit(site, m.from(), keys, tokens, height);
      emit(site, m.without(), keys, tokens, height);
      tokens.add("minus");
      push(height, 1); // the spare it uses
      push(height, -2);
    } else if (e instanceof Attr a) {
      if (a.op().equals("anum")) {
        Bitmaps.number(site, (String) a.args().get(1)).forEach(k -> key(k, keys)); // the 24 slices enter together: consecutive
      }
      tokens.add(a.op());
      for (Object arg : a.args()) {
        if (arg instanceof Key k) {
          tokens.add(key(k.name(), keys));
        } else {
          tokens.add((String) arg);
        }
      }
      push(height, 3); // a range over a number's slices uses three scratch keys
      push(height, -2);
    } else {
      Range r = (Range) e;
      int has = key(r.slices().get(0), keys);
      r.slices().forEach(s -> key(s, keys)); // the slices enter together: consecutive
      tokens.add("range");
      tokens.add(has);
      tokens.add(key(r.slices().get(1), keys));
      tokens.add(String.valueOf(r.value()));
      tokens.add(r.mode());
      tokens.add(String.valueOf(r.slices().size() - 1));
      push(height, 3); // gt, eq and a spare
      push(height, -2);
    }
  }

  private static void push(int[] height, int by) {
    height[0] += by;
    height[1] = Math.max(height[1], height[0]);
  }
}
