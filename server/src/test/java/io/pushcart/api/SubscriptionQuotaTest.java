package io.pushcart.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.support.ApiClient;
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

/** A site's {@code maxSubscriptions}: new registrations beyond it are refused, known ones go on. */
class SubscriptionQuotaTest {
  private static RunningPushcart server;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    server = RunningPushcart.start(Map.of());
    api = server.api();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void registrationsBeyondTheQuotaAreRefusedWhileKnownSubscriptionsStillRegister() {
    TestSite site = TestSite.create(api);
    assertThat(setQuota(site, 2).json().getLong("maxSubscriptions")).isEqualTo(2L);
    String first = endpoint();
    String firstId = site.subscribe(subscription(first)).json().getString("id");
    String second = site.subscribe(subscription(endpoint())).json().getString("id");
    assertThat(second).isNotNull();

    Reply refused = site.subscribe(subscription(endpoint()));
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.json().getJsonObject("error").getString("code")).isEqualTo("subscription_quota_reached");
    assertThat(refused.errorMessage()).contains("2 subscriptions").contains("maxSubscriptions");

    assertThat(site.subscribe(subscription(first)).status()).as("a known endpoint re-registers").isEqualTo(200);
    assertThat(api.patch("/v1/sites/" + site.id() + "/subscriptions/" + firstId,
        new JsonObject().put("tags", new JsonObject().put("add", new JsonArray().add("shoes")))).status())
        .as("a known subscription changes").isEqualTo(200);
    assertThat(subscriberCount(site)).isEqualTo(2);

    assertThat(api.delete("/v1/sites/" + site.id() + "/subscriptions/" + second).status()).isEqualTo(204);
    assertThat(site.subscribe(subscription(endpoint())).status()).as("room again after an unsubscribe").isEqualTo(201);
  }

  @Test
  void aQuotaIsSetAtCreationOrByTheOwnerAndNullRemovesIt() {
    Reply created = api.post("/v1/sites", RunningPushcart.ADMIN_TOKEN, new JsonObject().put("name", "Tiny store")
        .put("origins", new JsonArray().add(TestSite.ORIGIN)).put("vapidSubject", "mailto:ops@shop.example")
        .put("maxSubscriptions", 0));
    assertThat(created.status()).as(created.json().encode()).isEqualTo(201);
    assertThat(created.json().getLong("maxSubscriptions")).isZero();
    TestSite site = new TestSite(created.json().getString("id"), created.json().getString("secretKey"),
        created.json().getString("vapidPublicKey"), api);
    assertThat(site.subscribe(subscription(endpoint())).status()).as("0: no registration at all").isEqualTo(403);

    Reply removed = api.patch("/v1/sites/" + site.id(), site.secretKey(), new JsonObject().putNull("maxSubscriptions"));
    assertThat(removed.status()).isEqualTo(200);
    assertThat(removed.json().containsKey("maxSubscriptions")).isTrue();
    assertThat(removed.json().getValue("maxSubscriptions")).isNull();
    assertThat(site.subscribe(subscription(endpoint())).status()).isEqualTo(201);
    assertThat(api.get("/v1/sites/" + site.id(), site.secretKey()).json().getValue("maxSubscriptions")).isNull();

    assertThat(setQuota(site, 5).status()).isEqualTo(200);
    Reply renamed = api.patch("/v1/sites/" + site.id(), site.secretKey(), new JsonObject().put("name", "Still tiny"));
    assertThat(renamed.json().getLong("maxSubscriptions")).as("kept by a PATCH that does not name it").isEqualTo(5L);
  }

  @Test
  void aQuotaMustBeAWholeNumberFromZero() {
    TestSite site = TestSite.create(api);
    for (Object bad : new Object[] {-1, 1.5, "ten", 2_000_000_000L, new JsonArray()}) {
      Reply r = api.patch("/v1/sites/" + site.id(), site.secretKey(), new JsonObject().put("maxSubscriptions", bad));
      assertThat(r.status()).as(String.valueOf(bad)).isEqualTo(400);
      assertThat(r.errorField()).isEqualTo("maxSubscriptions");
    }
  }

  private static Reply setQuota(TestSite site, long max) {
    Reply r = api.patch("/v1/sites/" + site.id(), site.secretKey(), new JsonObject().put("maxSubscriptions", max));
    assertThat(r.status()).as(r.json().encode()).isEqualTo(200);
    return r;
  }

  private static long subscriberCount(TestSite site) {
    return api.get("/v1/sites/" + site.id(), site.secretKey()).json().getLong("subscriberCount");
  }

  private static String endpoint() {
    return "https://fcm.googleapis.com/fcm/send/" + UUID.randomUUID();
  }

  private static JsonObject subscription(String endpoint) {
    return new JsonObject().put("endpoint", endpoint)
        .put("keys", new JsonObject().put("p256dh", BrowserKeys.p256dh()).put("auth", BrowserKeys.auth()));
  }
}
