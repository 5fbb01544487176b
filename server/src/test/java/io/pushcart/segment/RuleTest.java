package io.pushcart.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pushcart.common.ClientError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The rule language of MARKETING.md §2: every node and operator, matching and not, and every kind of bad rule. */
class RuleTest {
  private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

  /** A subscriber as a rule sees it. */
  private record Shopper(Set<String> tags, Map<String, Object> fields, JsonObject attributes) implements Rule.Subscriber {
    @Override
    public Object field(Field field) {
      return field instanceof Field.Attribute a ? attributes.getValue(a.key()) : fields.get(field.path());
    }
  }

  private static final Shopper ASHA = new Shopper(Set.of("shoes", "newsletter"),
      Map.of("browser", "chrome", "os", "android", "deviceType", "mobile", "country", "IN", "locale", "hi-IN",
          "lastSeenAt", "2026-11-27T09:00:00+05:30", "subscribedAt", "2025-01-10T08:00:00Z", "orderCount", 3),
      new JsonObject().put("tier", "silver").put("ltv", 420.5).put("vip", false).put("birthday", "1990-05-01T00:00:00Z"));

  private static boolean matches(String rule) {
    return RuleParser.parse(new JsonObject(rule), "rule").matches(ASHA, NOW);
  }

  private static String leaf(String field, String op, Object value) {
    JsonObject leaf = new JsonObject().put("field", field).put("op", op);
    if (value != null) {
      leaf.put("value", value);
    }
    return leaf.encode();
  }

  @Test
  void nodesCombineLeaves() {
    assertThat(matches("{\"tag\": \"shoes\"}")).isTrue();
    assertThat(matches("{\"tag\": \"bags\"}")).isFalse();
    assertThat(matches("{\"all\": [{\"tag\": \"shoes\"}, {\"tag\": \"newsletter\"}]}")).isTrue();
    assertThat(matches("{\"all\": [{\"tag\": \"shoes\"}, {\"tag\": \"bags\"}]}")).isFalse();
    assertThat(matches("{\"any\": [{\"tag\": \"bags\"}, {\"tag\": \"shoes\"}]}")).isTrue();
    assertThat(matches("{\"any\": [{\"tag\": \"bags\"}, {\"tag\": \"hats\"}]}")).isFalse();
    assertThat(matches("{\"not\": {\"tag\": \"bags\"}}")).isTrue();
    assertThat(matches("{\"not\": {\"tag\": \"shoes\"}}")).isFalse();
  }

