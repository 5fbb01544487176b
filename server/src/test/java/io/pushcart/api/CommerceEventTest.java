package io.pushcart.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.support.ApiClient.Reply;
import io.pushcart.support.BrowserKeys;
import io.pushcart.support.RunningPushcart;
import io.pushcart.support.TestSite;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Commerce events (MARKETING.md §3): who may send which, batches, idempotency by id (and by
 * orderId for orders), occurredAt ordering of the facts they stamp, and those facts in rules.
 */
class CommerceEventTest {
  private static RunningPushcart server;
  private static TestSite site;

  @BeforeAll
  static void start() {
    server = RunningPushcart.start(Map.of());
    site = TestSite.create(server.api());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String subscribe() {
    Reply r = site.subscribe(new JsonObject().put("endpoint", "https://fcm.googleapis.com/fcm/send/" + UUID.randomUUID())
        .put("keys", new JsonObject().put("p256dh", BrowserKeys.p256dh()).put("auth", BrowserKeys.auth())));
    assertThat(r.status()).isEqualTo(201);
    return r.json().getString("id");
  }

  private static Reply secret(JsonObject body) {
    return server.api().post("/v1/sites/" + site.id() + "/events", site.secretKey(), body);
  }

  private static Reply browser(JsonObject body) {
    return server.api().postWithHeaders("/v1/sites/" + site.id() + "/events",
        Map.of("Origin", TestSite.ORIGIN, "Content-Type", "application/json"), body.encode());
  }

  private static JsonObject cart(String sub, String occurredAt) {
    return new JsonObject().put("type", "cart.updated").put("subscriptionId", sub).put("occurredAt", occurredAt)
        .put("data", new JsonObject().put("cartId", "cart-" + sub).put("currency", "EUR").put("total", 59.9)
            .put("items", new JsonArray().add(new JsonObject().put("productId", "shoe-1").put("quantity", 1).put("price", 59.9))));
  }

  private static long count(String rule) {
    Reply r = server.api().post("/v1/sites/" + site.id() + "/audience/count", site.secretKey(),
        new JsonObject().put("audience", new JsonObject(rule)));
    assertThat(r.status()).as(r.json().encode()).isEqualTo(200);
    return r.json().getLong("count");
  }

  @Test
  void browsersSendOnlyTheirCartsAndViewsTheStoreSendsEverything() {
    String sub = subscribe();
    assertThat(browser(cart(sub, "2026-11-29T09:00:00Z")).status()).isEqualTo(202);
    for (String type : new String[] {"order.completed", "order.updated", "order.refunded", "product.updated"}) {
      Reply r = browser(new JsonObject().put("type", type).put("subscriptionId", sub).put("data", new JsonObject()));
      assertThat(r.status()).as(type).isEqualTo(403);
      assertThat(r.header("Content-Type")).startsWith("application/json");
    }
    assertThat(browser(new JsonObject().put("events", new JsonArray().add(cart(sub, "2026-11-29T09:00:00Z")))).status())
        .as("batches need the secret key").isEqualTo(403);
    assertThat(browser(cart(sub, "2026-11-29T09:00:00Z").put("customerId", "c-1").copy()).status()).isIn(400, 403);
    assertThat(secret(new JsonObject().put("type", "product.updated").put("data", new JsonObject().put("productId", "shoe-1")
        .put("variantId", "42").put("price", 49.9).put("currency", "EUR").put("inStock", true))).status()).isEqualTo(202);
    assertThat(secret(new JsonObject().put("type", "product.updated").put("subscriptionId", sub)
        .put("data", new JsonObject().put("productId", "shoe-1"))).errorField()).isEqualTo("type");
    assertThat(secret(new JsonObject().put("type", "order.updated").put("subscriptionId", sub)
        .put("data", new JsonObject().put("orderId", "o-9").put("status", "lost"))).errorField()).isEqualTo("data.status");
    assertThat(secret(cart(sub, "2999-01-01T00:00:00Z")).errorField()).isEqualTo("occurredAt");
  }

  @Test
  void factsKeepTheNewestTimeCountEachOrderOnceAndServeRules() {
    String a = subscribe();
    String b = subscribe();
    String customer = "buyer-" + UUID.randomUUID().toString().substring(0, 8);
    assertThat(server.api().patch("/v1/sites/" + site.id() + "/subscriptions/" + a, site.secretKey(),
        new JsonObject().put("customerId", customer)).status()).isEqualTo(200);
    String recent = java.time.Instant.now().minusSeconds(3600).toString();
    String older = java.time.Instant.now().minusSeconds(3 * 86400).toString();
    JsonObject order = new JsonObject().put("type", "order.completed").put("customerId", customer).put("occurredAt", recent)
        .put("data", new JsonObject().put("orderId", "order-" + customer).put("total", 59.9).put("currency", "EUR"));
    Reply batch = secret(new JsonObject().put("events", new JsonArray()
        .add(cart(a, recent).put("id", "evt-cart-" + customer))
        .add(cart(a, older)) // an older cart arriving later: lastCartAt keeps the newer
        .add(order)
        .add(order.copy()) // the same order again, no event id: its orderId counts once
        .add(cart(b, older).put("id", "evt-cart-" + customer)) // a repeated event id: nothing done
        .add(new JsonObject().put("type", "product.viewed").put("subscriptionId", "nosuchsubscription1")
            .put("data", new JsonObject().put("productId", "p")))));
    assertThat(batch.status()).as(batch.json().encode()).isEqualTo(202);
    assertThat(batch.json().getJsonArray("results")).containsExactly("recorded", "recorded", "recorded", "duplicate",
        "duplicate", "unknown_subscription");
    assertThat(secret(cart(a, recent).put("id", "evt-cart-" + customer)).json().getBoolean("duplicate")).isTrue();

    JsonObject stored = site.subscription(a);
    assertThat(stored.getString("lastCartAt")).startsWith(recent.substring(0, 19));
    assertThat(stored.getString("lastOrderAt")).startsWith(recent.substring(0, 19));
    assertThat(stored.getLong("orderCount")).isEqualTo(1);
    assertThat(site.subscription(b).containsKey("lastCartAt")).as("its event was a repeat").isFalse();

    String bought = "{\"all\": [{\"field\": \"orderCount\", \"op\": \"gte\", \"value\": 1},"
        + " {\"field\": \"lastOrderAt\", \"op\": \"withinLast\", \"value\": \"P1D\"}, {\"field\": \"customerId\", \"op\": \"eq\", \"value\": \""
        + customer + "\"}]}";
    assertThat(count(bought)).isEqualTo(1);
    assertThat(count("{\"all\": [{\"field\": \"lastCartAt\", \"op\": \"withinLast\", \"value\": \"PT2H\"}, {\"field\": \"customerId\", "
        + "\"op\": \"eq\", \"value\": \"" + customer + "\"}]}")).isEqualTo(1);

    Reply export = server.api().get("/v1/sites/" + site.id() + "/customers/" + customer, site.secretKey());
    assertThat(export.json().getJsonArray("events").stream().map(e -> ((JsonObject) e).getString("type")))
        .contains("cart.updated", "order.completed");
  }
}
