package io.pushcart.campaign;

import io.pushcart.common.ClientError;
import io.pushcart.common.JsonFields;
import io.pushcart.common.Tags;
import io.pushcart.segment.Rule;
import io.pushcart.segment.RuleParser;
import io.pushcart.subscription.StoredSubscriber;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Who a campaign goes to. A closed set: everyone, the core's rule on tags, or any segment rule
 * (MARKETING.md §2) given inline.
 */
public sealed interface Audience {
  int MAX_TAGS_PER_LIST = 20;

  /** True when the subscriber belongs to the audience at {@code now}. */
  boolean matches(Rule.Subscriber subscriber, Instant now);

  /**
   * The subscription hash fields {@link #matches} reads: a prefix of StoredSubscriber.FIELDS
   * (tags alone for a tag rule, all of them for a segment rule, none for everyone).
   */
  List<String> reads();

  Object toJson();

  /** Every subscriber of the site. */
  record All() implements Audience {
    @Override
    public boolean matches(Rule.Subscriber subscriber, Instant now) {
      return true;
    }

    @Override
    public List<String> reads() {
      return List.of();
    }

    @Override
    public Object toJson() {
      return "all";
    }
  }

  /** Subscribers having any of {@code any} (when not empty), all of {@code all}, and none of {@code none}. */
  record TagRule(List<String> any, List<String> all, List<String> none) implements Audience {
    @Override
    public boolean matches(Rule.Subscriber subscriber, Instant now) {
      Set<String> tags = subscriber.tags();
      return (any.isEmpty() || any.stream().anyMatch(tags::contains))
          && tags.containsAll(all)
          && none.stream().noneMatch(tags::contains);
    }

    @Override
    public List<String> reads() {
      return StoredSubscriber.FIELDS.subList(0, 1); // "tags"
    }

    @Override
    public Object toJson() {
      JsonObject rule = new JsonObject();
      if (!any.isEmpty()) {
        rule.put("any", new JsonArray(any));
      }
      if (!all.isEmpty()) {
        rule.put("all", new JsonArray(all));
      }
      if (!none.isEmpty()) {
        rule.put("none", new JsonArray(none));
      }
      return new JsonObject().put("tags", rule);
    }
  }

  /** A segment rule given inline; {@code json} as given, kept for display and storage. */
  record Matching(Rule rule, JsonObject json) implements Audience {
    @Override
    public boolean matches(Rule.Subscriber subscriber, Instant now) {
      return rule.matches(subscriber, now);
    }

    @Override
    public List<String> reads() {
      return StoredSubscriber.FIELDS;
    }

    @Override
    public Object toJson() {
      return json;
    }
  }

  /** {@code "all"}, {@code {"tags": {"any"|"all"|"none": [...]}}}, or a segment rule ({@code {"all": [...]}}, ...). */
  static Audience parse(Object value) {
    if ("all".equals(value)) {
      return new All();
    }
    if (value instanceof JsonObject object) {
      JsonFields f = JsonFields.at(object, "audience.");
      if (object.containsKey("segment")) {
        throw ClientError.invalid("audience.segment", "saved segments are not available yet: use \"all\" or an inline {\"tags\": ...} rule");
      }
      if (!object.containsKey("tags")) {
        return new Matching(RuleParser.parse(object, "audience"), object.copy());
      }
      for (String key : object.fieldNames()) {
        if (!key.equals("tags")) {
          throw ClientError.invalid("audience." + key, "a {\"tags\": ...} audience takes nothing else; unknown key " + key);
        }
      }
      JsonFields tags = f.requiredObject("tags");
      for (String key : tags.json().fieldNames()) {
        if (!Set.of("any", "all", "none").contains(key)) {
          throw ClientError.invalid("audience.tags." + key, "audience.tags takes any, all and none; unknown key " + key);
        }
      }
      TagRule rule = new TagRule(list(tags, "any"), list(tags, "all"), list(tags, "none"));
      if (rule.any().isEmpty() && rule.all().isEmpty() && rule.none().isEmpty()) {
        throw ClientError.invalid("audience.tags", "audience.tags needs at least one of any, all, none");
      }
      return rule;
    }
    throw ClientError.invalid("audience", "audience must be \"all\" or a rule such as {\"tags\": {\"any\": [\"shoes\"]}}");
  }

  private static List<String> list(JsonFields tags, String name) {
    return Tags.check(tags.stringList(name, MAX_TAGS_PER_LIST, Tags.MAX_LENGTH), tags.path(name));
  }
}
