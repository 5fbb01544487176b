package io.pushcart.segment;

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
      Field.Builtin.LAST_DELIVERED_AT, Field.Builtin.LAST_CLICKED_AT);

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

  /** Subscribers whose time field's hour compares to {@code hour} by {@code mode} (gt, gte, eq, lt, lte). */
  record Range(String field, long hour, String mode) implements Expr {
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
    return unknown();
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
    return switch (c.op()) {
      case EXISTS -> same(has);
      case NOT_EXISTS -> same(minus(all, has));
      case WITHIN_LAST, GTE, GT, AFTER -> new Expr[] {new Range(field, hour, "gt"), new Range(field, hour, "gte")};
      case BEFORE, LT, LTE -> new Expr[] {new Range(field, hour, "lt"), new Range(field, hour, "lte")};
      case NOT_WITHIN_LAST -> new Expr[] {or(List.of(minus(all, has), new Range(field, hour, "lt"))),
          or(List.of(minus(all, has), new Range(field, hour, "lte")))};
      case EQ -> new Expr[] {NONE, new Range(field, hour, "eq")};
      case NE -> new Expr[] {minus(all, new Range(field, hour, "eq")), all};
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
    } else {
      Range r = (Range) e;
      List<String> slices = Bitmaps.time(site, r.field());
      int has = key(slices.get(0), keys);
      slices.forEach(s -> key(s, keys)); // the 20 slices enter together: consecutive
      tokens.add("range");
      tokens.add(has);
      tokens.add(key(slices.get(1), keys));
      tokens.add(String.valueOf(r.hour()));
      tokens.add(r.mode());
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
