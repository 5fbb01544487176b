package io.pushcart.personalize;

import java.util.List;

/**
 * A piece of a compiled string: text, a merge field, or a block. Parts are immutable; rendering
 * appends to a buffer and returns false as soon as a needed value is missing (the state names it).
 */
sealed interface Part {
  boolean render(RenderState s, StringBuilder out);

  static boolean renderAll(Part[] parts, RenderState s, StringBuilder out) {
    for (Part part : parts) {
      if (!part.render(s, out)) {
        return false;
      }
    }
    return true;
  }

  record Text(String text) implements Part {
    @Override
    public boolean render(RenderState s, StringBuilder out) {
      out.append(text);
      return true;
    }
  }

  /**
   * {@code {{ value | filter: arg }}}. A path that leads nowhere makes the message missing unless
   * the output has a {@code default} filter (anywhere in its chain: Liquid passes nil along).
   */
  record Output(Expression value, Filter.Call[] filters, boolean hasDefault) implements Part {
    @Override
    public boolean render(RenderState s, StringBuilder out) {
      Object v = value.evaluate(s);
      if (v == null && !hasDefault && value.isPath()) {
        s.missing(value.source());
        return false;
      }
      for (Filter.Call filter : filters) {
        v = filter.apply(v, s);
        if (s.failed()) {
          return false;
        }
      }
      Values.appendText(out, v);
      return true;
    }
  }

  record Branch(Condition condition, Part[] body) {
  }

  /** {@code if}/{@code elsif}/{@code else} (and {@code unless}): the first branch whose test holds. */
  record If(Branch[] branches, Part[] otherwise) implements Part {
    @Override
    public boolean render(RenderState s, StringBuilder out) {
      for (Branch branch : branches) {
        if (branch.condition().test(s)) {
          return renderAll(branch.body(), s, out);
        }
      }
      return renderAll(otherwise, s, out);
    }
  }

  /**
   * {@code for item in list offset: n limit: n reversed}; {@code else} renders when there is no
   * item. A missing list has no items; a single value is a list of one (Liquid).
   */
  record For(int depth, Expression collection, int offset, int limit, boolean reversed, Part[] body, Part[] otherwise)
      implements Part {
    @Override
    public boolean render(RenderState s, StringBuilder out) {
      Object c = Values.unwrap(collection.evaluate(s));
      List<?> items = c == null ? List.of() : c instanceof List<?> l ? l : List.of(c);
      int from = Math.min(offset, items.size());
      int to = (int) Math.min(items.size(), (long) from + limit);
      if (from >= to) {
        return renderAll(otherwise, s, out);
      }
      s.enterLoop(depth, to - from);
      for (int i = 0; i < to - from && s.spendIteration(); i++) {
        s.loopAt(depth, i, items.get(reversed ? to - 1 - i : from + i));
        if (!renderAll(body, s, out)) {
          return false;
        }
      }
      return true;
    }
  }
}
