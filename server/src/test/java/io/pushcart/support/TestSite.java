package io.pushcart.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A site created through the real API, with what a test needs to act for it. {@code identitySecret}
 * is the one shown at creation (null where a test made the record by hand).
 */
public record TestSite(String id, String secretKey, String vapidPublicKey, ApiClient api, String identitySecret) {
  public static final String ORIGIN = "https://shop.example";

  public TestSite(String id, String secretKey, String vapidPublicKey, ApiClient api) {
    this(id, secretKey, vapidPublicKey, api, null);
  }

  public static TestSite create(ApiClient api) {
    ApiClient.Reply r = api.post("/v1/sites", RunningPushcart.ADMIN_TOKEN, new JsonObject()
        .put("name", "Test store").put("origins", new JsonArray().add(ORIGIN)).put("vapidSubject", "mailto:ops@shop.example"));
    assertThat(r.status()).as(r.json().encode()).isEqualTo(201);
    return new TestSite(r.json().getString("id"), r.json().getString("secretKey"), r.json().getString("vapidPublicKey"), api,
        r.json().getString("identitySecret"));
  }

  /**
   * The identify signature of {@code customerId} as a store's backend computes it: lowercase hex
   * HMAC-SHA256 keyed with {@code identitySecret} (JDK only, not the server's code).
   */
  public static String sign(String identitySecret, String customerId) {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(identitySecret.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
      return java.util.HexFormat.of().formatHex(mac.doFinal(customerId.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A browser's signed identify: PATCH {customerId, signature} from the site's origin. */
  public ApiClient.Reply identify(String subscriptionId, String customerId, String signature) {
    JsonObject body = new JsonObject().put("customerId", customerId);
    if (signature != null) {
      body.put("signature", signature);
    }
    return api.patch("/v1/sites/" + id + "/subscriptions/" + subscriptionId, body);
  }

  /** The subscription as the store's backend reads it. */
  public JsonObject subscription(String subscriptionId) {
    ApiClient.Reply r = api.get("/v1/sites/" + id + "/subscriptions/" + subscriptionId, secretKey);
    assertThat(r.status()).as(r.json().encode()).isEqualTo(200);
    return r.json();
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

  /** The campaign once completed (its status and stats then). */
  public JsonObject awaitCompleted(String campaignId) {
    return awaitCampaign(campaignId, c -> "completed".equals(c.getString("status")), "campaign " + campaignId + " to complete");
  }

  /** An event as a browser of the site sends it (no secret; the site's origin), which must be accepted (202). */
  public void browserEvent(JsonObject event) {
    ApiClient.Reply r = api.postWithHeaders("/v1/sites/" + id + "/events",
        java.util.Map.of("Origin", ORIGIN, "Content-Type", "application/json"), event.encode());
    assertThat(r.status()).as(r.json().encode()).isEqualTo(202);
  }

  /** A service worker's receipt ({@code notification.clicked}, ...) for the message {@code data} names. */
  public void receipt(String subscriptionId, String type, JsonObject data) {
    browserEvent(new JsonObject().put("subscriptionId", subscriptionId).put("type", type).put("data", data));
  }

  /** A minimal valid campaign body to {@code audience}. */
  public static JsonObject campaignTo(Object audience) {
    return new JsonObject().put("name", "Flash sale").put("kind", "flash_sale").put("audience", audience)
        .put("notification", new JsonObject().put("title", "50% off shoes").put("body", "Two hours only")
            .put("url", "https://shop.example/sale"))
        .put("ttl", 3600).put("urgency", "high").put("topic", "flash-sale");
  }
}
