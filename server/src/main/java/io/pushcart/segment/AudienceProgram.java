package io.pushcart.segment;

import io.pushcart.redis.Keys;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A rule compiled for audience.lua: two bitmap expressions over the site's audience bitmaps,
 * {@link #sure} (certainly in the audience) and {@link #maybe} (a superset of it). Tags, browser,
 * os, deviceType, country and timezone are exact; time fields are exact but for the hour of
 * the boundary (the bitmaps hold hours); other leaves (custom attributes, locale, strings
 * compared by prefix...) bound nothing, and their members are checked with {@link Rule#matches}
 * by the caller. When {@link #exact}, sure and maybe are one set and no member needs checking.
 */
public final class AudienceProgram {
  private static final Set<Field.Builtin> BY_VALUE = Set.of(Field.Builtin.BROWSER, Field.Builtin.OS,
      Field.Builtin.DEVICE_TYPE, Field.Builtin.COUNTRY);
  private static final Set<Field.Builtin> TIMES = Set.of(Field.Builtin.SUBSCRIBED_AT, Field.Builtin.LAST_SEEN_AT,
      Field.Builtin.LAST_DELIVERED_AT, Field.Builtin.LAST_CLICKED_AT, Field.Builtin.LAST_CART_AT, Field.Builtin.LAST_ORDER_AT,
      Field.Builtin.LAST_VIEWED_PRODUCT_AT);

  /** A set of subscribers, as a bitmap expression. */
  sealed interface Expr {
  }

  record Bits(String key) implements Expr {
  }

  record None() implements Expr {
  }

  record And(List<Expr> parts) implements Expr {
  }

  record Or(List<Expr> parts) implements Expr {
  }

  record Minus(Expr from, Expr without) implements Expr {
  }

  /**
   * Subscribers whose bit-sliced value (a time field's hour, or orderCount's bucket) compares to
   * {@code value} by {@code mode} (gt, gte, eq, lt, lte); {@code slices} the presence bitmap then
   * the slices, bit 0 first.
   */
  record Range(List<String> slices, long value, String mode) implements Expr {
  }

  /**
   * A custom attribute test audience.lua decides when it runs, by whether the site indexes that
   * attribute (and value): {@code op} and its arguments, each a literal String or a {@link Key};
   * when the index cannot say, it yields its {@code fallback} argument (nobody for a sure bound,
   * everybody for a maybe bound).
   */
  record Attr(String op, List<Object> args) implements Expr {
  }

  /** A key an {@link Attr} reads: given to the script, named in the program by its index. */
  record Key(String name) {
  }

  private static final Expr NONE = new None();

  private final String site;
  private final Expr all;
  private final Expr sure;
  private final Expr maybe;

  private AudienceProgram(String site, Expr sure, Expr maybe) {
    this.site = site;
    this.all = new Bits(Bitmaps.all(site));
    this.sure = sure;
    this.maybe = maybe;
  }

  /** The program for {@code rule} at {@code now}; {@code zones}, when not null, keeps only subscribers in those time zones. */
  public static AudienceProgram compile(String site, Rule rule, Instant now, List<String> zones) {
    AudienceProgram empty = new AudienceProgram(site, NONE, NONE);
    Expr[] bounds = empty.bounds(rule, now);
    if (zones != null) {
      Expr in = empty.or(zones.stream().<Expr>map(z -> new Bits(Bitmaps.zone(site, z))).toList());
      return new AudienceProgram(site, empty.and(List.of(bounds[0], in)), empty.and(List.of(bounds[1], in)));
    }
    return new AudienceProgram(site, bounds[0], bounds[1]);
  }

  /** True when every member of {@code maybe} is in the audience: nothing to check member by member. */
  public boolean exact() {
    return sure.equals(maybe);
  }

  /** {sure, maybe} of a rule. */
  private Expr[] bounds(Rule rule, Instant now) {
    if (rule instanceof Rule.All a) {
      List<Expr[]> parts = a.rules().stream().map(r -> bounds(r, now)).toList();
      return new Expr[] {and(parts.stream().map(p -> p[0]).toList()), and(parts.stream().map(p -> p[1]).toList())};
    }
    if (rule instanceof Rule.Any a) {
      List<Expr[]> parts = a.rules().stream().map(r -> bounds(r, now)).toList();
      return new Expr[] {or(parts.stream().map(p -> p[0]).toList()), or(parts.stream().map(p -> p[1]).toList())};
    }
    if (rule instanceof Rule.Not n) {
      Expr[] inner = bounds(n.rule(), now);
      return new Expr[] {minus(all, inner[1]), minus(all, inner[0])};
    }
    if (rule instanceof Rule.HasTag t) {
      return same(new Bits(Bitmaps.tag(site, t.tag())));
    }
    return compare((Rule.Compare) rule, now);
  }

  private Expr[] compare(Rule.Compare c, Instant now) {
    if (c.field() instanceof Field.Builtin b && BY_VALUE.contains(b) && c.type() == Field.Type.STRING) {
      String name = b.path();
      return switch (c.op()) {
        case EQ -> same(new Bits(Bitmaps.value(site, name, (String) c.value())));
        case NE -> same(minus(all, new Bits(Bitmaps.value(site, name, (String) c.value()))));
        case IN -> same(values(name, c.value()));
        case NIN -> same(minus(all, values(name, c.value())));
        case EXISTS -> same(new Bits(Bitmaps.has(site, name)));
        case NOT_EXISTS -> same(minus(all, new Bits(Bitmaps.has(site, name))));
        default -> unknown();
      };
    }
    if (c.field() == Field.Builtin.TIMEZONE && c.type() == Field.Type.STRING && !"".equals(c.value())) {
      return switch (c.op()) {
        case EQ -> same(new Bits(Bitmaps.zone(site, (String) c.value())));
        case NE -> same(minus(all, new Bits(Bitmaps.zone(site, (String) c.value()))));
        default -> unknown();
      };
    }
    if (c.field() instanceof Field.Builtin b && TIMES.contains(b) && c.type() == Field.Type.TIME) {
      return time(b.path(), c, now);
    }
    if (c.field() == Field.Builtin.ORDER_COUNT && c.type() == Field.Type.NUMBER) {
      return orderCount(c);
    }
    if (c.field() instanceof Field.Attribute a) {
      return attribute(a.key(), c);
    }
    if (c.field() == Field.Builtin.LOCALE || c.field() == Field.Builtin.CUSTOMER_ID) {
      return attribute(c.field().path(), c); // both kept as attributes
    }
    return unknown();
  }

  /** A custom attribute: as exact as the site's attribute indexes are when the program runs. */
  private Expr[] attribute(String key, Rule.Compare c) {
    if (key.equals("timezone")) {
      return unknown(); // indexed as zones, not as an attribute
    }
    if (key.equals("customerId") && c.op() != Rule.Op.EXISTS && c.op() != Rule.Op.NOT_EXISTS) {
      return unknown(); // its values have no bitmaps: an erased customer's id must not stay in a key name
    }
    return switch (c.type()) {
      case ANY -> switch (c.op()) {
        case EXISTS -> has(Bitmaps.attributeHas(site, key), key);
        case NOT_EXISTS -> not(has(Bitmaps.attributeHas(site, key), key));
        default -> unknown();
      };
      case STRING, BOOLEAN -> switch (c.op()) {
        case EQ -> value(key, c.value());
        case NE -> not(value(key, c.value()));
        case IN -> anyOf(((List<?>) c.value()).stream().map(v -> value(key, v)).toList());
        case NIN -> not(anyOf(((List<?>) c.value()).stream().map(v -> value(key, v)).toList()));
        case EXISTS -> c.type() == Field.Type.STRING ? has(Bitmaps.stringHas(site, key), key) : unknown();
        case NOT_EXISTS -> c.type() == Field.Type.STRING ? not(has(Bitmaps.stringHas(site, key), key)) : unknown();
        default -> unknown();
      };
      case NUMBER -> switch (c.op()) {
        case GT, GTE -> number(key, (Double) c.value(), "gt", "gte");
        case LT, LTE -> number(key, (Double) c.value(), "lt", "lte");
        case EQ -> numberEquals(key, (Double) c.value());
        case NE -> not(numberEquals(key, (Double) c.value()));
        case IN -> anyOf(((List<?>) c.value()).stream().map(v -> numberEquals(key, (Double) v)).toList());
        case NIN -> not(anyOf(((List<?>) c.value()).stream().map(v -> numberEquals(key, (Double) v)).toList()));
        default -> unknown();
      };
      default -> unknown();
    };
  }

  /** {sure, maybe} of an attribute test: the same op, falling back to nobody and to everybody. */
  private Expr[] attr(String op, List<Object> args) {
    List<Object> sure = new ArrayList<>(args);
    sure.add("0");
    List<Object> maybe = new ArrayList<>(args);
    maybe.add(new Key(Bitmaps.all(site)));
    return new Expr[] {new Attr(op, List.copyOf(sure)), new Attr(op, List.copyOf(maybe))};
  }

  private Key registry() {
    return new Key(Keys.site(site, Keys.Part.ATTRIBUTE_INDEX));
  }

  private Expr[] has(String bitmap, String key) {
    return attr("ahas", List.of(registry(), key, new Key(bitmap)));
  }

  private Expr[] value(String key, Object value) {
    if (value instanceof Boolean b) {
      return attr("aval", List.of(registry(), key, "0", b.toString(), new Key(Bitmaps.booleanValue(site, key, b))));
    }
    String v = (String) value;
    return attr("aval", List.of(registry(), key, new Key(Keys.attributeValues(site, key)), v,
        new Key(Bitmaps.stringValue(site, key, v))));
  }

  /** Numbers compared by bucket: exact but for the value's own bucket. */
  private Expr[] number(String key, double value, String sureMode, String maybeMode) {
    List<String> slices = Bitmaps.number(site, key);
    String bucket = String.valueOf(NumberBuckets.of(value));
    Expr sure = attr("anum", List.of(registry(), key, new Key(slices.get(0)), new Key(slices.get(1)), bucket, sureMode))[0];
    Expr maybe = attr("anum", List.of(registry(), key, new Key(slices.get(0)), new Key(slices.get(1)), bucket, maybeMode))[1];
    return new Expr[] {sure, maybe};
  }

  private Expr[] numberEquals(String key, double value) {
    return new Expr[] {NONE, number(key, value, "eq", "eq")[1]};
  }

  private Expr[] not(Expr[] inner) {
    return new Expr[] {minus(all, inner[1]), minus(all, inner[0])};
  }

  private Expr[] anyOf(List<Expr[]> parts) {
    return new Expr[] {or(parts.stream().map(p -> p[0]).toList()), or(parts.stream().map(p -> p[1]).toList())};
  }

  /** A time field: exact but for the members in the boundary's hour. Stored times are the server's own (1970 to 2089). */
  private Expr[] time(String field, Rule.Compare c, Instant now) {
    Expr has = new Bits(Bitmaps.has(site, field));
    Instant at = switch (c.op()) {
      case WITHIN_LAST, NOT_WITHIN_LAST -> now.minus((Duration) c.value());
      case EXISTS, NOT_EXISTS -> now;
      default -> c.value() instanceof Instant i ? i : null;
    };
    if (at == null) {
      return unknown();
    }
    long hour = Math.max(0, Math.min(Bitmaps.MAX_HOUR, Math.floorDiv(at.getEpochSecond(), 3600)));
    List<String> slices = Bitmaps.time(site, field);
    return switch (c.op()) {
      case EXISTS -> same(has);
      case NOT_EXISTS -> same(minus(all, has));
      case WITHIN_LAST, GTE, GT, AFTER -> new Expr[] {new Range(slices, hour, "gt"), new Range(slices, hour, "gte")};
      case BEFORE, LT, LTE -> new Expr[] {new Range(slices, hour, "lt"), new Range(slices, hour, "lte")};
      case NOT_WITHIN_LAST -> new Expr[] {or(List.of(minus(all, has), new Range(slices, hour, "lt"))),
          or(List.of(minus(all, has), new Range(slices, hour, "lte")))};
      case EQ -> new Expr[] {NONE, new Range(slices, hour, "eq")};
      case NE -> new Expr[] {minus(all, new Range(slices, hour, "eq")), all};
      default -> unknown();
    };
  }

  /** orderCount, bucketed like a numeric attribute but always indexed. */
  private Expr[] orderCount(Rule.Compare c) {
    List<String> slices = Bitmaps.builtinNumber(site, Field.Builtin.ORDER_COUNT.path());
    Expr has = new Bits(slices.get(0));
    return switch (c.op()) {
      case GT, GTE -> new Expr[] {new Range(slices, NumberBuckets.of((Double) c.value()), "gt"),
          new Range(slices, NumberBuckets.of((Double) c.value()), "gte")};
      case LT, LTE -> new Expr[] {new Range(slices, NumberBuckets.of((Double) c.value()), "lt"),
          new Range(slices, NumberBuckets.of((Double) c.value()), "lte")};
      case EQ -> new Expr[] {NONE, new Range(slices, NumberBuckets.of((Double) c.value()), "eq")};
      case NE -> new Expr[] {minus(all, new Range(slices, NumberBuckets.of((Double) c.value()), "eq")), all};
      case IN -> anyOf(((List<?>) c.value()).stream().map(v -> new Expr[] {NONE,
          (Expr) new Range(slices, NumberBuckets.of((Double) v), "eq")}).toList());
      case NIN -> not(anyOf(((List<?>) c.value()).stream().map(v -> new Expr[] {NONE,
          (Expr) new Range(slices, NumberBuckets.of((Double) v), "eq")}).toList()));
      case EXISTS -> same(has);
      case NOT_EXISTS -> same(minus(all, has));
      default -> unknown();
    };
  }

  private Expr values(String field, Object list) {
    return or(((List<?>) list).stream().<Expr>map(v -> new Bits(Bitmaps.value(site, field, (String) v))).toList());
  }

  private static Expr[] same(Expr e) {
    return new Expr[] {e, e};
  }

  /** A leaf the bitmaps cannot answer: nobody for sure, anybody maybe. */
  private Expr[] unknown() {
    return new Expr[] {NONE, all};
  }

  private Expr and(List<Expr> parts) {
    List<Expr> kept = new ArrayList<>();
    for (Expr p : parts) {
      if (p instanceof None) {
        return NONE;
      }
      List<Expr> flat = p instanceof And a ? a.parts() : List.of(p);
      flat.stream().filter(e -> !e.equals(all) && !kept.contains(e)).forEach(kept::add);
    }
    return kept.isEmpty() ? all : kept.size() == 1 ? kept.get(0) : new And(List.copyOf(kept));
  }

  private Expr or(List<Expr> parts) {
    List<Expr> kept = new ArrayList<>();
    for (Expr p : parts) {
      if (p.equals(all)) {
        return all;
      }
      List<Expr> flat = p instanceof Or o ? o.parts() : List.of(p);
      flat.stream().filter(e -> !(e instanceof None) && !kept.contains(e)).forEach(kept::add);
    }
    return kept.isEmpty() ? NONE : kept.size() == 1 ? kept.get(0) : new Or(List.copyOf(kept));
  }

  private Expr minus(Expr from, Expr without) {
    if (without instanceof None || from instanceof None) {
      return from;
    }
    if (without.equals(all) || from.equals(without)) {
      return NONE;
    }
    return new Minus(from, without);
  }

  /** The script's keys after the id table and the scratch keys, and its program tokens. */
  public record Script(List<String> keys, List<String> tokens, int scratch) {
  }

  /** Postfix tokens for audience.lua; key indexes count from the first read key at {@code 2 + scratch}. */
  public Script script() {
    Map<String, Integer> keys = new LinkedHashMap<>();
    List<Object> tokens = new ArrayList<>(); // String, or a key (Bits) resolved once scratch is known
    int[] height = {0, 0};
    emit(sure, keys, tokens, height);
    emit(maybe, keys, tokens, height);
    int scratch = Math.max(4, height[1] + 3);
    int base = 2 + scratch;
    List<String> out = new ArrayList<>(tokens.size());
    for (Object t : tokens) {
      out.add(t instanceof Integer i ? String.valueOf(base + i) : (String) t);
    }
    return new Script(List.copyOf(keys.keySet()), out, scratch);
  }

  private static int key(String name, Map<String, Integer> keys) {
    return keys.computeIfAbsent(name, k -> keys.size());
  }

  /** Appends e's tokens; height[0] the stack height, height[1] the most it reached. */
  private void emit(Expr e, Map<String, Integer> keys, List<Object> tokens, int[] height) {
    if (e instanceof Bits b) {
      tokens.add("k");
      tokens.add(key(b.key(), keys));
      push(height, 1);
    } else if (e instanceof None) {
      tokens.add("none");
      push(height, 1);
    } else if (e instanceof And || e instanceof Or) {
      List<Expr> parts = e instanceof And a ? a.parts() : ((Or) e).parts();
      parts.forEach(p -> emit(p, keys, tokens, height));
      tokens.add(e instanceof And ? "and" : "or");
      tokens.add(String.valueOf(parts.size()));
      push(height, 1 - parts.size());
    } else if (e instanceof Minus m) {
      emit(m.from(), keys, tokens, height);
      emit(m.without(), keys, tokens, height);
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

  @Override
  public boolean equals(Object o) {
    return o instanceof AudienceProgram p && p.sure.equals(sure) && p.maybe.equals(maybe);
  }

  @Override
  public int hashCode() {
    return Objects.hash(sure, maybe);
  }
}
