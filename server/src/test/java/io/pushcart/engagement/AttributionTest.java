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
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Conversions and revenue for real (Redis, HTTP, the local push service, the injected clock): an
 * order after a click is credited once to the clicked message, however often it is reported; an
 * order outside the window, or without a click, is not; refunds subtract, never below zero; the
 * customer's click on another device counts; variants and transactional pushes are credited too.
 */
class AttributionTest {
  private static final TestClock CLOCK = new TestClock().set(Instant.parse("2026-08-03T10:00:00Z"));
  @RegisterExtension
  static final PushStack.Extension stack = PushStack.extension(CLOCK);

  private static String subscribe(TestSite site) {
    TestSubscriber s = stack.push().newSubscriber();
    Reply r = site.subscribe(s.subscriptionJson());
    assertThat(r.status()).as(r.json().encode()).isEqualTo(201);
    return r.json().getString("id");
  }

  private static String sent(TestSite site, JsonObject body) {
    String id = site.startCampaign(body);
    site.awaitCompleted(id);
    return id;
  }

  private static void event(TestSite site, JsonObject event) {
    Reply r = stack.server().api().post("/v1/sites/" + site.id() + "/events", site.secretKey(), event);
    assertThat(r.status()).as(r.json().encode()).isEqualTo(202);
  }

  private static JsonObject order(String who, String whoId, String orderId, Instant at, double total) {
    return new JsonObject().put("type", "order.completed").put(who, whoId).put("occurredAt", at.toString())
        .put("data", new JsonObject().put("orderId", orderId).put("total", total).put("currency", "EUR"));
  }

  private static JsonObject refund(String subscriptionId, String orderId, double amount) {
    return new JsonObject().put("type", "order.refunded").put("subscriptionId", subscriptionId)
        .put("data", new JsonObject().put("orderId", orderId).put("amount", amount).put("currency", "EUR"));
  }

  private static JsonObject stats(TestSite site, String campaignId) {
    return site.campaign(campaignId).json().getJsonObject("stats");
  }

  @Test
  void anOrderAfterAClickIsCreditedOnceAndRefundsSubtractNeverBelowZero() {
    TestSite site = TestSite.create(stack.server().api());
    String clicker = subscribe(site);
    String other = subscribe(site);
    String campaign = sent(site, TestSite.campaignTo("all"));
    site.receipt(clicker, "notification.clicked", new JsonObject().put("campaignId", campaign));
    CLOCK.advance(Duration.ofHours(3));
    event(site, order("subscriptionId", clicker, "o-1", CLOCK.instant(), 49.90));
    event(site, order("subscriptionId", clicker, "o-1", CLOCK.instant(), 49.90).put("id", "replay-1")); // reported again
    event(site, order("subscriptionId", other, "o-2", CLOCK.instant(), 20)); // never clicked
    JsonObject s = stats(site, campaign);
    assertThat(s.getLong("conversions")).isEqualTo(1);
    assertThat(s.getJsonObject("revenue").getDouble("EUR")).isEqualTo(49.9);

    event(site, refund(clicker, "o-1", 20));
    s = stats(site, campaign);
    assertThat(s.getJsonObject("revenue").getDouble("EUR")).isEqualTo(29.9);
    assertThat(s.getLong("conversions")).isEqualTo(1);
    event(site, refund(clicker, "o-1", 100)); // more than is left: down to zero, and the conversion goes
    s = stats(site, campaign);
    assertThat(s.getJsonObject("revenue").getDouble("EUR")).isEqualTo(0.0);
    assertThat(s.getLong("conversions")).isZero();
    event(site, refund(other, "o-2", 5)); // an order never attributed: nothing changes
    assertThat(stats(site, campaign).getLong("conversions")).isZero();
  }

  @Test
  void anOrderOutsideTheWindowOrBeforeTheClickIsNotCredited() {
    TestSite site = TestSite.create(stack.server().api());
    Reply patched = stack.server().api().patch("/v1/sites/" + site.id(), site.secretKey(),
        new JsonObject().put("attributionWindow", "PT12H"));
    assertThat(patched.status()).isEqualTo(200);
    String sub = subscribe(site);
    String campaign = sent(site, TestSite.campaignTo("all"));
    Instant before = CLOCK.instant().minusSeconds(60);
    site.receipt(sub, "notification.clicked", new JsonObject().put("campaignId", campaign));
    event(site, order("subscriptionId", sub, "early", before, 10)); // happened before the click
    CLOCK.advance(Duration.ofHours(13));
    event(site, order("subscriptionId", sub, "late", CLOCK.instant(), 10)); // 13 h after, window 12 h
    assertThat(stats(site, campaign).getLong("conversions")).isZero();
  }

  @Test
  void theCustomersClickOnAnotherDeviceCountsAndVariantsAndTransactionalPushesAreCredited() {
    TestSite site = TestSite.create(stack.server().api());
    String phone = subscribe(site);
    String laptop = subscribe(site);
    for (String sub : new String[] {phone, laptop}) {
      Reply r = stack.server().api().patch("/v1/sites/" + site.id() + "/subscriptions/" + sub, site.secretKey(),
          new JsonObject().put("customerId", "c-42"));
      assertThat(r.status()).as(r.json().encode()).isEqualTo(200);
    }
    JsonObject body = TestSite.campaignTo("all");
    body.remove("notification");
    body.put("variants", new JsonArray()
        .add(new JsonObject().put("name", "A").put("notification", new JsonObject().put("title", "A")))
        .add(new JsonObject().put("name", "B").put("notification", new JsonObject().put("title", "B"))));
    String campaign = sent(site, body);
    site.receipt(phone, "notification.clicked", new JsonObject().put("campaignId", campaign));
    CLOCK.advance(Duration.ofMinutes(30));
    event(site, order("customerId", "c-42", "o-10", CLOCK.instant(), 120));
    JsonObject s = stats(site, campaign);
    assertThat(s.getLong("conversions")).isEqualTo(1);
    long credited = s.getJsonObject("variants").stream()
        .mapToLong(e -> ((JsonObject) e.getValue()).getLong("conversions")).sum();
    assertThat(credited).as("one variant got it").isEqualTo(1);

    // A transactional push clicked on the laptop later: the next order goes to it.
    Reply tx = stack.server().api().post("/v1/sites/" + site.id() + "/notifications", site.secretKey(), new JsonObject().put("id", "ship-1")
        .put("subscriptionId", laptop).put("notification", new JsonObject().put("title", "Shipped")));
    assertThat(tx.status()).as(tx.json().encode()).isEqualTo(202);
    Poll.until(() -> stack.server().api().get("/v1/sites/" + site.id() + "/notifications/ship-1", site.secretKey()).json()
        .getString("status"), "sent"::equals, Duration.ofSeconds(20), "the push to be sent");
    site.receipt(laptop, "notification.clicked", new JsonObject().put("notificationId", "ship-1"));
    CLOCK.advance(Duration.ofMinutes(5));
    event(site, order("customerId", "c-42", "o-11", CLOCK.instant(), 15.5));
    JsonObject pushed = stack.server().api().get("/v1/sites/" + site.id() + "/notifications/ship-1", site.secretKey()).json()
        .getJsonObject("stats");
    assertThat(pushed.getLong("conversions")).isEqualTo(1);
    assertThat(pushed.getJsonObject("revenue").getDouble("EUR")).isEqualTo(15.5);
    assertThat(stats(site, campaign).getLong("conversions")).isEqualTo(1);
  }
}
