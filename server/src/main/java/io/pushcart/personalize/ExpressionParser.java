package io.pushcart.personalize;

import io.pushcart.personalize.Condition.Operator;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Parses the inside of one {@code {{ }}} or {@code {% %}}: values, paths, filters, conditions and
 * the {@code for} header. Each mistake is a {@link SyntaxError} that quotes the tag and says what to
 * write instead. Paths are checked here: a root must be one of {@link TemplateParser#ROOTS}, an
 * enclosing loop's variable, or {@code forloop} inside a loop.
 */
final class ExpressionParser {
  /** The header of a {@code for} tag. */
  record ForHeader(String variable, Expression collection, int offset, int limit, boolean reversed) {
  }

  private final String content;
  private final String tag;
  private final List<String> loops;
  private final Set<String> roots;
  private final List<Tokens.Token> tokens;
  private int next;

  /**
   * @param loops the variables of the enclosing loops, outermost first (index = nesting depth)
   * @param roots collects the context roots the template reads
   */
  ExpressionParser(String content, String tag, List<String> loops, Set<String> roots) {
    this.content = content;
    this.tag = tag;
    this.loops = loops;
    this.roots = roots;
    this.tokens = Tokens.of(content);
  }

  SyntaxError error(String message) {
    return new SyntaxError("in " + tag + ", " + message);
  }

  String tagName() {
    Tokens.Token t = take();
    if (t.kind() != Tokens.Kind.NAME) {
      throw error("a tag starts with its name, such as {% if cart.itemCount > 1 %}");
    }
    return t.text();
  }

  void expectEnd() {
    Tokens.Token t = peek();
    if (t.kind() != Tokens.Kind.END) {
      throw error("\"" + content.substring(t.start()).strip() + "\" is not expected here");
    }
  }

  /** {@code value | filter: arg, arg | filter}. */
  Part.Output output() {
    Expression value = value(false);
    List<Filter.Call> calls = new ArrayList<>();
    boolean hasDefault = false;
    while (peek().kind() == Tokens.Kind.PIPE) {
      take();
      Tokens.Token name = take();
      Filter filter = name.kind() == Tokens.Kind.NAME ? Filter.named(name.text()) : null;
      if (filter == null) {
        throw error("\"" + name.text() + "\" is not a filter; the filters are " + Filter.names());
      }
      List<Expression> args = new ArrayList<>();
      if (peek().kind() == Tokens.Kind.COLON) {
        take();
        args.add(value(false));
        while (peek().kind() == Tokens.Kind.COMMA) {
          take();
          args.add(value(false));
        }
      }
      checkArguments(filter, args);
      hasDefault |= filter == Filter.DEFAULT;
      calls.add(new Filter.Call(filter, args.toArray(new Expression[0]), value.source()));
    }
    if (peek().kind() != Tokens.Kind.END) {
      throw error("\"" + content.substring(peek().start()).strip()
          + "\" is not expected here; a merge field is a value followed by | filters, as in {{ cart.total | money }}");
    }
    return new Part.Output(value, calls.toArray(new Filter.Call[0]), hasDefault);
  }

  private void checkArguments(Filter filter, List<Expression> args) {
    if (args.size() < filter.minArgs || args.size() > filter.maxArgs) {
      String takes = filter.maxArgs == 0 ? "no argument"
          : filter.minArgs == filter.maxArgs ? filter.minArgs + " argument" + (filter.minArgs > 1 ? "s" : "")
          : filter.minArgs + " to " + filter.maxArgs + " arguments";
      String example = filter == Filter.DEFAULT ? ", as in default: \"there\"" : "";
      throw error(filter.liquidName + " takes " + takes + example);
    }
    for (int i = 0; i < args.size(); i++) {
      if (args.get(i) instanceof Expression.Literal literal) {
        String refusal = filter.refuse(i, literal.value());
        if (refusal != null) {
          throw error(refusal);
        }
      }
    }
  }

  /** {@code a == b and c or d}: Liquid has no precedence and reads from the right. */
  Condition condition() {
    Condition left = comparison();
    Tokens.Token t = peek();
    if (t.kind() == Tokens.Kind.NAME && (t.text().equals("and") || t.text().equals("or"))) {
      take();
      Condition right = condition();
      return t.text().equals("and") ? new Condition.And(left, right) : new Condition.Or(left, right);
    }
    return left;
  }

  private Condition comparison() {
    Expression left = value(true);
    Tokens.Token t = peek();
    Operator operator = t.kind() == Tokens.Kind.OPERATOR ? Operator.of(t.text())
        : t.kind() == Tokens.Kind.NAME && t.text().equals("contains") ? Operator.CONTAINS : null;
    if (operator == null) {
      return new Condition.Truthy(left);
    }
    take();
    return new Condition.Comparison(left, operator, value(true));
  }

  /** {@code item in cart.items offset: 1 limit: 3 reversed}; the variable is not in scope for its own list. */
  ForHeader forHeader() {
    Tokens.Token variable = take();
    if (variable.kind() != Tokens.Kind.NAME || TemplateParser.ROOTS.contains(variable.text()) || variable.text().equals("forloop")) {
      throw error("write {% for item in cart.items %}: the loop variable is a new name (not a root or forloop)");
    }
    Tokens.Token in = take();
    if (in.kind() != Tokens.Kind.NAME || !in.text().equals("in")) {
      throw error("write {% for " + variable.text() + " in cart.items %}");
    }
    Expression collection = value(false);
    if (!collection.isPath()) {
      throw error("a loop goes over a list in the data, such as cart.items");
    }
    int offset = 0;
    int limit = Integer.MAX_VALUE;
    boolean reversed = false;
    while (peek().kind() != Tokens.Kind.END) {
      Tokens.Token option = take();
      if (option.kind() == Tokens.Kind.NAME && option.text().equals("reversed")) {
        reversed = true;
      } else if (option.kind() == Tokens.Kind.NAME && (option.text().equals("limit") || option.text().equals("offset"))) {
        Number count = take().kind() == Tokens.Kind.COLON && peek().kind() == Tokens.Kind.NUMBER ? Values.number(take().text()) : null;
        if (!(count instanceof Long c) || c < 0 || c > Integer.MAX_VALUE) {
          throw error(option.text() + " takes a whole number, as in " + option.text() + ": 3");
        }
        if (option.text().equals("limit")) {
          limit = count.intValue();
        } else {
          offset = count.intValue();
        }
      } else {
        throw error("after the list, a loop takes only limit: n, offset: n and reversed");
      }
    }
    return new ForHeader(variable.text(), collection, offset, limit, reversed);
  }

  /** A literal or a path; {@code empty} and {@code blank} only in conditions. */
  private Expression value(boolean inCondition) {
    Tokens.Token t = take();
    switch (t.kind()) {
      case STRING:
        return literal(t.text(), t);
      case NUMBER:
        return literal(Values.number(t.text()), t);
      case NAME:
        if (peek().kind() != Tokens.Kind.DOT && peek().kind() != Tokens.Kind.OPEN) {
          switch (t.text()) {
            case "true":
              return literal(Boolean.TRUE, t);
            case "false":
              return literal(Boolean.FALSE, t);
            case "nil", "null":
              return literal(null, t);
            case "empty", "blank":
              if (!inCondition) {
                throw error(t.text() + " is only for comparisons, as in {% if cart.items == empty %}");
              }
              return literal(t.text().equals("empty") ? Values.Emptiness.EMPTY : Values.Emptiness.BLANK, t);
            default:
              break;
          }
        }
        return path(t);
      default:
        throw error(t.kind() == Tokens.Kind.END ? "a value is missing, such as cart.total or \"text\""
            : "\"" + t.text() + "\" is not a value; write a path such as cart.total, or \"text\", or a number");
    }
  }

  private Expression literal(Object value, Tokens.Token t) {
    return new Expression.Literal(value, content.substring(t.start(), t.end()));
  }

  private Expression path(Tokens.Token root) {
    List<Object> steps = new ArrayList<>();
    int end = root.end();
    while (peek().kind() == Tokens.Kind.DOT || peek().kind() == Tokens.Kind.OPEN) {
      if (take().kind() == Tokens.Kind.DOT) {
        Tokens.Token name = take();
        if (name.kind() != Tokens.Kind.NAME) {
          throw error("a name must follow the dot after " + content.substring(root.start(), end));
        }
        steps.add(name.text());
      } else {
        Tokens.Token key = take();
        if (key.kind() == Tokens.Kind.STRING) {
          steps.add(key.text());
        } else if (key.kind() == Tokens.Kind.NUMBER && Values.number(key.text()) instanceof Long i && Math.abs(i) < 1_000_000) {
          steps.add(i.intValue());
        } else {
          throw error("inside [ ] write a whole number or a quoted key, as in cart.items[0] or attributes[\"first name\"]");
        }
        if (peek().kind() != Tokens.Kind.CLOSE) {
          throw error("a ] is missing after " + content.substring(root.start(), key.end()));
        }
        take();
      }
      end = tokens.get(next - 1).end();
    }
    String source = content.substring(root.start(), end);
    return resolve(root.text(), source, steps.toArray());
  }

  private Expression resolve(String root, String source, Object[] steps) {
    int loop = loops.lastIndexOf(root);
    if (loop >= 0) {
      return new Expression.LoopPath(source, loop, steps);
    }
    if (root.equals("forloop")) {
      if (loops.isEmpty()) {
        throw error("forloop exists only inside {% for %} ... {% endfor %}");
      }
      if (steps.length != 1 || !Expression.Forloop.PROPERTIES.contains(steps[0])) {
        throw error("forloop has " + String.join(", ", Expression.Forloop.PROPERTIES) + ", as in forloop.index");
      }
      return new Expression.Forloop(source, loops.size() - 1, (String) steps[0]);
    }
    if (!TemplateParser.ROOTS.contains(root)) {
      throw error("\"" + root + "\" is not a known root: a merge field starts with "
          + String.join(", ", TemplateParser.ROOTS) + (loops.isEmpty() ? "" : " or a loop variable")
          + ", as in subscriber.attributes.firstName");
    }
    roots.add(root);
    if (root.equals("subscriber")) {
      // What of the subscriber it reads (MessageTemplate.subscriberFields): all of it for subscriber alone.
      roots.add(MessageTemplate.SUBSCRIBER_FIELD + (steps.length > 0 && steps[0] instanceof String name ? name : "*"));
    }
    return new Expression.RootPath(source, root, steps);
  }

  private Tokens.Token peek() {
    Tokens.Token t = tokens.get(next);
    if (t.kind() == Tokens.Kind.INVALID) {
      throw error(t.text());
    }
    return t;
  }

  private Tokens.Token take() {
    Tokens.Token t = peek();
    if (t.kind() != Tokens.Kind.END) {
      next++;
    }
    return t;
  }
}
