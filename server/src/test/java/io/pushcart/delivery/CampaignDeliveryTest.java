package io.pushcart.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.support.ApiClient.Reply;
import io.pushcart.support.Poll;
import io.pushcart.support.RunningPushcart;
import io.pushcart.support.TestSite;
import io.pushcart.testkit.LocalPushService;
import io.pushcart.testkit.ReceivedPush;
import io.pushcart.testkit.Response;
import io.pushcart.testkit.TestSubscriber;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole path for real: HTTP API → Redis → delivery workers → HTTPS/HTTP2 → a local push
 * service that decrypts with an RFC 8291 implementation and checks VAPID with code we did not
 * write for the server.
 */
class CampaignDeliveryTest {
  private static LocalPushService push;
  private static RunningPushcart server;
  private TestSite site;

  @BeforeAll
  static void start() {
    push = new LocalPushService().start();
    server = RunningPushcart.start(Map.of(
        "PUSHCART_PUSH_HOSTS", "127.0.0.1:" + push.port(),
        "PUSHCART_PUSH_CA_FILE", push.caFile().toString(),
        "PUSHCART_PUSH_MAX_ATTEMPTS", "3"));
  }

  @AfterAll
  static void stop() {
    server.close();
    push.close();
  }

  @BeforeEach
  void freshSite() {
    push.reset();
    site = TestSite.create(server.api());
  }

  private TestSubscriber subscribed(List<String> tags, Response... script) {
    TestSubscriber s = push.newSubscriber();
    if (script.length > 0) {
      push.script(s.token(), script);
    }
    Reply r = site.subscribe(s.subscriptionJson().put("tags", new JsonArray(tags)));
    assertThat(r.status()).as(r.json().encode()).isEqualTo(201);
    return s;
  }

  private JsonObject sendAndAwaitCompletion(Object audience) {
    Reply created = site.createCampaign(TestSite.campaignTo(audience));
    assertThat(created.status()).as(created.json().encode()).isEqualTo(201);
    String id = created.json().getString("id");
    assertThat(created.json().getString("status")).isIn("sending", "completed");
    return Poll.until(() -> site.campaign(id).json(), c -> "completed".equals(c.getString("status")),
        Duration.ofSeconds(60), "campaign " + id + " to complete");
  }

  @Test
  void everyOutcomeIsCountedRetriedOrDeletedAndEveryAcceptedMessageDecrypts() {
    List<TestSubscriber> fine = List.of(subscribed(List.of()), subscribed(List.of()), subscribed(List.of()));
    TestSubscriber gone404 = subscribed(List.of(), Response.status(404));
    TestSubscriber gone410 = subscribed(List.of(), Response.status(410));
    TestSubscriber throttled = subscribed(List.of(), Response.status(429).retryAfter(1), Response.created());
    TestSubscriber flaky = subscribed(List.of(), Response.status(503), Response.created());
    TestSubscriber down = subscribed(List.of(), Response.status(500));
    TestSubscriber refused = subscribed(List.of(), Response.status(403).body("BadJwtToken"));

    JsonObject campaign = sendAndAwaitCompletion("all");

    JsonObject stats = campaign.getJsonObject("stats");
    assertThat(stats.getLong("targeted")).isEqualTo(9);
    assertThat(stats.getLong("accepted")).isEqualTo(5);
    assertThat(stats.getLong("expired")).isEqualTo(2);
    assertThat(stats.getLong("failed")).isEqualTo(2);
    assertThat(stats.getLong("retried")).isEqualTo(1 + 1 + 2);

    // Retries: the 429 honoured Retry-After; the always-500 one was tried PUSHCART_PUSH_MAX_ATTEMPTS times.
    List<ReceivedPush> throttledTries = push.receivedFor(throttled.token());
    assertThat(throttledTries).hasSize(2);
    assertThat(Duration.between(throttledTries.get(0).receivedAt(), throttledTries.get(1).receivedAt()))
        .isGreaterThanOrEqualTo(Duration.ofMillis(950));
    assertThat(push.countFor(flaky.token())).isEqualTo(2);
    assertThat(push.countFor(down.token())).isEqualTo(3);
    assertThat(push.countFor(refused.token())).isEqualTo(1);
    // Why they failed is kept, with the push service's own words.
    assertThat(campaign.getJsonObject("failures").getLong("403 BadJwtToken")).isEqualTo(1);
    assertThat(campaign.getJsonObject("failures").fieldNames()).anyMatch(r -> r.startsWith("gave up after 3 attempts, last 500"));

    // Every message that reached the push service is correct: decrypted, signed, with RFC 8030 headers.
    for (ReceivedPush p : push.received()) {
      assertThat(p.problems()).as(p.toString()).isEmpty();
      JsonObject payload = new JsonObject(p.plaintext());
      assertThat(payload.getString("title")).isEqualTo("50% off shoes");
      assertThat(payload.getString("url")).isEqualTo("https://shop.example/sale");
      assertThat(payload.getString("tag")).isEqualTo("pc-" + campaign.getString("id"));
      assertThat(payload.getBoolean("renotify")).isTrue();
      assertThat(p.ttl()).isEqualTo(3600);
      assertThat(p.urgency()).isEqualTo("high");
      assertThat(p.topic()).isEqualTo("flash-sale");
      assertThat(p.vapidPublicKey()).isEqualTo(site.vapidPublicKey());
      assertThat(p.httpVersion().alpnName()).isEqualTo("h2");
    }
    fine.forEach(s -> assertThat(push.countFor(s.token())).isEqualTo(1));

    // 404 and 410 removed the subscriptions: a second campaign does not target them.
    assertThat(server.api().get("/v1/sites/" + site.id(), site.secretKey()).json().getLong("subscriberCount")).isEqualTo(7);
    push.reset();
    JsonObject second = sendAndAwaitCompletion("all");
    assertThat(second.getJsonObject("stats").getLong("targeted")).isEqualTo(7);
    assertThat(push.countFor(gone404.token())).isZero();
    assertThat(push.countFor(gone410.token())).isZero();
  }

