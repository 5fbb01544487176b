package io.pushcart.automation;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.support.ApiClient.Reply;
import io.pushcart.support.RunningPushcart;
import io.pushcart.support.TestSite;
import io.pushcart.testkit.LocalPushService;
import io.pushcart.testkit.TestSubscriber;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Merge fields in campaigns (MARKETING.md §5), decrypted at the push service: each subscriber's
 * own text, defaults for missing, empty and blank values, a recipient lacking a value without a
 * default not sent and counted; and {@code POST /preview} rendering for a real subscriber.
 */
class PersonalizedCampaignTest {
  private static LocalPushService push;
  private static RunningPushcart server;

  @BeforeAll
  static void start() {
    push = new LocalPushService().start();
    Map<String, String> env = new HashMap<>(Map.of(
        "PUSHCART_PUSH_HOSTS", "127.0.0.1:" + push.port(),
        "PUSHCART_PUSH_CA_FILE", push.caFile().toString()));
    server = RunningPushcart.start(env);
  }

  @AfterAll
  static void stop() {
    server.close();
    push.close();
  }

  private static String subscribe(TestSite site, TestSubscriber s, JsonObject attributes) {
    Reply r = site.subscribe(s.subscriptionJson().put("attributes", attributes));
    assertThat(r.status()).isEqualTo(201);
    return r.json().getString("id");
  }

  private static JsonObject payload(TestSubscriber s) {
    assertThat(push.receivedFor(s.token())).hasSize(1);
    String text = push.receivedFor(s.token()).get(0).plaintext();
    assertThat(text).doesNotContain("{{", "{%");
    return new JsonObject(text);
  }

  @Test
  void eachSubscriberGetsTheirOwnTextAndTheOnesLackingDataAreCounted() {
    TestSite site = TestSite.create(server.api());
    TestSubscriber ada = push.newSubscriber();
    TestSubscriber empty = push.newSubscriber();
    TestSubscriber blank = push.newSubscriber();
    TestSubscriber noCity = push.newSubscriber();
    subscribe(site, ada, new JsonObject().put("firstName", "Ada").put("city", "Pune").put("locale", "en-IN"));
    subscribe(site, empty, new JsonObject().put("firstName", "").put("city", "Oslo"));
    subscribe(site, blank, new JsonObject().put("firstName", "  ").put("city", "Lima"));
    String noCityId = subscribe(site, noCity, new JsonObject().put("firstName", "Bo"));

    JsonObject body = TestSite.campaignTo("all");
    body.getJsonObject("notification").put("title", "Hi {{ subscriber.attributes.firstName | default: \"there\" }}")
        .put("body", "Free delivery in {{ subscriber.attributes.city | upcase }} from {{ site.name }}");
    String id = site.startCampaign(body);
    JsonObject done = site.awaitCampaign(id, c -> "completed".equals(c.getString("status")), "the campaign to complete");

    assertThat(payload(ada).getString("title")).isEqualTo("Hi Ada");
    assertThat(payload(ada).getString("body")).startsWith("Free delivery in PUNE from ");
    assertThat(payload(empty).getString("title")).isEqualTo("Hi there");
    assertThat(payload(blank).getString("title")).isEqualTo("Hi there");
    assertThat(payload(blank).getString("campaignId")).isEqualTo(id);
    assertThat(push.receivedFor(noCity.token())).isEmpty();
    JsonObject stats = done.getJsonObject("stats");
    assertThat(stats.getLong("targeted")).isEqualTo(4);
    assertThat(stats.getLong("accepted")).isEqualTo(3);
    assertThat(stats.getJsonObject("suppressed").getLong("missingData")).isEqualTo(1);

    Reply preview = server.api().post("/v1/sites/" + site.id() + "/preview", site.secretKey(), new JsonObject()
        .put("subscriptionId", noCityId).put("notification", new JsonObject().put("title", "Hi {{ subscriber.attributes.firstName }}")
            .put("body", "{{ cart.items[0].name }} for {{ cart.total | money }}"))
        .put("context", new JsonObject().put("cart", new JsonObject().put("currency", "EUR").put("total", 12.5)
            .put("items", new io.vertx.core.json.JsonArray().add(new JsonObject().put("name", "Mug"))))));
    assertThat(preview.status()).as(preview.json().encode()).isEqualTo(200);
    assertThat(preview.json().getJsonObject("notification").getString("title")).isEqualTo("Hi Bo");
    assertThat(preview.json().getJsonObject("notification").getString("body")).isEqualTo("Mug for €12.50");
    Reply lacking = server.api().post("/v1/sites/" + site.id() + "/preview", site.secretKey(), new JsonObject()
        .put("subscriptionId", noCityId).put("notification", new JsonObject().put("title", "{{ subscriber.attributes.city }}")));
    assertThat(lacking.json().getString("suppressed")).isEqualTo("missingData");
    assertThat(lacking.json().getString("detail")).isEqualTo("subscriber.attributes.city");
  }

  @Test
  void aCampaignTemplateIsCheckedWhenSaved() {
    TestSite site = TestSite.create(server.api());
    JsonObject body = TestSite.campaignTo("all");
    body.getJsonObject("notification").put("title", "{{ cart.total }}");
    assertThat(site.createCampaign(body).errorField()).isEqualTo("notification");
    body.getJsonObject("notification").put("title", "Hi {{ subscriber.attributes.name ");
    assertThat(site.createCampaign(body).errorField()).isEqualTo("notification.title");
    body.getJsonObject("notification").put("title", "{{ subscriber.name | shout }}");
    assertThat(site.createCampaign(body).status()).isEqualTo(400);
  }
}
