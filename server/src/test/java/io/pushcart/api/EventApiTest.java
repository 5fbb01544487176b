package io.pushcart.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.support.ApiClient;
import io.pushcart.support.ApiClient.Reply;
import io.pushcart.support.BrowserKeys;
import io.pushcart.support.Poll;
import io.pushcart.support.RunningPushcart;
import io.pushcart.support.TestSite;
import io.pushcart.testkit.LocalPushService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Events from browsers and stores, and the page API's subscription changes. */
class EventApiTest {
  private static LocalPushService push;
  private static RunningPushcart server;
  private static ApiClient api;
  private static TestSite site;

  @BeforeAll
  static void start() {
    push = new LocalPushService().verify(false).start();
    server = RunningPushcart.start(Map.of("PUSHCART_PUSH_HOSTS", "127.0.0.1:" + push.port(),
        "PUSHCART_PUSH_CA_FILE", push.caFile().toString()));
    api = server.api();
    site = TestSite.create(api);
  }

  @AfterAll
  static void stop() {
    server.close();
    push.close();
  }

  private static String subscribe(String... tags) {
    JsonObject body = new JsonObject().put("endpoint", "https://fcm.googleapis.com/fcm/send/" + UUID.randomUUID())
        .put("keys", new JsonObject().put("p256dh", BrowserKeys.p256dh()).put("auth", BrowserKeys.auth()))
        .put("tags", new JsonArray(java.util.List.of(tags)));
    return site.subscribe(body).json().getString("id");
  }

  private static Reply browserEvent(JsonObject body) {
    return api.postWithHeaders("/v1/sites/" + site.id() + "/events",
        Map.of("Origin", TestSite.ORIGIN, "Content-Type", "application/json"), body.encode());
  }

  @Test
  void receiptsCountOncePerTargetedSubscriberInTheCampaignStats() {
    String reached = site.subscribe(push.newSubscriber().subscriptionJson().put("tags", new JsonArray().add("receipts")))
        .json().getString("id");
    String other = subscribe();
    String campaign = site.createCampaign(TestSite.campaignTo(new JsonObject().put("tags",
        new JsonObject().put("any", new JsonArray().add("receipts"))))).json().getString("id");
    Poll.until(() -> site.campaign(campaign).json().getString("status"), "completed"::equals, Duration.ofSeconds(30),
        "the campaign to complete");
    for (String type : new String[] {"notification.delivered", "notification.delivered", "notification.clicked", "notification.closed"}) {
      Reply r = browserEvent(new JsonObject().put("subscriptionId", reached).put("type", type)
          .put("data", new JsonObject().put("campaignId", campaign)));
      assertThat(r.status()).isEqualTo(202);
      assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo(TestSite.ORIGIN);
    }
    Reply notTargeted = browserEvent(new JsonObject().put("subscriptionId", other).put("type", "notification.clicked")
        .put("data", new JsonObject().put("campaignId", campaign)));
    assertThat(notTargeted.status()).isEqualTo(400);
    assertThat(notTargeted.errorField()).isEqualTo("subscriptionId");
    JsonObject stats = site.campaign(campaign).json().getJsonObject("stats");
    assertThat(stats.getLong("delivered")).isEqualTo(1);
    assertThat(stats.getLong("clicked")).isEqualTo(1);
    assertThat(stats.getLong("closed")).isEqualTo(1);
    JsonObject subscriber = api.get("/v1/sites/" + site.id() + "/subscriptions/" + reached, site.secretKey()).json();
    assertThat(subscriber.getString("lastDeliveredAt")).as("stamped by the delivery receipt").isNotBlank();
    assertThat(subscriber.getString("lastClickedAt")).as("stamped by the click receipt").isNotBlank();
    assertThat(api.get("/v1/sites/" + site.id() + "/subscriptions/" + other, site.secretKey()).json().containsKey("lastClickedAt"))
        .as("a subscriber whose receipt was refused").isFalse();
  }

  @Test
  void commerceEventsNeedAKnownSubscriptionAndAcceptTheSecretKey() {
    String sub = subscribe();
    JsonObject cart = new JsonObject().put("subscriptionId", sub).put("type", "cart.updated")
        .put("data", new JsonObject().put("cartId", "cart-1").put("total", 99.5)
            .put("items", new JsonArray().add(new JsonObject().put("productId", "sku-1").put("quantity", 1).put("price", 99.5))));
    assertThat(browserEvent(cart).status()).isEqualTo(202);
    JsonObject order = cart.copy().put("type", "order.completed").put("data", new JsonObject().put("orderId", "o-1"));
    assertThat(browserEvent(order).status()).as("an order comes from the store's backend only").isEqualTo(403);
    assertThat(api.post("/v1/sites/" + site.id() + "/events", site.secretKey(), order).status()).isEqualTo(202);
    assertThat(api.post("/v1/sites/" + site.id() + "/events", "pcsk_wrong", cart).status()).isEqualTo(401);
    Reply unknown = browserEvent(cart.copy().put("subscriptionId", "unknownsubscription"));
    assertThat(unknown.status()).isEqualTo(404);
  }

