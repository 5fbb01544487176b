package io.pushcart.engagement;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.redis.Keys;
import io.pushcart.support.ApiClient.Reply;
import io.pushcart.support.Poll;
import io.pushcart.support.PushStack;
import io.pushcart.support.TestClock;
import io.pushcart.support.TestSite;
import io.pushcart.testkit.TestSubscriber;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Quiet hours (22:00–08:00) for real, in each subscriber's zone: Asia/Kolkata (+05:30),
 * America/New_York on the days its clocks change, Australia/Lord_Howe (a 30-minute DST) and the
 * site's zone for subscribers without one. Nothing arrives inside the window; held messages
 * arrive after 08:00 local, spread over the following minute; a flash sale that expires while
 * held is counted, not sent. The tests run in calendar order: the clock only moves forward.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QuietHoursDeliveryTest {
  private static final TestClock CLOCK = new TestClock().set(Instant.parse("2026-03-07T12:00:00Z"));
  @RegisterExtension
  static final PushStack.Extension stack = PushStack.extension(CLOCK);

  /** A site whose zone is Europe/Berlin, quiet from 22:00 to 08:00. */
  private static TestSite site() {
    TestSite site = TestSite.create(stack.server().api());
    Reply r = stack.server().api().patch("/v1/sites/" + site.id(), site.secretKey(), new JsonObject().put("timezone", "Europe/Berlin")
        .put("quietHours", new JsonObject().put("start", "22:00").put("end", "08:00")));
    assertThat(r.status()).as(r.json().encode()).isEqualTo(200);
    return site;
  }

  private static List<TestSubscriber> subscribe(TestSite site, String zone, int n) {
    List<TestSubscriber> out = stack.push().newSubscribers(n);
    for (TestSubscriber s : out) {
      JsonObject body = s.subscriptionJson();
      if (zone != null) {
        body.put("attributes", new JsonObject().put("timezone", zone));
      }
      Reply r = site.subscribe(body);
      assertThat(r.status()).as(r.json().encode()).isEqualTo(201);
    }
    return out;
  }

  private static int received(List<TestSubscriber> people) {
    return people.stream().mapToInt(s -> stack.push().receivedFor(s.token()).size()).sum();
  }

  private static JsonObject stats(TestSite site, String campaignId) {
    return site.campaign(campaignId).json().getJsonObject("stats");
  }

  /** The due times of the site's held messages, once {@code n} are held. */
  private static List<Instant> held(TestSite site, int n) {
    Response r = Poll.until(() -> stack.redis().send(Request.cmd(Command.ZRANGE).arg(Keys.site(site.id(), Keys.Part.RETRIES)).arg(0).arg(-1)
        .arg("WITHSCORES")), x -> x.size() == n, Duration.ofSeconds(20), n + " held messages");
    List<Instant> out = new ArrayList<>();
    for (int i = 0; i < r.size(); i++) {
      Response entry = r.get(i);
      out.add(Instant.ofEpochMilli((long) Double.parseDouble(entry.get(1).toString())));
    }
    return out;
  }

  /**
   * Sends a campaign now to {@code people}, held until {@code end}: nothing arrives just before
   * it, everything within the minute after it.
   */
  private static void heldUntil(TestSite site, List<TestSubscriber> people, Instant end) {
    String id = site.startCampaign(TestSite.campaignTo("all").put("ttl", 86_400));
    Poll.until(() -> stats(site, id).getLong("held"), n -> n == people.size(), Duration.ofSeconds(20), "the messages to be held");
    for (Instant due : held(site, people.size())) {
      assertThat(due).isBetween(end, end.plusSeconds(59).plusMillis(999));
    }
    CLOCK.set(end.minusSeconds(5));
    stack.redis().awaitDrained(site.id());
    assertThat(received(people)).as("inside the window").isZero();
    CLOCK.set(end.plusSeconds(61));
    JsonObject done = site.awaitCompleted(id);
    assertThat(done.getJsonObject("stats").getLong("accepted")).isEqualTo(people.size());
    assertThat(received(people)).isEqualTo(people.size());
  }

  @Test
  @Order(1)
  void newYorkOnTheMorningItsClocksSpringForward() {
    TestSite site = site();
    List<TestSubscriber> ny = subscribe(site, "America/New_York", 3);
    CLOCK.set(Instant.parse("2026-03-08T11:30:00Z")); // 07:30 EDT: quiet until 08:00 EDT, 12:00Z (not 13:00Z)
    heldUntil(site, ny, Instant.parse("2026-03-08T12:00:00Z"));
  }

  @Test
  @Order(2)
  void lordHoweWhereDstIsHalfAnHour() {
    TestSite site = site();
    List<TestSubscriber> lh = subscribe(site, "Australia/Lord_Howe", 3);
    CLOCK.set(Instant.parse("2026-04-04T21:10:00Z")); // 07:40 +10:30 on the morning DST ended: quiet until 21:30Z
    heldUntil(site, lh, Instant.parse("2026-04-04T21:30:00Z"));
  }

  @Test
  @Order(3)
  void kolkataIsHeldSpreadOverTheMinuteWhileTheSitesZoneIsNot() {
    TestSite site = site();
    List<TestSubscriber> kolkata = subscribe(site, "Asia/Kolkata", 20);
    List<TestSubscriber> noZone = subscribe(site, null, 2); // in the site's Europe/Berlin: 19:30, not quiet
    CLOCK.set(Instant.parse("2026-06-01T17:30:00Z")); // 23:00 in Kolkata
    String id = site.startCampaign(TestSite.campaignTo("all").put("ttl", 86_400));
    Poll.until(() -> received(noZone), n -> n == 2, Duration.ofSeconds(20), "the subscribers outside quiet hours");
    List<Instant> due = held(site, 20);
    Instant end = Instant.parse("2026-06-02T02:30:00Z");
    assertThat(due).allSatisfy(t -> assertThat(t).isBetween(end, end.plusSeconds(59).plusMillis(999)));
    assertThat(due.stream().map(Instant::getEpochSecond).distinct().count()).as("spread over the minute").isGreaterThan(10);
    CLOCK.set(end.minusSeconds(5));
    stack.redis().awaitDrained(site.id());
    assertThat(received(kolkata)).isZero();
    CLOCK.set(end.plusSeconds(61));
    site.awaitCompleted(id);
    assertThat(received(kolkata)).isEqualTo(20);
    assertThat(stats(site, id).getLong("held")).isEqualTo(20);
  }

  @Test
  @Order(4)
  void aFlashSaleThatExpiresWhileHeldIsCountedNotSent() {
    TestSite site = site();
    List<TestSubscriber> kolkata = subscribe(site, "Asia/Kolkata", 2);
    List<TestSubscriber> berlin = subscribe(site, "Europe/Berlin", 1);
    CLOCK.set(Instant.parse("2026-06-03T17:00:00Z")); // 22:30 in Kolkata, 19:00 in Berlin
    String id = site.startCampaign(TestSite.campaignTo("all").put("expiresAt", "2026-06-03T20:00:00Z"));
    JsonObject done = site.awaitCompleted(id);
    assertThat(done.getJsonObject("stats").getLong("accepted")).isEqualTo(1);
    assertThat(done.getJsonObject("stats").getJsonObject("suppressed").getLong("quietHours")).isEqualTo(2);
    assertThat(received(berlin)).isEqualTo(1);
    CLOCK.set(Instant.parse("2026-06-04T03:00:00Z"));
    stack.redis().awaitDrained(site.id());
    assertThat(received(kolkata)).isZero();

    // ignoreQuietHours: sent inside them.
    String urgent = site.startCampaign(TestSite.campaignTo("all").put("ignoreQuietHours", true));
    CLOCK.set(Instant.parse("2026-06-04T17:00:00Z"));
    site.awaitCompleted(urgent);
    assertThat(received(kolkata)).isEqualTo(2);
  }

  @Test
  @Order(5)
  void aLocalTimeCampaignAtTheWindowsStartIsHeldAndOneJustBeforeItIsNot() {
    TestSite site = site();
    List<TestSubscriber> kolkata = subscribe(site, "Asia/Kolkata", 2);
    CLOCK.set(Instant.parse("2026-06-05T12:00:00Z"));
    String before = site.startCampaign(TestSite.campaignTo("all").put("localTime", "2026-06-05T21:59").put("ttl", 86_400));
    String at = site.startCampaign(TestSite.campaignTo("all").put("localTime", "2026-06-05T22:00").put("ttl", 86_400));
    CLOCK.set(Instant.parse("2026-06-05T16:29:00Z")); // 21:59 in Kolkata
    site.awaitCampaign(before, c -> c.getJsonObject("stats").getLong("accepted") == 2, "21:59 to be sent");
    CLOCK.set(Instant.parse("2026-06-05T16:30:00Z")); // 22:00: the window's start is inside it
    Poll.until(() -> stats(site, at).getLong("held"), n -> n == 2, Duration.ofSeconds(20), "22:00 to be held");
    assertThat(received(kolkata)).isEqualTo(2);
    CLOCK.set(Instant.parse("2026-06-06T02:31:01Z"));
    site.awaitCampaign(at, c -> c.getJsonObject("stats").getLong("accepted") == 2, "22:00 to arrive after the window");
    assertThat(received(kolkata)).isEqualTo(4);
  }

  @Test
  @Order(6)
  void anAutomationStepDueInQuietHoursArrivesWhenTheyEnd() {
    TestSite site = site();
    CLOCK.set(Instant.parse("2026-10-03T19:00:00Z")); // 05:30 on Lord Howe, the morning DST begins (+11 from 02:00)
    Reply made = stack.server().api().post("/v1/sites/" + site.id() + "/automations", site.secretKey(), new JsonObject()
        .put("name", "Welcome").put("trigger", "welcome").put("enabled", true)
        .put("steps", new JsonArray().add(new JsonObject().put("delay", "PT1M")
            .put("notification", new JsonObject().put("title", "Welcome to {{ site.name }}").put("body", "Hello")))));
    assertThat(made.status()).as(made.json().encode()).isEqualTo(201);
    List<TestSubscriber> lh = subscribe(site, "Australia/Lord_Howe", 1);
    CLOCK.advance(Duration.ofMinutes(2));
    List<Instant> due = held(site, 1);
    Instant end = Instant.parse("2026-10-03T21:00:00Z"); // 08:00 +11:00
    assertThat(due.get(0)).isBetween(end, end.plusSeconds(59).plusMillis(999));
    CLOCK.set(end.minusSeconds(5));
    stack.redis().awaitDrained(site.id());
    assertThat(received(lh)).isZero();
    CLOCK.set(end.plusSeconds(61));
    Poll.until(() -> received(lh), n -> n == 1, Duration.ofSeconds(20), "the welcome after quiet hours");
  }

  @Test
  @Order(7)
  void newYorkOnTheMorningItsClocksFallBack() {
    TestSite site = site();
    List<TestSubscriber> ny = subscribe(site, "America/New_York", 3);
    CLOCK.set(Instant.parse("2026-11-01T12:30:00Z")); // 07:30 EST: quiet until 08:00 EST, 13:00Z (not 12:00Z)
    heldUntil(site, ny, Instant.parse("2026-11-01T13:00:00Z"));
  }
}
