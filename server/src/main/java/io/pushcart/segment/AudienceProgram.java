package io.pushcart.segment;

import io.pushcart.segment.BitmapExpr.And;
import io.pushcart.segment.BitmapExpr.Attr;
import io.pushcart.segment.BitmapExpr.Bits;
import io.pushcart.segment.BitmapExpr.Key;
import io.pushcart.segment.BitmapExpr.Minus;
import io.pushcart.segment.BitmapExpr.None;
import io.pushcart.segment.BitmapExpr.Or;
import io.pushcart.segment.BitmapExpr.Range;
import io.pushcart.redis.Keys;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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

  private static final BitmapExpr NONE = new None();

  private final String site;
  private final BitmapExpr all;
  private final BitmapExpr sure;
  private final BitmapExpr maybe;

  private AudienceProgram(String site, BitmapExpr sure, BitmapExpr maybe) {
    this.site = site;
    this.all = new Bits(Bitmaps.all(site));
    this.sure = sure;
    this.maybe = maybe;
  }

  /** The program for {@code rule} at {@code now}; {@code zones}, when not null, keeps only subscribers in those time zones. */
  public static AudienceProgram compile(String site, Rule rule, Instant now, List<String> zones) {
    AudienceProgram empty = new AudienceProgram(site, NONE, NONE);
    BitmapExpr[] bounds = empty.bounds(rule, now);
    if (zones != null) {
      BitmapExpr in = empty.or(zones.stream().<BitmapExpr>map(z -> new Bits(Bitmaps.zone(site, z))).toList());
      return new AudienceProgram(site, empty.and(List.of(bounds[0], in)), empty.and(List.of(bounds[1], in)));
    }
    return new AudienceProgram(site, bounds[0], bounds[1]);
  }

  /** True when every member of {@code maybe} is in the audience: nothing to check member by member. */
  public boolean exact() {
    return sure.equals(maybe);
  }

  /** {sure, maybe} of a rule. */
  private BitmapExpr[] bounds(Rule rule, Instant now) {
    if (rule instanceof Rule.All a) {
      List<BitmapExpr[]> parts = a.rules().stream().map(r -> bounds(r, now)).toList();
      return new BitmapExpr[] {and(parts.stream().map(p -> p[0]).toList()), and(parts.stream().map(p -> p[1]).toList())};
    }
    if (rule instanceof Rule.Any a) {
      List<BitmapExpr[]> parts = a.rules().stream().map(r -> bounds(r, now)).toList();
      return new BitmapExpr[] {or(parts.stream().map(p -> p[0]).toList()), or(parts.stream().map(p -> p[1]).toList())};
    }
    if (rule instanceof Rule.Not n) {
      BitmapExpr[] inner = bounds(n.rule(), now);
      return new BitmapExpr[] {minus(all, inner[1]), minus(all, inner[0])};
    }
    if (rule instanceof Rule.HasTag t) {
      return same(new Bits(Bitmaps.tag(site, t.tag())));
    }
    return compare((Rule.Compare) rule, now);
  }

  private BitmapExpr[] compare(Rule.Compare c, Instant now) {
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
  private BitmapExpr[] attribute(String key, Rule.Compare c) {
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
  private BitmapExpr[] attr(String op, List<Object> args) {
    List<Object> sure = new ArrayList<>(args);
    sure.add("0");
    List<Object> maybe = new ArrayList<>(args);
    maybe.add(new Key(Bitmaps.all(site)));
    return new BitmapExpr[] {new Attr(op, List.copyOf(sure)), new Attr(op, List.copyOf(maybe))};
  }

  private Key registry() {
    return new Key(Keys.site(site, Keys.Part.ATTRIBUTE_INDEX));
  }

  private BitmapExpr[] has(String bitmap, String key) {
    return attr("ahas", List.of(registry(), key, new Key(bitmap)));
  }

  private BitmapExpr[] value(String key, Object value) {
    if (value instanceof Boolean b) {
      return attr("aval", List.of(registry(), key, "0", b.toString(), new Key(Bitmaps.booleanValue(site, key, b))));
    }
    String v = (String) value;
    return attr("aval", List.of(registry(), key, new Key(Keys.attributeValues(site, key)), v,
        new Key(Bitmaps.stringValue(site, key, v))));
  }

  /** Numbers compared by bucket: exact but for the value's own bucket. */
  private BitmapExpr[] number(String key, double value, String sureMode, String maybeMode) {
    List<String> slices = Bitmaps.number(site, key);
    String bucket = String.valueOf(NumberBuckets.of(value));
    BitmapExpr sure = attr("anum", List.of(registry(), key, new Key(slices.get(0)), new Key(slices.get(1)), bucket, sureMode))[0];
    BitmapExpr maybe = attr("anum", List.of(registry(), key, new Key(slices.get(0)), new Key(slices.get(1)), bucket, maybeMode))[1];
    return new BitmapExpr[] {sure, maybe};
  }

  private BitmapExpr[] numberEquals(String key, double value) {
    return new BitmapExpr[] {NONE, number(key, value, "eq", "eq")[1]};
  }

  private BitmapExpr[] not(BitmapExpr[] inner) {
    return new BitmapExpr[] {minus(all, inner[1]), minus(all, inner[0])};
  }

  private BitmapExpr[] anyOf(List<BitmapExpr[]> parts) {
    return new BitmapExpr[] {or(parts.stream().map(p -> p[0]).toList()), or(parts.stream().map(p -> p[1]).toList())};
  }

  /** A time field: exact but for the members in the boundary's hour. Stored times are the server's own (1970 to 2089). */
  private BitmapExpr[] time(String field, Rule.Compare c, Instant now) {
    BitmapExpr has = new Bits(Bitmaps.has(site, field));
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
      case WITHIN_LAST, GTE, GT, AFTER -> new BitmapExpr[] {new Range(slices, hour, "gt"), new Range(slices, hour, "gte")};
      case BEFORE, LT, LTE -> new BitmapExpr[] {new Range(slices, hour, "lt"), new Range(slices, hour, "lte")};
      case NOT_WITHIN_LAST -> new BitmapExpr[] {or(List.of(minus(all, has), new Range(slices, hour, "lt"))),
          or(List.of(minus(all, has), new Range(slices, hour, "lte")))};
      case EQ -> new BitmapExpr[] {NONE, new Range(slices, hour, "eq")};
      case NE -> new BitmapExpr[] {minus(all, new Range(slices, hour, "eq")), all};
      default -> unknown();
    };
  }

  /** orderCount, bucketed like a numeric attribute but always indexed. */
  private BitmapExpr[] orderCount(Rule.Compare c) {
    List<String> slices = Bitmaps.builtinNumber(site, Field.Builtin.ORDER_COUNT.path());
    BitmapExpr has = new Bits(slices.get(0));
    return switch (c.op()) {
      case GT, GTE -> new BitmapExpr[] {new Range(slices, NumberBuckets.of((Double) c.value()), "gt"),
          new Range(slices, NumberBuckets.of((Double) c.value()), "gte")};
      case LT, LTE -> new BitmapExpr[] {new Range(slices, NumberBuckets.of((Double) c.value()), "lt"),
          new Range(slices, NumberBuckets.of((Double) c.value()), "lte")};
      case EQ -> new BitmapExpr[] {NONE, new Range(slices, NumberBuckets.of((Double) c.value()), "eq")};
      case NE -> new BitmapExpr[] {minus(all, new Range(slices, NumberBuckets.of((Double) c.value()), "eq")), all};
      case IN -> anyOf(((List<?>) c.value()).stream().map(v -> new BitmapExpr[] {NONE,
          (BitmapExpr) new Range(slices, NumberBuckets.of((Double) v), "eq")}).toList());
      case NIN -> not(anyOf(((List<?>) c.value()).stream().map(v -> new BitmapExpr[] {NONE,
          (BitmapExpr) new Range(slices, NumberBuckets.of((Double) v), "eq")}).toList()));
      case EXISTS -> same(has);
      case NOT_EXISTS -> same(minus(all, has));
      default -> unknown();
    };
  }

  private BitmapExpr values(String field, Object list) {
    return or(((List<?>) list).stream().<BitmapExpr>map(v -> new Bits(Bitmaps.value(site, field, (String) v))).toList());
  }

  private static BitmapExpr[] same(BitmapExpr e) {
    return new BitmapExpr[] {e, e};
  }

  /** A leaf the bitmaps cannot answer: nobody for sure, anybody maybe. */
  private BitmapExpr[] unknown() {
    return new BitmapExpr[] {NONE, all};
  }

  private BitmapExpr and(List<BitmapExpr> parts) {
    List<BitmapExpr> kept = new ArrayList<>();
    for (BitmapExpr p : parts) {
      if (p instanceof None) {
        return NONE;
      }
      List<BitmapExpr> flat = p instanceof And a ? a.parts() : List.of(p);
      flat.stream().filter(e -> !e.equals(all) && !kept.contains(e)).forEach(kept::add);
    }
    return kept.isEmpty() ? all : kept.size() == 1 ? kept.get(0) : new And(List.copyOf(kept));
  }

  private BitmapExpr or(List<BitmapExpr> parts) {
    List<BitmapExpr> kept = new ArrayList<>();
    for (BitmapExpr p : parts) {
      if (p.equals(all)) {
        return all;
      }
      List<BitmapExpr> flat = p instanceof Or o ? o.parts() : List.of(p);
      flat.stream().filter(e -> !(e instanceof None) && !kept.contains(e)).forEach(kept::add);
    }
    return kept.isEmpty() ? NONE : kept.size() == 1 ? kept.get(0) : new Or(List.copyOf(kept));
  }

  private BitmapExpr minus(BitmapExpr from, BitmapExpr without) {
    if (without instanceof None || from instanceof None) {
      return from;
    }
    if (without.equals(all) || from.equals(without)) {
      return NONE;
    }
    return new Minus(from, without);
  }

  /** The program as audience.lua takes it. */
  public AudienceScript script() {
    return AudienceScript.of(site, sure, maybe);
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
