package io.pushcart.personalize;

import io.pushcart.common.ClientError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A notification's strings compiled once, to be rendered per recipient from many threads.
 *
 * <p>Every string value in the JSON tree (nested objects and arrays too) may hold Liquid merge
 * fields, {@code {{ cart.items[0].name | truncate: 20 }}}, and if/unless/for tags. Paths start at
 * one of {@code subscriber}, {@code cart}, {@code product}, {@code order}, {@code site}. Output is
 * plain text: nothing is escaped, and no output ever contains "{{" or "{%" (see
 * {@link StringTemplate#neutralised}).
 *
 * <p>A merge field whose path leads nowhere (absent or null) and that has no {@code default}
 * filter makes the render {@link Rendered.Missing}, naming the path as written: the caller
 * suppresses that recipient's message rather than send "Hi ,". An empty string is a value and
 * renders empty. Paths read by if/unless conditions and for lists are never missing: there, an
 * absent value is nil (false, no items).
 *
 * <p>Immutable: compile copies what it keeps, and all per-render state lives in the render call.
 */
public final class MessageTemplate {
  /** How the parser notes a subscriber field a template reads, beside the roots ({@code subscriber.browser}). */
  static final String SUBSCRIBER_FIELD = "subscriber.";

  private final Node root;
  private final boolean personalized;
  private final Set<String> roots;
  private final Set<String> subscriberFields;

  private MessageTemplate(Node root, boolean personalized, Set<String> read) {
    this.root = root;
    this.personalized = personalized;
    Set<String> roots = new TreeSet<>();
    Set<String> fields = new TreeSet<>();
    read.forEach(r -> (r.startsWith(SUBSCRIBER_FIELD) ? fields : roots).add(r.startsWith(SUBSCRIBER_FIELD)
        ? r.substring(SUBSCRIBER_FIELD.length()) : r));
    this.roots = Collections.unmodifiableSet(roots);
    this.subscriberFields = Collections.unmodifiableSet(fields);
  }

  /**
   * Compiles every string value of {@code notification}. A string without "{{" or "{%" is kept
   * verbatim. A mistake is a {@link ClientError#invalid} naming the field as
   * {@code fieldPrefix + path} (e.g. {@code steps[0].notification.actions[1].title}).
   */
  public static MessageTemplate compile(JsonObject notification, String fieldPrefix) {
    Set<String> roots = new TreeSet<>();
    Node root = compileObject(notification.getMap(), fieldPrefix == null ? "" : fieldPrefix, roots);
    return new MessageTemplate(root, !(root instanceof Constant), roots);
  }

  /** True when any string has a merge field or tag. */
  public boolean personalized() {
    return personalized;
  }

  /** The roots the templates read (a subset of subscriber, cart, product, order, site): what to load. */
  public Set<String> roots() {
    return roots;
  }

  /**
   * The subscriber's fields the templates read ({@code attributes}, {@code browser}, ...; {@code *}
   * for the whole subscriber): what of a subscription to load.
   */
  public Set<String> subscriberFields() {
    return subscriberFields;
  }

  /**
   * Renders for one recipient.
   *
   * @param context root name to value; values are Map, List, String, Number, Boolean, null, or
   *     Vert.x JsonObject/JsonArray
   * @param locale a BCP 47 tag ("de-DE"), or null for en-US; also en-US when the JDK does not know
   *     the language. Used by {@code money} and the case filters.
   * @param currency the ISO 4217 code {@code money} uses when it has no argument (or its argument
   *     leads nowhere); may be null
   */
  public Rendered render(Map<String, Object> context, String locale, String currency) {
    RenderState s = new RenderState(context == null ? Map.of() : context, locale, currency);
    Object rendered = root.render(s);
    return s.failed() ? new Rendered.Missing(s.missing()) : new Rendered.Ok((JsonObject) rendered);
  }

  /** The result of a render: the personalized notification, or the first value it needs and lacks. */
  public sealed interface Rendered {
    record Ok(JsonObject notification) implements Rendered {
    }

    /** {@code path} as written in the template ({@code cart.items[0].name}), or "currency" for money without one. */
    record Missing(String path) implements Rendered {
    }
  }

  /** The compiled JSON tree: templates where strings have merge fields, copies of everything else. */
  private sealed interface Node {
    /** The rendered value; after a missing value, whatever (the caller checks the state). */
    Object render(RenderState s);
  }

  /** A subtree with no template in it: rendered as a fresh copy, so callers may change what they get. */
  private record Constant(Object value) implements Node {
    @Override
    public Object render(RenderState s) {
      if (value instanceof JsonObject o) {
        return o.copy();
      }
      return value instanceof JsonArray a ? a.copy() : value;
    }
  }

  private record Text(StringTemplate template) implements Node {
    @Override
    public Object render(RenderState s) {
      return template.render(s);
    }
  }

  private record ObjectNode(String[] keys, Node[] values) implements Node {
    @Override
    public Object render(RenderState s) {
      Map<String, Object> out = new LinkedHashMap<>(keys.length * 2);
      for (int i = 0; i < keys.length && !s.failed(); i++) {
        out.put(keys[i], values[i].render(s));
      }
      return new JsonObject(out);
    }
  }

  private record ArrayNode(Node[] items) implements Node {
    @Override
    public Object render(RenderState s) {
      List<Object> out = new ArrayList<>(items.length);
      for (int i = 0; i < items.length && !s.failed(); i++) {
        out.add(items[i].render(s));
      }
      return new JsonArray(out);
    }
  }

  private static Node compileObject(Map<String, Object> map, String prefix, Set<String> roots) {
    String[] keys = map.keySet().toArray(new String[0]);
    Node[] values = new Node[keys.length];
    boolean constant = true;
    for (int i = 0; i < keys.length; i++) {
      values[i] = compileValue(map.get(keys[i]), prefix + keys[i], roots);
      constant &= values[i] instanceof Constant;
    }
    return constant ? new Constant(new JsonObject(map).copy()) : new ObjectNode(keys, values);
  }

  private static Node compileArray(List<Object> list, String path, Set<String> roots) {
    Node[] items = new Node[list.size()];
    boolean constant = true;
    for (int i = 0; i < items.length; i++) {
      items[i] = compileValue(list.get(i), path + "[" + i + "]", roots);
      constant &= items[i] instanceof Constant;
    }
    return constant ? new Constant(new JsonArray(list).copy()) : new ArrayNode(items);
  }

  @SuppressWarnings("unchecked")
  private static Node compileValue(Object value, String path, Set<String> roots) {
    Object v = Values.unwrap(value);
    if (v instanceof Map<?, ?> map) {
      return compileObject((Map<String, Object>) map, path + ".", roots);
    }
    if (v instanceof List<?> list) {
      return compileArray((List<Object>) list, path, roots);
    }
    if (v instanceof String s && (s.contains("{{") || s.contains("{%"))) {
      try {
        return new Text(new StringTemplate(TemplateParser.parse(s, roots)));
      } catch (SyntaxError e) {
        throw ClientError.invalid(path, path + ": " + e.getMessage());
      }
    }
    return new Constant(value);
  }
}
