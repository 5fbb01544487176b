package io.pushcart.engagement;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.redis.Keys;
import io.pushcart.support.ApiClient.Reply;
import io.pushcart.support.Poll;
import io.pushcart.support.PushStack;
import io.pushcart.support.RunningPushcart;
import io.pushcart.support.TestClock;
import io.pushcart.support.TestSite;
import io.pushcart.testkit.TestSubscriber;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Frequency caps for real (Redis, HTTP, the local push service, the injected clock; two
 * instances on one Redis): a campaign over the cap is dropped and counted, two campaigns racing
 * over one audience never take anyone past it, a transactional push passes and counts, and a
 * capped cart reminder waits for room instead of being lost.
 */
class FrequencyCapTest {
  private static final TestClock CLOCK = new TestClock().set(Instant.parse("2026-06-01T10:00:00Z"));
  @RegisterExtension
  static final PushStack.Extension stack = PushStack.extension(CLOCK);
  private static RunningPushcart second;

  @BeforeAll
  static void startSecond() {
    second = stack.another();
  }

  private static TestSite site(JsonArray caps) {
    TestSite site = TestSite.create(stack.server().api());
    Reply r = stack.server().api().patch("/v1/sites/" + site.id(), site.secretKey(), new JsonObject().put("frequencyCap", caps));
    assertThat(r.status()).as(r.json().encode()).isEqualTo(200);
    assertThat(r.json().getJsonArray("frequencyCap")).isEqualTo(caps);
    return site;
  }

  private static JsonArray cap(int max, String per) {
    return new JsonArray().add(new JsonObject().put("max", max).put("per", per));
  }

  private static List<String> subscribe(TestSite site, List<TestSubscriber> subscribers) {
    List<String> ids = new ArrayList<>();
    for (TestSubscriber s : subscribers) {
      Reply r = site.subscribe(s.subscriptionJson());
      assertThat(r.status()).as(r.json().encode()).isEqualTo(201);
      ids.add(r.json().getString("id"));
    }
    return ids;
  }

  private static JsonObject campaign(String title) {
    JsonObject body = TestSite.campaignTo("all").put("name", title);
    body.getJsonObject("notification").put("title", title);
    return body;
  }

  private static long capped(JsonObject campaign) {
    return campaign.getJsonObject("stats").getJsonObject("suppressed").getLong("capped", 0L);
  }

  @Test
  void aFourthCampaignInADayIsDroppedForThoseWhoGotThreeAndCounted() {
    TestSite site = site(cap(3, "P1D"));
    List<TestSubscriber> early = stack.push().newSubscribers(4);
    subscribe(site, early);
    for (int i = 1; i <= 2; i++) {
      site.awaitCompleted(site.startCampaign(campaign("Sale " + i)));
      CLOCK.advance(Duration.ofHours(1));
    }
    TestSubscriber late = stack.push().newSubscriber(); // joins after two campaigns: has room for two more
    subscribe(site, List.of(late));
    site.awaitCompleted(site.startCampaign(campaign("Sale 3")));
    CLOCK.advance(Duration.ofHours(1));

    JsonObject fourth = site.awaitCompleted(site.startCampaign(campaign("Sale 4")));
    assertThat(fourth.getJsonObject("stats").getLong("targeted")).isEqualTo(5);
    assertThat(fourth.getJsonObject("stats").getLong("accepted")).isEqualTo(1);
    assertThat(capped(fourth)).isEqualTo(4);
    for (TestSubscriber s : early) {
      assertThat(stack.push().receivedFor(s.token())).hasSize(3);
    }
    assertThat(stack.push().receivedFor(late.token())).hasSize(2);

    // A day after the first, it has left the window: room for one again.
    CLOCK.advance(Duration.ofHours(21));
    JsonObject fifth = site.awaitCompleted(site.startCampaign(campaign("Sale 5")));
    assertThat(fifth.getJsonObject("stats").getLong("accepted")).isEqualTo(5);
    assertThat(capped(fifth)).isZero();
    JsonObject sixth = site.awaitCompleted(site.startCampaign(campaign("Sale 6")));
    assertThat(capped(sixth)).as("everyone had three in the last day again").isEqualTo(5);
    assertThat(sixth.getJsonObject("stats").getLong("accepted")).isZero();
  }

