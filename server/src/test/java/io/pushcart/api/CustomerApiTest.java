package io.pushcart.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.support.ApiClient.Reply;
import io.pushcart.support.Poll;
import io.pushcart.support.RedisProbe;
import io.pushcart.support.RunningPushcart;
import io.pushcart.support.TestSite;
import io.pushcart.testkit.LocalPushService;
import io.pushcart.testkit.TestSubscriber;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Customers (MARKETING.md §1): a customer's subscriptions, however linked, are exported, changed
 * together and erased — and after the erase nothing in Redis names them: every key of the site
 * is read back and searched.
 */
class CustomerApiTest {
  private static final String CUSTOMER = "cust-4711";

  @Test
  void exportUpdateAndEraseLeaveNothingBehind() {
    try (LocalPushService push = new LocalPushService().verify(false).start();
         RunningPushcart server = RunningPushcart.start(Map.of(
             "PUSHCART_PUSH_HOSTS", "127.0.0.1:" + push.port(),
             "PUSHCART_PUSH_CA_FILE", push.caFile().toString()));
         RedisProbe redis = new RedisProbe(server.redisUrl())) {
      TestSite site = TestSite.create(server.api());
      TestSubscriber phone = push.newSubscriber();
      TestSubscriber laptop = push.newSubscriber();
      TestSubscriber stranger = push.newSubscriber();
      String phoneId = register(site, phone, "shoes");
      String laptopId = register(site, laptop, "bags");
      String strangerId = register(site, stranger, "shoes");
      // The phone links itself with a signed identify; the store's backend links the laptop.
      assertThat(site.identify(phoneId, CUSTOMER, TestSite.sign(site.identitySecret(), CUSTOMER)).status()).isEqualTo(200);
      assertThat(site.api().patch("/v1/sites/" + site.id() + "/subscriptions/" + laptopId, site.secretKey(),
          new JsonObject().put("customerId", CUSTOMER)).status()).isEqualTo(200);
      assertThat(browserEvent(site, new JsonObject().put("subscriptionId", phoneId).put("type", "product.viewed")
          .put("data", new JsonObject().put("productId", "sku-1")))).isEqualTo(202);
      assertThat(browserEvent(site, new JsonObject().put("subscriptionId", strangerId).put("type", "product.viewed")
          .put("data", new JsonObject().put("productId", "sku-2")))).isEqualTo(202);
      String campaign = site.startCampaign(TestSite.campaignTo("all"));
      site.awaitCampaign(campaign, c -> "completed".equals(c.getString("status")), "the campaign to complete");
      assertThat(browserEvent(site, new JsonObject().put("subscriptionId", phoneId).put("type", "notification.clicked")
          .put("data", new JsonObject().put("campaignId", campaign)))).isEqualTo(202);

      Reply export = site.api().get(customer(site, CUSTOMER), site.secretKey());
      assertThat(export.status()).as(export.json().encode()).isEqualTo(200);
      List<String> exported = new ArrayList<>();
      export.json().getJsonArray("subscriptions").forEach(s -> exported.add(((JsonObject) s).getString("id")));
      assertThat(exported).containsExactlyInAnyOrder(phoneId, laptopId);
      assertThat(export.json().getJsonArray("events")).hasSize(1);
      assertThat(export.json().getJsonArray("events").getJsonObject(0).getJsonArray("subscriptionIds")).containsExactly(phoneId);
      assertThat(export.json().getJsonArray("runs")).isEmpty();

      // What the automations keep of the customer: a cart run ended by the order, a transactional
      // push, the products viewed and bought, the order markers.
      JsonObject step = new JsonObject().put("delay", "PT1H").put("notification", new JsonObject().put("title", "Back?"));
      for (String trigger : List.of("cart_abandoned", "price_drop", "back_in_stock")) {
        assertThat(site.api().post("/v1/sites/" + site.id() + "/automations", site.secretKey(), new JsonObject().put("name", trigger)
            .put("trigger", trigger).put("steps", new JsonArray().add(step))).status()).isEqualTo(201);
      }
      assertThat(browserEvent(site, new JsonObject().put("subscriptionId", phoneId).put("type", "cart.updated")
          .put("data", new JsonObject().put("cartId", "cart-erase").put("items", new JsonArray()
              .add(new JsonObject().put("productId", "sku-1").put("quantity", 1)))))).isEqualTo(202);
      assertThat(browserEvent(site, new JsonObject().put("subscriptionId", laptopId).put("type", "product.viewed")
          .put("data", new JsonObject().put("productId", "sku-3").put("variantId", "v1").put("price", 30).put("inStock", false)))).isEqualTo(202);
      assertThat(site.api().post("/v1/sites/" + site.id() + "/events", site.secretKey(), new JsonObject().put("type", "order.completed")
          .put("customerId", CUSTOMER).put("data", new JsonObject().put("orderId", "order-erase").put("cartId", "cart-erase")
              .put("items", new JsonArray().add(new JsonObject().put("productId", "sku-1").put("quantity", 1))))).status()).isEqualTo(202);
      Reply pushed = site.api().post("/v1/sites/" + site.id() + "/notifications", site.secretKey(), new JsonObject().put("id", "tx-erase")
          .put("customerId", CUSTOMER).put("notification", new JsonObject().put("title", "Shipped")));
      assertThat(pushed.status()).as(pushed.json().encode()).isEqualTo(202);
      Poll.until(() -> site.api().get("/v1/sites/" + site.id() + "/notifications/tx-erase", site.secretKey()).json().getString("status"),
          "sent"::equals, java.time.Duration.ofSeconds(20), "the push to be sent");
      assertThat(browserEvent(site, new JsonObject().put("subscriptionId", laptopId).put("type", "notification.delivered")
          .put("data", new JsonObject().put("notificationId", "tx-erase")))).isEqualTo(202);
      JsonArray runs = site.api().get(customer(site, CUSTOMER), site.secretKey()).json().getJsonArray("runs");
      assertThat(runs.stream().map(r -> ((JsonObject) r).getString("trigger"))).containsExactlyInAnyOrder("cart_abandoned", "transactional");
      assertThat(runs.stream().map(r -> ((JsonObject) r).getString("reason"))).contains("converted");
      // A second cart and order: the order meets the first cart's run, ended; the export (and below, the erase) still finds it.
      assertThat(browserEvent(site, new JsonObject().put("subscriptionId", phoneId).put("type", "cart.updated")
          .put("data", new JsonObject().put("cartId", "cart-erase-2").put("items", new JsonArray()
              .add(new JsonObject().put("productId", "sku-2").put("quantity", 1)))))).isEqualTo(202);
      assertThat(site.api().post("/v1/sites/" + site.id() + "/events", site.secretKey(), new JsonObject().put("type", "order.completed")
          .put("customerId", CUSTOMER).put("data", new JsonObject().put("orderId", "order-erase-2").put("cartId", "cart-erase-2")
              .put("items", new JsonArray().add(new JsonObject().put("productId", "sku-2").put("quantity", 1))))).status()).isEqualTo(202);
      runs = site.api().get(customer(site, CUSTOMER), site.secretKey()).json().getJsonArray("runs");
      assertThat(runs.stream().map(r -> ((JsonObject) r).getString("trigger")))
          .containsExactlyInAnyOrder("cart_abandoned", "cart_abandoned", "transactional");

      Reply updated = site.api().patch(customer(site, CUSTOMER), site.secretKey(), new JsonObject()
          .put("tags", new JsonObject().put("add", new JsonArray().add("vip"))).put("attributes", new JsonObject().put("tier", "gold")));
      assertThat(updated.status()).as(updated.json().encode()).isEqualTo(200);
      for (String id : List.of(phoneId, laptopId)) {
        JsonObject s = site.subscription(id);
        assertThat(s.getJsonArray("tags")).contains("vip");
        assertThat(s.getJsonObject("attributes").getString("tier")).isEqualTo("gold");
      }
      assertThat(site.subscription(strangerId).getJsonArray("tags")).doesNotContain("vip");
      assertThat(count(site, new JsonObject("{\"all\": [{\"tag\": \"vip\"}, {\"field\": \"attributes.tier\", \"op\": \"eq\", \"value\": \"gold\"}]}")))
          .isEqualTo(2);
      assertThat(count(site, new JsonObject("{\"field\": \"customerId\", \"op\": \"exists\"}"))).isEqualTo(2);
      assertThat(site.api().patch(customer(site, CUSTOMER), site.secretKey(), new JsonObject().put("name", "x")).status())
          .isEqualTo(400);
      assertThat(site.api().get(customer(site, "nobody-here"), site.secretKey()).status()).isEqualTo(404);
      assertThat(site.api().get(customer(site, "bad%20id"), site.secretKey()).status()).isEqualTo(400);

      assertThat(server.api().deleteWithToken(customer(site, CUSTOMER), site.secretKey()).status()).isEqualTo(204);
      assertThat(server.api().deleteWithToken(customer(site, CUSTOMER), site.secretKey()).status()).as("idempotent").isEqualTo(204);
      assertThat(site.api().get(customer(site, CUSTOMER), site.secretKey()).status()).isEqualTo(404);
      assertThat(count(site, new JsonObject("{\"tag\": \"vip\"}"))).isZero();
      assertThat(count(site, new JsonObject("{\"tag\": \"shoes\"}"))).isEqualTo(1);

      // Nothing left that names the customer or their subscriptions, in any key or value of the site.
      List<String> keys = new ArrayList<>();
      String cursor = "0";
      do {
        Response page = redis.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg("pc:{" + site.id() + "}:*").arg("COUNT").arg(1000));
        cursor = page.get(0).toString();
        page.get(1).forEach(k -> keys.add(k.toString()));
      } while (!cursor.equals("0"));
      assertThat(keys).isNotEmpty();
      for (String key : keys) {
        String dump = dump(redis, key);
        for (String trace : List.of(CUSTOMER, phoneId, laptopId, phone.token(), laptop.token())) {
          assertThat(key).doesNotContain(trace);
          assertThat(dump).as("key " + key).doesNotContain(trace);
        }
      }
      assertThat(keys.stream().map(k -> dump(redis, k)).anyMatch(d -> d.contains(strangerId))).as("the others are kept").isTrue();
    }
  }

  private static String register(TestSite site, TestSubscriber s, String tag) {
    Reply r = site.subscribe(s.subscriptionJson().put("tags", new JsonArray().add(tag)));
    assertThat(r.status()).isEqualTo(201);
    return r.json().getString("id");
  }

  private static int browserEvent(TestSite site, JsonObject body) {
    return site.api().postWithHeaders("/v1/sites/" + site.id() + "/events",
        Map.of("Origin", TestSite.ORIGIN, "Content-Type", "application/json"), body.encode()).status();
  }

  private static long count(TestSite site, JsonObject rule) {
    Reply r = site.api().post("/v1/sites/" + site.id() + "/audience/count", site.secretKey(), new JsonObject().put("audience", rule));
    assertThat(r.status()).as(r.json().encode()).isEqualTo(200);
    return r.json().getLong("count");
  }

  private static String customer(TestSite site, String id) {
    return "/v1/sites/" + site.id() + "/customers/" + id;
  }

  /** Everything a key holds, as text. */
  private static String dump(RedisProbe redis, String key) {
    String type = redis.send(Request.cmd(Command.TYPE).arg(key)).toString();
    Response r = switch (type) {
      case "string" -> redis.send(Request.cmd(Command.GET).arg(key));
      case "hash" -> redis.send(Request.cmd(Command.HGETALL).arg(key));
      case "set" -> redis.send(Request.cmd(Command.SMEMBERS).arg(key));
      case "zset" -> redis.send(Request.cmd(Command.ZRANGE).arg(key).arg(0).arg(-1));
      case "list" -> redis.send(Request.cmd(Command.LRANGE).arg(key).arg(0).arg(-1));
      case "stream" -> redis.send(Request.cmd(Command.XRANGE).arg(key).arg("-").arg("+"));
      default -> null;
    };
    return r == null ? "" : r.toString();
  }
}
