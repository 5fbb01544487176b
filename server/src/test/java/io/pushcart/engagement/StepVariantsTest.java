package io.pushcart.engagement;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.support.ApiClient.Reply;
import io.pushcart.support.Poll;
import io.pushcart.support.PushStack;
import io.pushcart.support.TestClock;
import io.pushcart.support.TestSite;
import io.pushcart.testkit.TestSubscriber;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Variants in an automation step, for real: each subscriber gets one, each is counted, receipts count for the one carried. */
class StepVariantsTest {
  private static final TestClock CLOCK = new TestClock().set(Instant.parse("2026-10-12T09:00:00Z"));
  @RegisterExtension
  static final PushStack.Extension stack = PushStack.extension(CLOCK);

  private static JsonObject variant(String name, String title) {
    return new JsonObject().put("name", name).put("notification", new JsonObject().put("title", title).put("body", "Hello"));
  }

  private static JsonObject step(TestSite site, String automation) {
    return stack.server().api().get("/v1/sites/" + site.id() + "/automations/" + automation, site.secretKey()).json()
        .getJsonObject("stats").getJsonArray("steps").getJsonObject(0);
  }

  @Test
  void eachSubscriberGetsOneVariantAndReceiptsCountForIt() {
    TestSite site = TestSite.create(stack.server().api());
    Reply made = stack.server().api().post("/v1/sites/" + site.id() + "/automations", site.secretKey(), new JsonObject()
        .put("name", "Welcome").put("trigger", "welcome").put("enabled", true)
        .put("steps", new JsonArray().add(new JsonObject().put("delay", "PT1M")
            .put("variants", new JsonArray().add(variant("A", "Welcome!")).add(variant("B", "Hi from {{ site.name }}"))))));
    assertThat(made.status()).as(made.json().encode()).isEqualTo(201);
    String automation = made.json().getString("id");
    assertThat(made.json().getJsonArray("steps").getJsonObject(0).getJsonArray("variants")).hasSize(2);
    Map<String, String> ids = new HashMap<>();
    for (TestSubscriber s : stack.push().newSubscribers(40)) {
      ids.put(s.token(), site.subscribe(s.subscriptionJson()).json().getString("id"));
    }
    CLOCK.advance(Duration.ofMinutes(2));
    Poll.until(() -> stack.push().received().stream().filter(p -> ids.containsKey(p.token())).count(), n -> n == 40, Duration.ofSeconds(20),
        "the welcome to everyone");
    Map<String, Integer> byVariant = new HashMap<>();
    String clickedA = null;
    for (var p : stack.push().received()) {
      if (ids.containsKey(p.token())) {
        JsonObject payload = new JsonObject(p.plaintext());
        assertThat(payload.getString("title")).startsWith(payload.getString("variant").equals("A") ? "Welcome!" : "Hi from ");
        byVariant.merge(payload.getString("variant"), 1, Integer::sum);
        if (payload.getString("variant").equals("A") && clickedA == null) {
          clickedA = ids.get(p.token());
        }
      }
    }
    assertThat(byVariant.keySet()).containsExactlyInAnyOrder("A", "B");
    Poll.until(() -> step(site, automation).getLong("accepted"), n -> n == 40, Duration.ofSeconds(20), "the outcomes");
    JsonObject stats = step(site, automation);
    assertThat(stats.getJsonObject("variants").getJsonObject("A").getLong("accepted")).isEqualTo(byVariant.get("A").longValue());
    assertThat(stats.getJsonObject("variants").getJsonObject("B").getLong("accepted")).isEqualTo(byVariant.get("B").longValue());

    String clicked = clickedA;
    String other = ids.values().stream().filter(id -> !id.equals(clicked)).findFirst().orElseThrow();
    for (String variant : new String[] {"A", "Z"}) { // Z was never sent: counted for the step, not as a variant
      site.receipt(variant.equals("A") ? clicked : other, "notification.delivered",
          new JsonObject().put("automationId", automation).put("step", 1).put("variant", variant));
    }
    JsonObject after = step(site, automation);
    assertThat(after.getJsonObject("variants").getJsonObject("A").getLong("delivered")).isEqualTo(1);
    assertThat(after.getJsonObject("variants").containsKey("Z")).isFalse();
    assertThat(after.getLong("delivered")).isEqualTo(2);
  }

  @Test
  void aStepTakesNotificationOrVariantsNotBoth() {
    TestSite site = TestSite.create(stack.server().api());
    Reply both = stack.server().api().post("/v1/sites/" + site.id() + "/automations", site.secretKey(), new JsonObject()
        .put("name", "Welcome").put("trigger", "welcome")
        .put("steps", new JsonArray().add(new JsonObject().put("delay", "PT1M").put("notification", new JsonObject().put("title", "x"))
            .put("variants", new JsonArray().add(variant("A", "a")).add(variant("B", "b"))))));
    assertThat(both.errorField()).isEqualTo("steps[0].notification");
    Reply wrongRoot = stack.server().api().post("/v1/sites/" + site.id() + "/automations", site.secretKey(), new JsonObject()
        .put("name", "Welcome").put("trigger", "welcome")
        .put("steps", new JsonArray().add(new JsonObject().put("delay", "PT1M")
            .put("variants", new JsonArray().add(variant("A", "a")).add(variant("B", "{{ cart.total }}"))))));
    assertThat(wrongRoot.errorField()).isEqualTo("steps[0].variants[1].notification");
  }
}