  @Test
  void twoCampaignsRacingOverOneAudienceNeverTakeAnyonePastTheCap() {
    for (int round = 0; round < 3; round++) {
      TestSite site = site(cap(1, "P1D"));
      List<TestSubscriber> people = stack.push().newSubscribers(60);
      subscribe(site, people);
      // Created at once through both instances: both fan out and send to the same people together.
      CompletableFuture<String> a = CompletableFuture.supplyAsync(() -> site.startCampaign(campaign("A")));
      CompletableFuture<String> b = CompletableFuture.supplyAsync(
          () -> new TestSite(site.id(), site.secretKey(), site.vapidPublicKey(), second.api()).startCampaign(campaign("B")));
      JsonObject doneA = site.awaitCompleted(a.join());
      JsonObject doneB = site.awaitCompleted(b.join());
      for (TestSubscriber s : people) {
        assertThat(stack.push().receivedFor(s.token())).as("round " + round).hasSize(1);
      }
      long accepted = doneA.getJsonObject("stats").getLong("accepted") + doneB.getJsonObject("stats").getLong("accepted");
      assertThat(accepted).isEqualTo(60);
      assertThat(capped(doneA) + capped(doneB)).isEqualTo(60);
    }
  }

  @Test
  void aTransactionalPushPassesTheCapAndCountsAgainstIt() {
    TestSite site = site(cap(2, "P1D"));
    TestSubscriber shopper = stack.push().newSubscriber();
    String id = subscribe(site, List.of(shopper)).get(0);
    site.awaitCompleted(site.startCampaign(campaign("Newsletter")));
    for (String n : List.of("n-1", "n-2")) { // over the cap with the second: sent all the same
      Reply r = stack.server().api().post("/v1/sites/" + site.id() + "/notifications", site.secretKey(), new JsonObject().put("id", n)
          .put("subscriptionId", id).put("notification", new JsonObject().put("title", "Your order shipped").put("body", "On its way")));
      assertThat(r.status()).as(r.json().encode()).isEqualTo(202);
    }
    Poll.until(() -> stack.push().receivedFor(shopper.token()).size(), n -> n == 3, Duration.ofSeconds(20), "both transactional pushes");
    JsonObject next = site.awaitCompleted(site.startCampaign(campaign("Newsletter 2")));
    assertThat(capped(next)).as("the transactional pushes counted").isEqualTo(1);
    assertThat(stack.push().receivedFor(shopper.token())).hasSize(3);
    // ignoreCap on a campaign: sent over the cap, and counted.
    JsonObject urgent = site.awaitCompleted(site.startCampaign(campaign("Recall notice").put("ignoreCap", true)));
    assertThat(urgent.getBoolean("ignoreCap")).isTrue();
    assertThat(urgent.getJsonObject("stats").getLong("accepted")).isEqualTo(1);
    assertThat(stack.push().receivedFor(shopper.token())).hasSize(4);
    String log = stack.redis().send(Request.cmd(Command.HGET).arg(Keys.subscription(site.id(), id)).arg("capLog")).toString();
    assertThat(log.split(",")).hasSize(2); // at most the cap's max times are kept
  }

  @Test
  void aCappedCartReminderWaitsForRoomInsteadOfBeingDropped() {
    TestSite site = site(cap(1, "PT12H"));
    TestSubscriber shopper = stack.push().newSubscriber();
    String id = subscribe(site, List.of(shopper)).get(0);
    Reply made = stack.server().api().post("/v1/sites/" + site.id() + "/automations", site.secretKey(), new JsonObject()
        .put("name", "Cart reminder").put("trigger", "cart_abandoned").put("enabled", true)
        .put("steps", new JsonArray().add(new JsonObject().put("delay", "PT1H")
            .put("notification", new JsonObject().put("title", "{{ cart.items[0].name }} is waiting").put("body", "Come back")))));
    assertThat(made.status()).as(made.json().encode()).isEqualTo(201);
    String automation = made.json().getString("id");
    Instant start = CLOCK.instant();
    site.awaitCompleted(site.startCampaign(campaign("Newsletter"))); // takes the one slot until start + 12 h
    Reply event = stack.server().api().post("/v1/sites/" + site.id() + "/events", site.secretKey(), new JsonObject()
        .put("type", "cart.updated").put("subscriptionId", id).put("occurredAt", start.toString())
        .put("data", new JsonObject().put("cartId", "c-1").put("total", 10).put("currency", "EUR")
            .put("items", new JsonArray().add(new JsonObject().put("productId", "p").put("name", "Mug").put("quantity", 1).put("price", 10)))));
    assertThat(event.status()).as(event.json().encode()).isEqualTo(202);

    CLOCK.advance(Duration.ofHours(1)); // due, but capped: held until the newsletter leaves the window
    Poll.until(() -> stepStats(site, automation).getLong("held"), n -> n == 1, Duration.ofSeconds(20), "the step to be held");
    CLOCK.advance(Duration.ofHours(10).plusMinutes(59));
    stack.redis().awaitDrained(site.id());
    assertThat(stack.push().receivedFor(shopper.token())).hasSize(1);
    CLOCK.advance(Duration.ofMinutes(1));
    Poll.until(() -> stack.push().receivedFor(shopper.token()).size(), n -> n == 2, Duration.ofSeconds(20),
        "the reminder after the window");
    assertThat(new JsonObject(stack.push().receivedFor(shopper.token()).get(1).plaintext()).getString("title")).isEqualTo("Mug is waiting");
    Poll.until(() -> stepStats(site, automation).getLong("accepted"), n -> n == 1, Duration.ofSeconds(20), "the step's outcome");
    assertThat(stepStats(site, automation).getJsonObject("suppressed")).isEmpty();
  }

