package io.pushcart.segment;

import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * A saved segment (MARKETING.md §2): a named rule, and its last count. {@code ruleJson} is the
 * rule as given, kept for display; {@code rule} the same, parsed.
 */
public record SavedSegment(String id, String name, Rule rule, Object ruleJson, Optional<Long> count,
                           Optional<String> countedAt, String createdAt, String updatedAt) {

  public SavedSegment counted(long n, String at) {
    return new SavedSegment(id, name, rule, ruleJson, Optional.of(n), Optional.of(at), createdAt, updatedAt);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("id", id).put("name", name).put("rule", ruleJson);
    json.put("count", count.orElse(null)).put("countedAt", countedAt.orElse(null));
    return json.put("createdAt", createdAt).put("updatedAt", updatedAt);
  }
}