  @Test
  void tagRulesReachEachMatchingSubscriberExactlyOnce() {
    TestSubscriber shoes = subscribed(List.of("shoes"));
    TestSubscriber shoesAndBags = subscribed(List.of("shoes", "bags"));
    TestSubscriber bags = subscribed(List.of("bags"));
    TestSubscriber bagsVip = subscribed(List.of("bags", "vip"));
    TestSubscriber hats = subscribed(List.of("hats"));

    JsonObject any = sendAndAwaitCompletion(new JsonObject().put("tags", new JsonObject()
        .put("any", new JsonArray().add("shoes").add("bags")).put("none", new JsonArray().add("vip"))));
    assertThat(any.getJsonObject("stats").getLong("targeted")).isEqualTo(3);
    assertThat(push.countFor(shoes.token())).isEqualTo(1);
    assertThat(push.countFor(shoesAndBags.token())).isEqualTo(1);
    assertThat(push.countFor(bags.token())).isEqualTo(1);
    assertThat(push.countFor(bagsVip.token())).isZero();
    assertThat(push.countFor(hats.token())).isZero();

    push.reset();
    JsonObject all = sendAndAwaitCompletion(new JsonObject().put("tags", new JsonObject()
        .put("all", new JsonArray().add("shoes").add("bags"))));
    assertThat(all.getJsonObject("stats").getLong("targeted")).isEqualTo(1);
    assertThat(push.count()).isEqualTo(1);
    assertThat(push.countFor(shoesAndBags.token())).isEqualTo(1);

    push.reset();
    JsonObject none = sendAndAwaitCompletion(new JsonObject().put("tags", new JsonObject()
        .put("none", new JsonArray().add("bags"))));
    assertThat(none.getJsonObject("stats").getLong("targeted")).isEqualTo(2);
    assertThat(push.countFor(shoes.token())).isEqualTo(1);
    assertThat(push.countFor(hats.token())).isEqualTo(1);
  }

  @Test
  void aCampaignWithNobodyToReachCompletesAtOnce() {
    subscribed(List.of("shoes"));
    JsonObject c = sendAndAwaitCompletion(new JsonObject().put("tags", new JsonObject().put("any", new JsonArray().add("nobody"))));
    assertThat(c.getJsonObject("stats").getLong("targeted")).isZero();
    assertThat(push.count()).isZero();
  }
}