  private static JsonObject stepStats(TestSite site, String automation) {
    return stack.server().api().get("/v1/sites/" + site.id() + "/automations/" + automation, site.secretKey()).json()
        .getJsonObject("stats").getJsonArray("steps").getJsonObject(0);
  }

  @Test
  void aCappedStepThatWouldBeStaleByThenIsSuppressedAndTheRunGoesOn() {
    TestSite site = site(cap(1, "P1D"));
    TestSubscriber shopper = stack.push().newSubscriber();
    subscribe(site, List.of(shopper));
    site.awaitCompleted(site.startCampaign(campaign("Newsletter"))); // the day's one slot
    JsonObject welcome = new JsonObject().put("title", "Welcome").put("body", "Hello");
    Reply made = stack.server().api().post("/v1/sites/" + site.id() + "/automations", site.secretKey(), new JsonObject()
        .put("name", "Welcome").put("trigger", "welcome").put("enabled", true)
        .put("steps", new JsonArray()
            .add(new JsonObject().put("delay", "PT1M").put("ttl", 3600).put("notification", welcome)) // stale after an hour
            .add(new JsonObject().put("delay", "P1D").put("notification", welcome.copy().put("title", "Still here")))));
    assertThat(made.status()).as(made.json().encode()).isEqualTo(201);
    String automation = made.json().getString("id");
    TestSubscriber newcomer = stack.push().newSubscriber();
    subscribe(site, List.of(newcomer)); // the welcome run starts; its first step falls due in a minute, capped by...
    site.awaitCompleted(site.startCampaign(campaign("Newsletter for the newcomer"))); // ...this, sent at once
    CLOCK.advance(Duration.ofMinutes(2));
    Poll.until(() -> stepStats(site, automation).getJsonObject("suppressed").getLong("capped", 0L), n -> n == 1,
        Duration.ofSeconds(20), "the stale step to be suppressed");
    assertThat(stack.push().receivedFor(newcomer.token())).hasSize(1); // the newsletter only
    CLOCK.advance(Duration.ofDays(1).plusMinutes(1)); // step 2, a day later: the cap has room again
    Poll.until(() -> stack.push().receivedFor(newcomer.token()).size(), n -> n == 2, Duration.ofSeconds(20), "step 2");
    assertThat(new JsonObject(stack.push().receivedFor(newcomer.token()).get(1).plaintext()).getString("title")).isEqualTo("Still here");
  }

  @Test
  void badCapsAreRefusedNamingTheField() {
    TestSite site = TestSite.create(stack.server().api());
    String path = "/v1/sites/" + site.id();
    Reply r = stack.server().api().patch(path, site.secretKey(), new JsonObject().put("frequencyCap", cap(0, "P1D")));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorField()).isEqualTo("frequencyCap[0].max");
    r = stack.server().api().patch(path, site.secretKey(), new JsonObject().put("frequencyCap", cap(3, "1 day")));
    assertThat(r.errorField()).isEqualTo("frequencyCap[0].per");
    r = stack.server().api().patch(path, site.secretKey(), new JsonObject().put("frequencyCap", new JsonArray().add("3/day")));
    assertThat(r.errorField()).isEqualTo("frequencyCap[0]");
    r = stack.server().api().patch(path, site.secretKey(),
        new JsonObject().put("quietHours", new JsonObject().put("start", "22:00").put("end", "8")));
    assertThat(r.errorField()).isEqualTo("quietHours.end");
    r = stack.server().api().patch(path, site.secretKey(), new JsonObject().put("attributionWindow", "P90D"));
    assertThat(r.errorField()).isEqualTo("attributionWindow");
    r = stack.server().api().patch(path, site.secretKey(), new JsonObject().put("frequencyCap", cap(3, "P1D"))
        .put("quietHours", new JsonObject().put("start", "22:00").put("end", "08:00")).put("attributionWindow", "PT12H"));
    assertThat(r.status()).as(r.json().encode()).isEqualTo(200);
    JsonObject shown = stack.server().api().get(path, site.secretKey()).json();
    assertThat(shown.getJsonArray("frequencyCap")).isEqualTo(cap(3, "P1D"));
    assertThat(shown.getJsonObject("quietHours")).isEqualTo(new JsonObject().put("start", "22:00").put("end", "08:00"));
    assertThat(shown.getString("attributionWindow")).isEqualTo("PT12H");
    r = stack.server().api().patch(path, site.secretKey(), new JsonObject().putNull("frequencyCap").putNull("quietHours"));
    assertThat(r.json().getJsonArray("frequencyCap")).isEmpty();
    assertThat(r.json().getValue("quietHours")).isNull();
  }
}
