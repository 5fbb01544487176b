package io.pushcart.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.support.ApiClient.Reply;
import io.pushcart.support.RunningPushcart;
import io.pushcart.support.TestSite;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the campaign API refuses, and how it says so. Nothing is sent: the site has no subscribers. */
class CampaignApiTest {
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

  private static JsonObject valid() {
    return TestSite.campaignTo("all");
  }

  private static void assertRefused(Consumer<JsonObject> change, String field) {
    JsonObject body = valid();
    change.accept(body);
    Reply r = site.createCampaign(body);
    assertThat(r.status()).as(body.encode() + " → " + r.json().encode()).isEqualTo(400);
    assertThat(r.errorField()).as(r.json().encode()).isEqualTo(field);
    assertThat(r.errorMessage()).isNotBlank();
  }

  @Test
  void aValidCampaignIsCreatedAndReadBack() {
    String id = site.startCampaign(valid());
    Reply read = site.campaign(id);
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.json().getString("kind")).isEqualTo("flash_sale");
    assertThat(read.json().getString("status")).isIn("sending", "completed");
    assertThat(read.json().getJsonObject("stats").fieldNames())
        .contains("targeted", "accepted", "failed", "expired", "delivered", "clicked");
  }

  @Test
  void eachBadFieldIsNamed() {
    assertRefused(b -> b.remove("name"), "name");
    assertRefused(b -> b.put("kind", "blast"), "kind");
    assertRefused(b -> b.remove("audience"), "audience");
    assertRefused(b -> b.put("audience", "everyone"), "audience");
    assertRefused(b -> b.put("audience", new JsonObject().put("segment", "abc")), "audience.segment");
    assertRefused(b -> b.put("audience", new JsonObject().put("tags", new JsonObject())), "audience.tags");
    assertRefused(b -> b.put("audience", new JsonObject().put("tags", new JsonObject().put("some", new JsonArray().add("x")))),
        "audience.tags.some");
    assertRefused(b -> b.put("audience", new JsonObject().put("tags", new JsonObject().put("any", new JsonArray().add("a b")))),
        "audience.tags.any[0]");
    assertRefused(b -> b.remove("notification"), "notification");
    assertRefused(b -> b.getJsonObject("notification").remove("title"), "notification.title");
    assertRefused(b -> b.getJsonObject("notification").put("url", "javascript:alert(1)"), "notification.url");
    assertRefused(b -> b.getJsonObject("notification").put("icon", 7), "notification.icon");
    assertRefused(b -> b.getJsonObject("notification").put("actions", new JsonArray().add("buy")), "notification.actions[0]");
    assertRefused(b -> b.put("ttl", -1), "ttl");
    assertRefused(b -> b.put("ttl", "an hour"), "ttl");
    assertRefused(b -> b.put("ttl", 1.5), "ttl");
    assertRefused(b -> b.put("urgency", "urgent"), "urgency");
    assertRefused(b -> b.put("sendAt", "2020-01-01T10:00:00Z"), "sendAt");
  }

  @Test
  void aPayloadOverThePushServiceLimitIsRefusedAndOneNearItWarned() {
    JsonObject big = valid();
    big.getJsonObject("notification").put("body", "x".repeat(1000))
        .put("icon", "https://shop.example/" + "i".repeat(2000)).put("image", "https://shop.example/" + "m".repeat(2000));
    Reply refused = site.createCampaign(big);
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json().getJsonObject("error").getString("code")).isEqualTo("payload_too_large");

    JsonObject nearly = valid();
    nearly.getJsonObject("notification").put("body", "x".repeat(1000)).put("image", "https://shop.example/" + "m".repeat(2000));
    Reply warned = site.createCampaign(nearly);
    assertThat(warned.status()).isEqualTo(201);
    assertThat(warned.json().getJsonArray("warnings").encode()).contains("3 KB");
  }

  @Test
  void aTopicThatPushServicesWouldRefuseIsHashedIntoAValidOne() {
    Reply r = site.createCampaign(valid().put("topic", "Summer sale: last hour!"));
    assertThat(r.status()).isEqualTo(201);
    assertThat(r.json().getString("topic")).matches("[A-Za-z0-9_-]{1,32}");
    Reply same = site.createCampaign(valid().put("topic", "Summer sale: last hour!"));
    assertThat(same.json().getString("topic")).isEqualTo(r.json().getString("topic"));
  }

  @Test
  void campaignsBelongToTheirSite() {
    Reply created = site.createCampaign(valid());
    TestSite other = TestSite.create(server.api());
    assertThat(server.api().get("/v1/sites/" + site.id() + "/campaigns/" + created.json().getString("id"), other.secretKey()).status())
        .isEqualTo(401);
    assertThat(other.campaign(created.json().getString("id")).status()).isEqualTo(404);
    assertThat(site.campaign("nosuchcampaign1").status()).isEqualTo(404);
    assertThat(server.api().post("/v1/sites/" + site.id() + "/campaigns", null, valid()).status()).isEqualTo(401);
  }
}
