package io.pushcart.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** A site created through the real API, with what a test needs to act for it. */
public record TestSite(String id, String secretKey, String vapidPublicKey, ApiClient api) {
  public static final String ORIGIN = "https://shop.example";

  public static TestSite create(ApiClient api) {
    ApiClient.Reply r = api.post("/v1/sites", RunningPushcart.ADMIN_TOKEN, new JsonObject()
        .put("name", "Test store").put("origins", new JsonArray().add(ORIGIN)).put("vapidSubject", "mailto:ops@shop.example"));
    assertThat(r.status()).as(r.json().encode()).isEqualTo(201);
    return new TestSite(r.json().getString("id"), r.json().getString("secretKey"), r.json().getString("vapidPublicKey"), api);
  }

  /** Registers these subscribers through the API, many at once (BulkSubscribe). */
  public void registerAll(java.util.List<io.pushcart.testkit.TestSubscriber> subscribers) {
    BulkSubscribe.register(api.baseUrl(), id, subscribers.stream().map(io.pushcart.testkit.TestSubscriber::subscriptionJson).toList());
  }

  public ApiClient.Reply subscribe(JsonObject subscription) {
    return api.post("/v1/sites/" + id + "/subscriptions", null, subscription);
  }

  /** Creates the campaign, which must be accepted (201); its id. */
  public String startCampaign(JsonObject campaign) {
    ApiClient.Reply created = createCampaign(campaign);
    assertThat(created.status()).as(created.json().encode()).isEqualTo(201);
    return created.json().getString("id");
  }

  public ApiClient.Reply createCampaign(JsonObject campaign) {
    return api.post("/v1/sites/" + id + "/campaigns", secretKey, campaign);
  }

  public ApiClient.Reply campaign(String campaignId) {
    return api.get("/v1/sites/" + id + "/campaigns/" + campaignId, secretKey);
  }

  public ApiClient.Reply updateCampaign(String campaignId, JsonObject patch) {
    return api.patch("/v1/sites/" + id + "/campaigns/" + campaignId, secretKey, patch);
  }

  public ApiClient.Reply cancelCampaign(String campaignId) {
    return api.post("/v1/sites/" + id + "/campaigns/" + campaignId + "/cancel", secretKey, new JsonObject());
  }

  /** {@code GET .../campaigns} with this query string (may be empty). */
  public ApiClient.Reply listCampaigns(String query) {
    return api.get("/v1/sites/" + id + "/campaigns" + (query.isEmpty() ? "" : "?" + query), secretKey);
  }

  /** The campaign's status and stats once {@code done} holds of it. */
  public JsonObject awaitCampaign(String campaignId, java.util.function.Predicate<JsonObject> done, String what) {
    return Poll.until(() -> campaign(campaignId).json(), done, java.time.Duration.ofSeconds(60), what);
  }

  /** A minimal valid campaign body to {@code audience}. */
  public static JsonObject campaignTo(Object audience) {
    return new JsonObject().put("name", "Flash sale").put("kind", "flash_sale").put("audience", audience)
        .put("notification", new JsonObject().put("title", "50% off shoes").put("body", "Two hours only")
            .put("url", "https://shop.example/sale"))
        .put("ttl", 3600).put("urgency", "high").put("topic", "flash-sale");
  }
}