  @Test
  void everyOperatorMatchesAndFails() {
    assertThat(matches(leaf("browser", "eq", "chrome"))).isTrue();
    assertThat(matches(leaf("browser", "eq", "firefox"))).isFalse();
    assertThat(matches(leaf("os", "ne", "ios"))).isTrue();
    assertThat(matches(leaf("os", "ne", "android"))).isFalse();
    assertThat(matches(leaf("orderCount", "gt", 2))).isTrue();
    assertThat(matches(leaf("orderCount", "gt", 3))).isFalse();
    assertThat(matches(leaf("orderCount", "gte", 3))).isTrue();
    assertThat(matches(leaf("orderCount", "gte", 4))).isFalse();
    assertThat(matches(leaf("orderCount", "lt", 4))).isTrue();
    assertThat(matches(leaf("orderCount", "lt", 3))).isFalse();
    assertThat(matches(leaf("orderCount", "lte", 3))).isTrue();
    assertThat(matches(leaf("orderCount", "lte", 2))).isFalse();
    assertThat(matches(leaf("country", "in", new JsonArray().add("IN").add("LK")))).isTrue();
    assertThat(matches(leaf("country", "in", new JsonArray().add("DE")))).isFalse();
    assertThat(matches(leaf("deviceType", "nin", new JsonArray().add("desktop").add("tablet")))).isTrue();
    assertThat(matches(leaf("deviceType", "nin", new JsonArray().add("mobile")))).isFalse();
    assertThat(matches(leaf("locale", "exists", null))).isTrue();
    assertThat(matches(leaf("customerId", "exists", null))).isFalse();
    assertThat(matches(leaf("customerId", "notExists", null))).isTrue();
    assertThat(matches(leaf("locale", "notExists", null))).isFalse();
    assertThat(matches(leaf("locale", "startsWith", "hi"))).isTrue();
    assertThat(matches(leaf("locale", "startsWith", "en"))).isFalse();
    assertThat(matches(leaf("attributes.tier", "contains", "ilv"))).isTrue();
    assertThat(matches(leaf("attributes.tier", "contains", "gold"))).isFalse();
    assertThat(matches(leaf("subscribedAt", "before", "2025-06-01T00:00:00Z"))).isTrue();
    assertThat(matches(leaf("subscribedAt", "before", "2024-06-01T00:00:00Z"))).isFalse();
    assertThat(matches(leaf("subscribedAt", "after", "2024-06-01T00:00:00Z"))).isTrue();
    assertThat(matches(leaf("subscribedAt", "after", "2025-06-01T00:00:00Z"))).isFalse();
    assertThat(matches(leaf("lastSeenAt", "withinLast", "P7D"))).isTrue();
    assertThat(matches(leaf("lastSeenAt", "withinLast", "PT24H"))).isFalse();
    assertThat(matches(leaf("lastSeenAt", "notWithinLast", "PT24H"))).isTrue();
    assertThat(matches(leaf("lastSeenAt", "notWithinLast", "P7D"))).isFalse();
  }

  @Test
  void timesCompareAsInstantsWhateverTheirOffset() {
    // 2026-11-27T09:00:00+05:30 is 03:30 UTC.
    assertThat(matches(leaf("lastSeenAt", "eq", "2026-11-27T03:30:00Z"))).isTrue();
    assertThat(matches(leaf("lastSeenAt", "after", "2026-11-27T03:29:59Z"))).isTrue();
    assertThat(matches(leaf("lastSeenAt", "before", "2026-11-27T03:30:01Z"))).isTrue();
  }

  @Test
  void customAttributesAreTypedByTheirValue() {
    assertThat(matches(leaf("attributes.ltv", "gte", 400))).isTrue();
    assertThat(matches(leaf("attributes.ltv", "gt", 500))).isFalse();
    assertThat(matches(leaf("attributes.vip", "eq", false))).isTrue();
    assertThat(matches(leaf("attributes.vip", "eq", true))).isFalse();
    assertThat(matches(leaf("attributes.birthday", "before", "2000-01-01T00:00:00Z"))).isTrue();
    assertThat(matches(leaf("attributes.tier", "eq", "silver"))).isTrue();
    assertThat(matches(leaf("attributes.tier", "gt", 3))).as("a string is no number").isFalse();
  }

  @Test
  void aMissingFieldMatchesOnlyTheTestsOfItsAbsence() {
    assertThat(matches(leaf("lastClickedAt", "notWithinLast", "P30D"))).as("never clicked: not in the last 30 days").isTrue();
    assertThat(matches(leaf("lastClickedAt", "withinLast", "P30D"))).isFalse();
    assertThat(matches(leaf("customerId", "ne", "c-1"))).isTrue();
    assertThat(matches(leaf("customerId", "nin", new JsonArray().add("c-1")))).isTrue();
    assertThat(matches(leaf("customerId", "eq", "c-1"))).isFalse();
    assertThat(matches(leaf("attributes.missing", "lt", 5))).isFalse();
  }

