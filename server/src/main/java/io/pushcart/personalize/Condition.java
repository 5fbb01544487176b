package io.pushcart.personalize;

/**
 * The test of an {@code if}, {@code elsif} or {@code unless}. A path that leads nowhere is nil here
 * (false), never "missing": a condition is how a template copes with data that may be absent.
 */
sealed interface Condition {
  boolean test(RenderState s);

  enum Operator {
    EQ("=="), NE("!="), LT("<"), GT(">"), LE("<="), GE(">="), CONTAINS("contains");

    final String symbol;

    Operator(String symbol) {
      this.symbol = symbol;
    }

    static Operator of(String symbol) {
      for (Operator o : values()) {
        if (o.symbol.equals(symbol)) {
          return o;
        }
      }
      return "<>".equals(symbol) ? NE : null;
    }
  }

  record Truthy(Expression value) implements Condition {
    @Override
    public boolean test(RenderState s) {
      return Values.truthy(value.evaluate(s));
    }
  }

  /** Numbers compare with numbers and strings with strings; any other ordering is false. */
  record Comparison(Expression left, Operator operator, Expression right) implements Condition {
    @Override
    public boolean test(RenderState s) {
      Object a = left.evaluate(s);
      Object b = right.evaluate(s);
      if (operator == Operator.EQ || operator == Operator.NE) {
        return Values.same(a, b) == (operator == Operator.EQ);
      }
      if (operator == Operator.CONTAINS) {
        return Values.contains(a, b);
      }
      Integer order = Values.order(a, b);
      return order != null && switch (operator) {
        case LT -> order < 0;
        case GT -> order > 0;
        case LE -> order <= 0;
        default -> order >= 0;
      };
    }
  }

  /** Liquid reads {@code a and b or c} from the right: {@code a and (b or c)}; the parser builds it so. */
  record And(Condition left, Condition right) implements Condition {
    @Override
    public boolean test(RenderState s) {
      return left.test(s) && right.test(s);
    }
  }

  record Or(Condition left, Condition right) implements Condition {
    @Override
    public boolean test(RenderState s) {
      return left.test(s) || right.test(s);
    }
  }

  record Not(Condition condition) implements Condition {
    @Override
    public boolean test(RenderState s) {
      return !condition.test(s);
    }
  }
}