  @Test
  void badEventsAreRefusedWithTheFieldNamed() {
    String sub = subscribe();
    assertThat(browserEvent(new JsonObject().put("subscriptionId", sub).put("type", "cart.exploded")).errorField()).isEqualTo("type");
    assertThat(browserEvent(new JsonObject().put("type", "cart.updated")).errorField()).isEqualTo("subscriptionId");
    assertThat(browserEvent(new JsonObject().put("subscriptionId", sub).put("type", "notification.clicked")).errorField())
        .isEqualTo("data.campaignId");
    assertThat(browserEvent(new JsonObject().put("subscriptionId", sub).put("type", "cart.updated")
        .put("data", new JsonObject().put("cartId", "c").put("items", new JsonArray()).put("blob", "x".repeat(40_000)))).errorField())
        .isEqualTo("data");
    assertThat(browserEvent(new JsonObject().put("subscriptionId", sub).put("type", "cart.updated")
        .put("data", new JsonObject().put("cartId", "c").put("items", new JsonArray().add(new JsonObject().put("productId", "p")
            .put("price", -1))))).errorField()).isEqualTo("data.items[0].price");
    assertThat(browserEvent(new JsonObject().put("subscriptionId", sub).put("type", "notification.clicked")
        .put("data", new JsonObject().put("campaignId", "nosuchcampaign")).copy()).status()).isEqualTo(404);
    Reply foreign = api.postWithHeaders("/v1/sites/" + site.id() + "/events",
        Map.of("Origin", "https://evil.example", "Content-Type", "application/json"),
        new JsonObject().put("subscriptionId", sub).put("type", "cart.updated").encode());
    assertThat(foreign.status()).isEqualTo(403);
  }

  @Test
  void thePageApiTagsUntagsIdentifiesAndUnsubscribes() {
    String sub = subscribe("shoes", "sale");
    Reply patched = api.postWithHeaders("/v1/sites/" + site.id() + "/subscriptions/" + sub,
        Map.of("Origin", TestSite.ORIGIN, "Content-Type", "application/json", "X-HTTP-Method-Override", "PATCH"), "{}");
    assertThat(patched.status()).as("POST to a subscription is not a route").isEqualTo(404);

    assertThat(api.patch("/v1/sites/" + site.id() + "/subscriptions/" + sub, new JsonObject()
        .put("tags", new JsonObject().put("add", new JsonArray().add("vip")).put("remove", new JsonArray().add("sale")))
        .put("customerId", "c-42").put("signature", TestSite.sign(site.identitySecret(), "c-42"))).status()).isEqualTo(200);
    JsonObject stored = api.get("/v1/sites/" + site.id() + "/subscriptions/" + sub, site.secretKey()).json();
    assertThat(stored.getJsonArray("tags")).containsExactly("shoes", "vip");
    assertThat(stored.getString("customerId")).isEqualTo("c-42");
    assertThat(stored.containsKey("keys")).isFalse();
    assertThat(api.patch("/v1/sites/" + site.id() + "/subscriptions/" + sub, new JsonObject()
        .put("tags", new JsonObject().put("add", new JsonArray().add("bad tag")))).errorField()).isEqualTo("tags.add[0]");
    assertThat(api.patch("/v1/sites/" + site.id() + "/subscriptions/unknownsubscription", new JsonObject()).status()).isEqualTo(404);

    Reply pub = api.get("/v1/sites/" + site.id() + "/public", null);
    assertThat(pub.json().getString("vapidPublicKey")).isEqualTo(site.vapidPublicKey());
    assertThat(pub.json().containsKey("secretKey")).isFalse();

    long before = api.get("/v1/sites/" + site.id(), site.secretKey()).json().getLong("subscriberCount");
    assertThat(api.delete("/v1/sites/" + site.id() + "/subscriptions/" + sub).status()).isEqualTo(204);
    assertThat(api.delete("/v1/sites/" + site.id() + "/subscriptions/" + sub).status()).isEqualTo(404);
    assertThat(api.get("/v1/sites/" + site.id(), site.secretKey()).json().getLong("subscriberCount")).isEqualTo(before - 1);
  }
}