  @Test
  void theRetailExamplesOfTheDocs() {
    // Shoppers tagged shoes, seen in the last 7 days, who are not gold tier.
    assertThat(matches("{\"all\": [{\"tag\": \"shoes\"}, " + leaf("lastSeenAt", "withinLast", "P7D")
        + ", {\"not\": " + leaf("attributes.tier", "eq", "gold") + "}]}")).isTrue();
    // Mobile Chrome users in India.
    assertThat(matches("{\"all\": [" + leaf("browser", "eq", "chrome") + ", " + leaf("deviceType", "eq", "mobile")
        + ", " + leaf("country", "eq", "IN") + "]}")).isTrue();
    // Gold-tier customers who did not click in 30 days.
    assertThat(matches("{\"all\": [" + leaf("attributes.tier", "eq", "gold") + ", "
        + leaf("lastClickedAt", "notWithinLast", "P30D") + "]}")).isFalse();
  }

  private static void refused(Object rule, String path, String says) {
    assertThatThrownBy(() -> RuleParser.parse(rule, "rule"))
        .isInstanceOfSatisfying(ClientError.class, e -> {
          assertThat(e.field()).isEqualTo(path);
          assertThat(e.getMessage()).contains(says);
        });
  }

  @Test
  void badRulesAreRefusedWithThePathOfTheFault() {
    JsonObject deep = new JsonObject().put("tag", "shoes");
    for (int level = 10; level > 1; level--) {
      deep = new JsonObject().put("not", deep);
    }
    assertThat(RuleParser.parse(deep, "rule")).as("10 levels are allowed").isNotNull();
    refused(new JsonObject().put("not", deep), "rule" + ".not".repeat(10), "at most 10 levels");

    JsonArray many = new JsonArray();
    for (int i = 0; i < 101; i++) {
      many.add(new JsonObject().put("tag", "t" + i));
    }
    refused(new JsonObject().put("any", many), "rule.any[100]", "at most 100 leaves");

    refused(new JsonObject().put("tag", "shoes").put("op", "gt"), "rule.op", "unknown key op");
    refused(new JsonObject(leaf("tags", "eq", "shoes")), "rule.field", "test a tag with");
    refused(new JsonObject(leaf("colour", "eq", "red")), "rule.field", "must be attributes.<name> or one of");
    refused(new JsonObject(leaf("lastSeenAt", "withinLast", "7 days")), "rule.value", "ISO 8601 duration");
    refused(new JsonObject(leaf("lastSeenAt", "withinLast", "P0D")), "rule.value", "positive");
    refused(new JsonObject().put("all", new JsonArray().add(new JsonObject()).add(new JsonObject(leaf("browser", "eq", "netscape")))),
        "rule.all[0]", "exactly one of");
    refused(new JsonObject().put("all", new JsonArray().add(new JsonObject().put("tag", "a"))
        .add(new JsonObject(leaf("browser", "eq", "netscape")))), "rule.all[1].value", "one of chrome, firefox");
    refused(new JsonObject(leaf("browser", "gt", "chrome")), "rule.op", "compares numbers and times");
    refused(new JsonObject(leaf("orderCount", "startsWith", "1")), "rule.op", "compares strings");
    refused(new JsonObject(leaf("browser", "withinLast", "P1D")), "rule.op", "compares times");
    refused(new JsonObject(leaf("subscribedAt", "after", "yesterday")), "rule.value", "RFC 3339");
    refused(new JsonObject(leaf("orderCount", "eq", "three")), "rule.value", "a number");
    refused(new JsonObject(leaf("country", "in", new JsonArray().add("IN").add("India"))), "rule.value[1]", "ISO 3166");
    refused(new JsonObject(leaf("country", "in", new JsonArray())), "rule.value", "list of 1 to 100");
    refused(new JsonObject(leaf("locale", "exists", "yes")), "rule.value", "takes no value");
    refused(new JsonObject(leaf("locale", "eq", null)), "rule.value", "is required");
    refused(new JsonObject(leaf("locale", "like", "x")), "rule.op", "must be one of eq");
    refused(new JsonObject().put("any", new JsonArray()), "rule.any", "non-empty list");
    refused("shoes", "rule", "must be a rule object");
    refused(new JsonObject(leaf("attributes.9lives", "eq", 1)), "rule.field", "attribute names");
  }
}
