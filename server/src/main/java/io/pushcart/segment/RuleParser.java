package io.pushcart.segment;

import io.pushcart.common.ClientError;
import io.pushcart.common.Tags;
import io.pushcart.subscription.Countries;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a rule tree (MARKETING.md §2) and checks all of it: node shapes, at most
 * {@link #MAX_DEPTH} levels and {@link #MAX_LEAVES} leaves, known fields, operators that fit the
 * field's type, and values of that type. A fault is a 400 naming its path, such as
 * {@code rule.all[2].value}, and what to write instead.
 */
public final class RuleParser {
  /** Levels at most: the root is level 1, and a leaf counts as a level. */
  public static final int MAX_DEPTH = 10;
  public static final int MAX_LEAVES = 100;
  static final int MAX_LIST = 100;
  private static final Pattern ATTRIBUTE = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");
  private static final Set<String> NODE_KEYS = Set.of("all", "any", "not", "tag", "field");

  private int leaves;

  private RuleParser() {
  }

  /** The rule at {@code json}, whose place in the request is {@code path} ("rule", "audience"). */
  public static Rule parse(Object json, String path) {
    return new RuleParser().node(json, path, 1);
  }

  private Rule node(Object json, String path, int depth) {
    if (depth > MAX_DEPTH) {
      throw ClientError.invalid(path, "a rule may be at most " + MAX_DEPTH + " levels deep (the root is level 1, a leaf counts as one); "
          + path + " is level " + depth);
    }
    if (!(json instanceof JsonObject node)) {
      throw ClientError.invalid(path, path + " must be a rule object: {\"all\": [...]}, {\"any\": [...]}, {\"not\": rule}, "
          + "{\"tag\": \"shoes\"} or {\"field\": \"browser\", \"op\": \"eq\", \"value\": \"chrome\"}");
    }
    List<String> kinds = node.fieldNames().stream().filter(NODE_KEYS::contains).toList();
    if (kinds.size() != 1) {
      throw ClientError.invalid(path, path + " must have exactly one of all, any, not, tag, field; it has "
          + (kinds.isEmpty() ? "none" : String.join(", ", kinds)));
    }
    String kind = kinds.get(0);
    return switch (kind) {
      case "all", "any" -> list(node, kind, path, depth);
      case "not" -> {
        only(node, path, Set.of("not"));
        yield new Rule.Not(node(node.getValue("not"), path + ".not", depth + 1));
      }
      case "tag" -> tag(node, path);
      default -> compare(node, path);
    };
  }

  private Rule list(JsonObject node, String kind, String path, int depth) {
    only(node, path, Set.of(kind));
    if (!(node.getValue(kind) instanceof JsonArray items) || items.isEmpty()) {
      throw ClientError.invalid(path + "." + kind, path + "." + kind + " must be a non-empty list of rules");
    }
    List<Rule> rules = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      rules.add(node(items.getValue(i), path + "." + kind + "[" + i + "]", depth + 1));
    }
    return kind.equals("all") ? new Rule.All(List.copyOf(rules)) : new Rule.Any(List.copyOf(rules));
  }

  private Rule tag(JsonObject node, String path) {
    only(node, path, Set.of("tag"));
    countLeaf(path);
    if (!(node.getValue("tag") instanceof String tag)) {
      throw ClientError.invalid(path + ".tag", path + ".tag must be a tag name (a string)");
    }
    Tags.check(List.of(tag), path + ".tag");
    return new Rule.HasTag(tag);
  }

  private Rule compare(JsonObject node, String path) {
    only(node, path, Set.of("field", "op", "value"));
    countLeaf(path);
    Field field = field(node.getValue("field"), path + ".field");
    Rule.Op op = op(node.getValue("op"), path + ".op");
    String valuePath = path + ".value";
    Object raw = node.getValue("value");
    boolean noValue = op == Rule.Op.EXISTS || op == Rule.Op.NOT_EXISTS;
    if (noValue) {
      if (node.containsKey("value")) {
        throw ClientError.invalid(valuePath, op.wire + " takes no value: remove " + valuePath);
      }
      return new Rule.Compare(field, op, field instanceof Field.Builtin b ? b.type() : Field.Type.ANY, null);
    }
    if (raw == null) {
      throw ClientError.invalid(valuePath, valuePath + " is required for " + op.wire);
    }
    if (op == Rule.Op.WITHIN_LAST || op == Rule.Op.NOT_WITHIN_LAST) {
      requireType(field, Field.Type.TIME, op, path);
      return new Rule.Compare(field, op, Field.Type.TIME, duration(raw, valuePath));
    }
    if (op == Rule.Op.IN || op == Rule.Op.NIN) {
      if (!(raw instanceof JsonArray list) || list.isEmpty() || list.size() > MAX_LIST) {
        throw ClientError.invalid(valuePath, valuePath + " must be a list of 1 to " + MAX_LIST + " values for " + op.wire);
      }
      Field.Type type = typeOf(field, list.getValue(0));
      List<Object> values = new ArrayList<>(list.size());
      for (int i = 0; i < list.size(); i++) {
        values.add(value(field, type, list.getValue(i), valuePath + "[" + i + "]"));
      }
      return new Rule.Compare(field, op, type, List.copyOf(values));
    }
    Field.Type type = op == Rule.Op.BEFORE || op == Rule.Op.AFTER ? Field.Type.TIME : typeOf(field, raw);
    if (op == Rule.Op.BEFORE || op == Rule.Op.AFTER) {
      requireType(field, Field.Type.TIME, op, path);
    }
    if ((op == Rule.Op.STARTS_WITH || op == Rule.Op.CONTAINS) && type != Field.Type.STRING) {
      throw ClientError.invalid(path + ".op", op.wire + " compares strings; " + field.path() + " holds " + name(type));
    }
    if (Set.of(Rule.Op.GT, Rule.Op.GTE, Rule.Op.LT, Rule.Op.LTE).contains(op) && type != Field.Type.NUMBER && type != Field.Type.TIME) {
      throw ClientError.invalid(path + ".op", op.wire + " compares numbers and times; for " + name(type)
          + " use eq, ne, in or nin" + (type == Field.Type.STRING ? ", startsWith or contains" : ""));
    }
    return new Rule.Compare(field, op, type, value(field, type, raw, valuePath));
  }

  /** A built-in field has its own type; a custom attribute takes the type of the rule's value. */
  private static Field.Type typeOf(Field field, Object value) {
    if (field instanceof Field.Builtin b) {
      return b.type();
    }
    if (value instanceof Number) {
      return Field.Type.NUMBER;
    }
    if (value instanceof Boolean) {
      return Field.Type.BOOLEAN;
    }
    return value instanceof String s && Values.time(s) != null ? Field.Type.TIME : Field.Type.STRING;
  }

  /** One value, checked against the type (and a closed field's allowed values). */
  private static Object value(Field field, Field.Type type, Object raw, String path) {
    Object value = switch (type) {
      case STRING -> raw instanceof String s ? s : null;
      case NUMBER -> raw instanceof Number n ? n.doubleValue() : null;
      case BOOLEAN -> raw instanceof Boolean b ? b : null;
      case TIME -> raw instanceof String s ? Values.time(s) : null;
      case ANY -> raw;
    };
    if (value == null) {
      throw ClientError.invalid(path, path + " must be " + name(type) + " to compare with " + field.path()
          + (type == Field.Type.TIME ? " (RFC 3339, such as 2026-11-29T10:00:00Z)" : ""));
    }
    if (field instanceof Field.Builtin b && !b.allowed().isEmpty() && !b.allowed().contains(value)) {
      throw ClientError.invalid(path, field.path() + " is one of " + String.join(", ", b.allowed()) + "; not " + raw);
    }
    if (field == Field.Builtin.COUNTRY && !Countries.isCountry((String) value)) {
      throw ClientError.invalid(path, "country is an ISO 3166 alpha-2 code in capitals, such as DE or IN; not " + raw);
    }
    return value;
  }

  private static Duration duration(Object raw, String path) {
    try {
      Duration d = raw instanceof String s ? Duration.parse(s) : null;
      if (d != null && !d.isNegative() && !d.isZero()) {
        return d;
      }
    } catch (DateTimeParseException e) {
      // said below
    }
    throw ClientError.invalid(path, path + " must be a positive ISO 8601 duration such as P7D or PT2H; not " + raw);
  }

  private static Field field(Object raw, String path) {
    if (raw instanceof String name) {
      if (name.startsWith("attributes.")) {
        String key = name.substring("attributes.".length());
        if (ATTRIBUTE.matcher(key).matches()) {
          return new Field.Attribute(key);
        }
        throw ClientError.invalid(path, "attribute names start with a letter and hold letters, digits and _ (at most 64); not " + key);
      }
      Optional<Field.Builtin> builtin = Field.Builtin.named(name);
      if (builtin.isPresent()) {
        return builtin.get();
      }
    }
    throw ClientError.invalid(path, path + " must be attributes.<name> or one of " + String.join(", ", Field.Builtin.names())
        + "; not " + raw + (("tags".equals(raw) || "tag".equals(raw)) ? " (test a tag with {\"tag\": \"shoes\"})" : ""));
  }

  private static Rule.Op op(Object raw, String path) {
    for (Rule.Op op : Rule.Op.values()) {
      if (op.wire.equals(raw)) {
        return op;
      }
    }
    throw ClientError.invalid(path, path + " must be one of eq, ne, gt, gte, lt, lte, in, nin, exists, notExists, "
        + "startsWith, contains, before, after, withinLast, notWithinLast; not " + raw);
  }

  private static void requireType(Field field, Field.Type type, Rule.Op op, String path) {
    if (field instanceof Field.Builtin b && b.type() != type) {
      throw ClientError.invalid(path + ".op", op.wire + " compares times; " + field.path() + " holds " + name(b.type()));
    }
  }

  private static void only(JsonObject node, String path, Set<String> allowed) {
    for (String key : node.fieldNames()) {
      if (!allowed.contains(key)) {
        throw ClientError.invalid(path + "." + key, "unknown key " + key + " in " + path + "; it takes " + String.join(", ", allowed));
      }
    }
  }

  private void countLeaf(String path) {
    if (++leaves > MAX_LEAVES) {
      throw ClientError.invalid(path, "a rule may have at most " + MAX_LEAVES + " leaves (tag and field tests)");
    }
  }

  private static String name(Field.Type type) {
    return switch (type) {
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "true or false";
      case TIME -> "a time";
      case ANY -> "a value";
    };
  }
}
