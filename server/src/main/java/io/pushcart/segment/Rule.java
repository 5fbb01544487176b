package io.pushcart.segment;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A segment's rule (MARKETING.md §2): a tree of {@code all}, {@code any} and {@code not} nodes
 * over leaves that test a tag or compare a field. Built only by {@link RuleParser}, which has
 * checked every value against its field's type, so evaluation never meets a bad one.
 *
 * <p>A field a subscriber does not have satisfies only the leaves that ask for its absence:
 * {@code notExists}, {@code ne}, {@code nin} and {@code notWithinLast} ("did not click in 30
 * days" includes those who never clicked).
 */
public sealed interface Rule {
  /** True when the subscriber belongs to the segment at {@code now}. */
  boolean matches(Subscriber subscriber, Instant now);

  /** Every child matches. */
  record All(List<Rule> rules) implements Rule {
    @Override
    public boolean matches(Subscriber s, Instant now) {
      return rules.stream().allMatch(r -> r.matches(s, now));
    }
  }

  /** At least one child matches. */
  record Any(List<Rule> rules) implements Rule {
    @Override
    public boolean matches(Subscriber s, Instant now) {
      return rules.stream().anyMatch(r -> r.matches(s, now));
    }
  }

  /** The child does not match. */
  record Not(Rule rule) implements Rule {
    @Override
    public boolean matches(Subscriber s, Instant now) {
      return !rule.matches(s, now);
    }
  }

  /** The subscriber carries the tag. */
  record HasTag(String tag) implements Rule {
    @Override
    public boolean matches(Subscriber s, Instant now) {
      return s.tags().contains(tag);
    }
  }

  /** The operators of a field leaf. */
  enum Op {
    EQ("eq"), NE("ne"), GT("gt"), GTE("gte"), LT("lt"), LTE("lte"), IN("in"), NIN("nin"), EXISTS("exists"),
    NOT_EXISTS("notExists"), STARTS_WITH("startsWith"), CONTAINS("contains"), BEFORE("before"), AFTER("after"),
    WITHIN_LAST("withinLast"), NOT_WITHIN_LAST("notWithinLast");

    final String wire;

    Op(String wire) {
      this.wire = wire;
    }

    /** The operators that hold for a subscriber without the field. */
    private static final Set<Op> HOLD_WHEN_ABSENT = Set.of(NOT_EXISTS, NE, NIN, NOT_WITHIN_LAST);
  }

  /**
   * Compares a field. {@code value} is, by operator: a String, a Double, a Boolean or an
   * Instant (as the field's type); a List of those ({@code in}, {@code nin}); a Duration
   * ({@code withinLast}, {@code notWithinLast}); null ({@code exists}, {@code notExists}).
   */
  record Compare(Field field, Op op, Field.Type type, Object value) implements Rule {
    @Override
    public boolean matches(Subscriber s, Instant now) {
      Object actual = Values.as(s.field(field), type);
      if (actual == null) {
        return Op.HOLD_WHEN_ABSENT.contains(op);
      }
      return switch (op) {
        case EXISTS -> true;
        case NOT_EXISTS -> false;
        case EQ -> Values.compare(actual, value) == 0;
        case NE -> Values.compare(actual, value) != 0;
        case GT, AFTER -> Values.compare(actual, value) > 0;
        case GTE -> Values.compare(actual, value) >= 0;
        case LT, BEFORE -> Values.compare(actual, value) < 0;
        case LTE -> Values.compare(actual, value) <= 0;
        case IN -> ((List<?>) value).stream().anyMatch(v -> Values.compare(actual, v) == 0);
        case NIN -> ((List<?>) value).stream().noneMatch(v -> Values.compare(actual, v) == 0);
        case STARTS_WITH -> ((String) actual).startsWith((String) value);
        case CONTAINS -> ((String) actual).contains((String) value);
        case WITHIN_LAST -> !((Instant) actual).isBefore(now.minus((Duration) value));
        case NOT_WITHIN_LAST -> ((Instant) actual).isBefore(now.minus((Duration) value));
      };
    }
  }

  /** What a rule reads of a subscriber. */
  interface Subscriber {
    Set<String> tags();

    /** The field's stored value (a String, Number or Boolean), or null when it has none. */
    Object field(Field field);
  }
}
