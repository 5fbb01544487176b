package io.pushcart.campaign;

import io.pushcart.common.ClientError;
import io.pushcart.common.Ids;
import io.pushcart.common.JsonFields;
import io.pushcart.common.Tags;
import io.pushcart.segment.Rule;
import io.pushcart.segment.RuleParser;
import io.pushcart.segment.SavedSegment;
import io.pushcart.segment.SegmentStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Who a campaign goes to. A closed set: everyone, the core's rule on tags, any segment rule
 * (MARKETING.md §2) given inline, or a saved segment.
 */
public sealed interface Audience {
  int MAX_TAGS_PER_LIST = 20;
  /** The rule nobody matches: the audience of a segment that was deleted. */
  Rule NOBODY = new Rule.Any(List.of());

  /**
   * The rule to evaluate now: an inline one as it is, a saved segment's as it is stored at this
   * moment (nobody when it was deleted), so a scheduled campaign targets who matches when it fans out.
   */
  Future<Rule> resolve(String site, SegmentStore segments);

  Object toJson();

  /** An audience given inline: its rule is known without asking Redis. */
  sealed interface Inline extends Audience {
    Rule rule();

    @Override
    default Future<Rule> resolve(String site, SegmentStore segments) {
      return Future.succeededFuture(rule());
    }
  }

  /** Every subscriber of the site. */
  record All() implements Inline {
    @Override
    public Rule rule() {
      return new Rule.All(List.of());
    }

    @Override
    public Object toJson() {
      return "all";
    }
  }

  /** Subscribers having any of {@code any} (when not empty), all of {@code all}, and none of {@code none}. */
  record TagRule(List<String> any, List<String> all, List<String> none) implements Inline {
    @Override
    public Rule rule() {
      List<Rule> parts = new ArrayList<>();
      if (!any.isEmpty()) {
        parts.add(new Rule.Any(any.stream().<Rule>map(Rule.HasTag::new).toList()));
      }
      all.forEach(t -> parts.add(new Rule.HasTag(t)));
      if (!none.isEmpty()) {
        parts.add(new Rule.Not(new Rule.Any(none.stream().<Rule>map(Rule.HasTag::new).toList())));
      }
      return new Rule.All(parts);
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
  record Matching(Rule rule, JsonObject json) implements Inline {
    @Override
    public Object toJson() {
      return json;
    }
  }

  /** A saved segment, by id: its rule is read when the campaign fans out. */
  record Segment(String id) implements Audience {
    @Override
    public Future<Rule> resolve(String site, SegmentStore segments) {
      return segments.find(site, id).map(found -> found.map(SavedSegment::rule).orElse(NOBODY));
    }

    @Override
    public Object toJson() {
      return new JsonObject().put("segment", id);
    }
  }

  /** {@code "all"}, {@code {"tags": {"any"|"all"|"none": [...]}}}, or a segment rule ({@code {"all": [...]}}, ...). */
  public static Audience parse(Object value) {
    if ("all".equals(value)) {
      return new All();
    }
    if (value instanceof JsonObject object) {
      JsonFields f = JsonFields.at(object, "audience.");
      if (object.containsKey("segment")) {
        if (object.size() != 1 || !(object.getValue("segment") instanceof String id) || !Ids.looksLikeId(id)) {
          throw ClientError.invalid("audience.segment", "a segment audience is {\"segment\": id} with the id POST /segments returned, and nothing else");
        }
        return new Segment(id);
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
