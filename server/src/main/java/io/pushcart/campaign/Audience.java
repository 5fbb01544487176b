package io.pushcart.campaign;

import io.pushcart.common.ClientError;
import io.pushcart.common.JsonFields;
import io.pushcart.common.Tags;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;

/** Who a campaign goes to. A closed set: everyone, or a rule on tags. */
public sealed interface Audience {
  int MAX_TAGS_PER_LIST = 20;

  /** True when a subscriber with these tags belongs to the audience. */
  boolean matches(Set<String> tags);

  Object toJson();

  /** Every subscriber of the site. */
  record All() implements Audience {
    @Override
    public boolean matches(Set<String> tags) {
      return true;
    }

    @Override
    public Object toJson() {
      return "all";
    }
  }

  /** Subscribers having any of {@code any} (when not empty), all of {@code all}, and none of {@code none}. */
  record TagRule(List<String> any, List<String> all, List<String> none) implements Audience {
    @Override
    public boolean matches(Set<String> tags) {
      return (any.isEmpty() || any.stream().anyMatch(tags::contains))
          && tags.containsAll(all)
          && none.stream().noneMatch(tags::contains);
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

  /** {@code "all"} or {@code {"tags": {"any"|"all"|"none": [...]}}}. */
  static Audience parse(Object value) {
    if ("all".equals(value)) {
      return new All();
    }
    if (value instanceof JsonObject object) {
      JsonFields f = JsonFields.at(object, "audience.");
      if (object.containsKey("segment")) {
        throw ClientError.invalid("audience.segment", "saved segments are not available yet: use \"all\" or an inline {\"tags\": ...} rule");
      }
      for (String key : object.fieldNames()) {
        if (!key.equals("tags")) {
          throw ClientError.invalid("audience." + key, "audience rules support \"tags\" only; unknown key " + key);
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
