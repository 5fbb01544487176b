package io.pushcart.personalize;

import java.util.List;

/**
 * A value in a template: a literal, or a path into the data. Evaluating never fails: a path that
 * leads nowhere is null, and the caller decides whether that makes the message "missing".
 */
sealed interface Expression {
  Object evaluate(RenderState s);

  /** The expression as written in the template ({@code cart.items[0].name}): what a Missing result names. */
  String source();

  /** True for a path into the data, false for a literal. */
  default boolean isPath() {
    return true;
  }

  record Literal(Object value, String source) implements Expression {
    @Override
    public Object evaluate(RenderState s) {
      return value;
    }

    @Override
    public boolean isPath() {
      return false;
    }
  }

  /**
   * A path from one of the context's roots ({@code subscriber}, {@code cart}, ...). Each step is a
   * String (a member: {@code .name}, {@code ["name"]}) or an Integer (an index: {@code [0]}),
   * resolved at compile time so rendering does no parsing.
   */
  record RootPath(String source, String root, Object[] steps) implements Expression {
    @Override
    public Object evaluate(RenderState s) {
      return follow(s.root(root), steps);
    }
  }

  /** A path from the item of an enclosing {@code for} loop, found by the loop's nesting depth. */
  record LoopPath(String source, int depth, Object[] steps) implements Expression {
    @Override
    public Object evaluate(RenderState s) {
      return follow(s.loopItem(depth), steps);
    }
  }

  /** {@code forloop.index} and its siblings, of the innermost loop. */
  record Forloop(String source, int depth, String property) implements Expression {
    static final List<String> PROPERTIES = List.of("index", "index0", "rindex", "rindex0", "first", "last", "length");

    @Override
    public Object evaluate(RenderState s) {
      return s.forloop(depth, property);
    }
  }

  private static Object follow(Object value, Object[] steps) {
    for (int i = 0; i < steps.length && value != null; i++) {
      value = steps[i] instanceof String key ? Values.member(value, key) : Values.element(value, (Integer) steps[i]);
    }
    return value;
  }
}
