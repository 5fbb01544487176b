package io.pushcart.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.delivery.DeliveryMetrics;
import io.pushcart.support.ApiClient.Reply;
import io.pushcart.support.Poll;
import io.pushcart.support.RedisProbe;
import io.pushcart.support.RunningPushcart;
import io.pushcart.support.TempDirs;
import io.pushcart.support.TestClock;
import io.pushcart.support.TestSite;
import io.pushcart.testkit.LocalPushService;
import io.pushcart.testkit.ReceivedPush;
import io.pushcart.testkit.Response;
import io.pushcart.testkit.TestSubscriber;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Scheduled campaigns delivered for real (Redis, HTTP, the local push service), with time moved
 * by the one injected clock instead of waited for. The push service lives on the same clock, so
 * VAPID expiry and arrival times are judged in the test's time.
 */
class ScheduledDeliveryTest {
  private static final TestClock CLOCK = new TestClock();
  private static LocalPushService push;
  /** A second push service, for the test whose 429 makes the server back off from its origin. */
  private static LocalPushService throttling;
  private static Map<String, String> env;
  private static Path dataDir;
  private static RunningPushcart server;
  private static RedisProbe redis;

  @BeforeAll
  static void start() throws Exception {
    push = new LocalPushService().clock(CLOCK).start();
    throttling = new LocalPushService().clock(CLOCK).start();
    env = Map.of(
        "PUSHCART_PUSH_HOSTS", "127.0.0.1:" + push.port() + ",127.0.0.1:" + throttling.port(),
        "PUSHCART_PUSH_CA_FILE", push.caFile().toString(),
        // Two requests in flight per worker: a campaign of 1,500 takes seconds, long enough to cancel mid-way.
        "PUSHCART_PUSH_CONCURRENCY", "4");
    dataDir = TempDirs.create("scheduled-delivery");
    server = RunningPushcart.start(dataDir, env, DeliveryMetrics.NONE, CLOCK);
    redis = new RedisProbe(server.redisUrl());
  }

  @AfterAll
  static void stop() {
    redis.close();
    server.close();
    push.close();
    throttling.close();
  }

  private static TestSite newSite() {
    return TestSite.create(server.api());
  }

  private static TestSubscriber subscribe(TestSite site, LocalPushService service, JsonObject attributes) {
    TestSubscriber s = service.newSubscriber();
    Reply r = site.subscribe(s.subscriptionJson().put("attributes", attributes));
    assertThat(r.status()).as(r.json().encode()).isEqualTo(201);
    return s;
  }

  private static JsonObject campaign(String title) {
    JsonObject body = TestSite.campaignTo("all");
    body.getJsonObject("notification").put("title", title);
    return body;
  }

  private static String create(TestSite site, JsonObject body) {
    Reply r = site.createCampaign(body);
    assertThat(r.status()).as(r.json().encode()).isEqualTo(201);
    return r.json().getString("id");
  }

  private static List<ReceivedPush> titled(LocalPushService service, String title) {
    return service.received().stream()
        .filter(p -> p.plaintext() != null && title.equals(new JsonObject(p.plaintext()).getString("title"))).toList();
  }

  private static JsonObject completed(TestSite site, String id) {
    return site.awaitCampaign(id, c -> "completed".equals(c.getString("status")), "campaign " + id + " to complete");
  }

  /**
   * Proves that nothing else is due: a campaign scheduled a second ahead fires through the same
   * schedule after anything due before it, and once it completes and the site's work stream is
   * empty, nothing is left that could still send.
   */
  private static void barrier(TestSite site) {
    String id = create(site, campaign("barrier").put("sendAt", CLOCK.instant().plusSeconds(1).toString()));
    completed(site, id);
    redis.awaitDrained(site.id());
  }

  @Test
  void aCampaignCancelledBeforeItsTimeSendsNothing() {
    TestSite site = newSite();
    subscribe(site, push, new JsonObject());
    String id = create(site, campaign("cancelled launch").put("sendAt", CLOCK.instant().plusSeconds(3600).toString()));
    assertThat(site.cancelCampaign(id).json().getString("status")).isEqualTo("cancelled");

    CLOCK.advance(Duration.ofHours(2));
    barrier(site);
    assertThat(titled(push, "cancelled launch")).isEmpty();
    JsonObject c = site.campaign(id).json();
    assertThat(c.getString("status")).isEqualTo("cancelled");
    assertThat(c.getJsonObject("stats").getLong("targeted")).isZero();
  }

  @Test
  void aPatchedSendAtMovesTheFiring() {
    TestSite site = newSite();
    TestSubscriber shopper = subscribe(site, push, new JsonObject());
    Instant first = CLOCK.instant().plusSeconds(3600);
    String id = create(site, campaign("moved launch").put("sendAt", first.toString()));
    Instant later = first.plusSeconds(3600);
    assertThat(site.updateCampaign(id, new JsonObject().put("sendAt", later.toString())).status()).isEqualTo(200);

    CLOCK.set(first.plusSeconds(60));
    barrier(site);
    assertThat(titled(push, "moved launch")).isEmpty();
    assertThat(site.campaign(id).json().getString("status")).isEqualTo("scheduled");

    CLOCK.set(later);
    JsonObject done = completed(site, id);
    assertThat(done.getJsonObject("stats").getLong("accepted")).isEqualTo(1);
    List<ReceivedPush> got = titled(push, "moved launch");
    assertThat(got).hasSize(1);
    assertThat(got.get(0).token()).isEqualTo(shopper.token());
    assertThat(got.get(0).receivedAt()).isAfterOrEqualTo(later);
    assertThat(Instant.parse(done.getString("startedAt"))).isAfterOrEqualTo(later);
  }

  @Test
  void cancellingWhileSendingStopsTheRestAndKeepsWhatWasSentCounted() {
    TestSite site = newSite();
    List<TestSubscriber> shoppers = push.newSubscribers(1500);
    for (TestSubscriber s : shoppers) {
      push.script(s.token(), Response.created().delay(Duration.ofMillis(10)));
      assertThat(site.subscribe(s.subscriptionJson()).status()).isEqualTo(201);
    }
    String id = create(site, campaign("stopped sale"));
    Poll.until(() -> titled(push, "stopped sale").size(), n -> n >= 100, Duration.ofSeconds(60), "100 messages out");
    Reply cancelled = site.cancelCampaign(id);
    assertThat(cancelled.status()).as(cancelled.json().encode()).isEqualTo(200);

    redis.awaitDrained(site.id());
    JsonObject c = site.campaign(id).json();
    assertThat(c.getString("status")).isEqualTo("cancelled");
    long accepted = c.getJsonObject("stats").getLong("accepted");
    assertThat(titled(push, "stopped sale")).hasSize((int) accepted);
    assertThat(accepted).isBetween(100L, 1499L);
  }

  @Test
  void aFlashSalesMessagesNeverOutliveItAndARetryPastItsEndLapses() {
    TestSite site = newSite();
    subscribe(site, push, new JsonObject());
    subscribe(site, push, new JsonObject());
    Instant end = CLOCK.instant().plusSeconds(100);
    String id = create(site, campaign("flash sale").put("ttl", 3600).put("expiresAt", end.toString()));
    JsonObject done = completed(site, id);
    assertThat(done.getJsonObject("stats").getLong("accepted")).isEqualTo(2);
    for (ReceivedPush p : titled(push, "flash sale")) {
      long left = Duration.between(p.receivedAt(), end).toSeconds();
      assertThat(p.ttl()).as("TTL header vs %d s left", left).isBetween(1, (int) left + 1).isLessThanOrEqualTo(100);
      assertThat(p.problems()).isEmpty();
    }

    // The push service asks to wait past the sale's end: the message is not retried, it lapses.
    TestSite other = newSite();
    TestSubscriber busy = throttling.newSubscriber();
    throttling.script(busy.token(), Response.status(429).retryAfter(600), Response.created());
    assertThat(other.subscribe(busy.subscriptionJson()).status()).isEqualTo(201);
    String sale = create(other, campaign("busy sale").put("expiresAt", CLOCK.instant().plusSeconds(100).toString()));
    JsonObject stats = completed(other, sale).getJsonObject("stats");
    assertThat(stats.getLong("lapsed")).isEqualTo(1);
    assertThat(stats.getLong("retried")).isZero();
    assertThat(stats.getLong("accepted")).isZero();
    assertThat(throttling.countFor(busy.token())).isEqualTo(1);
  }

  @Test
  void aLastHourFollowUpWithTheSameTopicAndTagReplacesTheFirstMessage() {
    TestSite site = newSite();
    TestSubscriber shopper = subscribe(site, push, new JsonObject());
    Instant end = CLOCK.instant().plusSeconds(7200);
    for (String title : List.of("sale starts", "last hour")) {
      JsonObject body = campaign(title).put("topic", "shoe sale").put("expiresAt", end.toString());
      body.getJsonObject("notification").put("tag", "shoe-sale");
      completed(site, create(site, body));
    }
    List<ReceivedPush> both = push.receivedFor(shopper.token());
    assertThat(both).hasSize(2);
    // RFC 8030 §5.4: the same Topic header, so a push service replaces a message still waiting;
    // the same notification tag, so the device replaces the one showing.
    assertThat(both.get(0).topic()).isNotBlank().isEqualTo(both.get(1).topic());
    assertThat(both).allSatisfy(p -> assertThat(new JsonObject(p.plaintext()).getString("tag")).isEqualTo("shoe-sale"));
  }

  @Test
  void aCampaignDueWhileNoInstanceRanFiresOnTheNextStartUnlessItExpiredMeanwhile() {
    TestSite site = newSite();
    subscribe(site, push, new JsonObject());
    subscribe(site, push, new JsonObject());
    Instant at = CLOCK.instant().plusSeconds(3600);
    String kept = create(site, campaign("kept").put("sendAt", at.toString()).put("expiresAt", at.plusSeconds(5 * 3600).toString()));
    String expired = create(site, campaign("expired").put("sendAt", at.toString()).put("expiresAt", at.plusSeconds(3600).toString()));

    server.close();
    CLOCK.set(at.plusSeconds(3 * 3600)); // both fell due while nothing ran; one has also expired
    server = RunningPushcart.start(dataDir, env, DeliveryMetrics.NONE, CLOCK);
    redis.close();
    redis = new RedisProbe(server.redisUrl());
    TestSite again = new TestSite(site.id(), site.secretKey(), site.vapidPublicKey(), server.api());

    JsonObject fired = completed(again, kept);
    assertThat(fired.getJsonObject("stats").getLong("accepted")).isEqualTo(2);
    assertThat(titled(push, "kept")).hasSize(2);

    JsonObject lapsed = completed(again, expired);
    JsonObject stats = lapsed.getJsonObject("stats");
    assertThat(stats.getLong("targeted")).isEqualTo(2);
    assertThat(stats.getLong("lapsed")).isEqualTo(2);
    assertThat(stats.getLong("accepted")).isZero();
    assertThat(lapsed.getString("statusReason")).contains("expiresAt passed");
    assertThat(titled(push, "expired")).isEmpty();
  }

  @Test
  void aLocalTimeCampaignReachesEachSubscriberAtTenWhereTheyLiveInOrderNoneEarly() {
    TestSite site = newSite();
    Reply zone = server.api().patch("/v1/sites/" + site.id(), site.secretKey(), new JsonObject().put("timezone", "America/Los_Angeles"));
    assertThat(zone.status()).isEqualTo(200);
    List<String> zones = List.of("Asia/Kolkata", "Europe/Berlin", "America/New_York", "");
    List<TestSubscriber> shoppers = new ArrayList<>();
    for (String z : zones) {
      shoppers.add(subscribe(site, push, z.isEmpty() ? new JsonObject() : new JsonObject().put("timezone", z)));
    }
    LocalDate day = LocalDate.ofInstant(CLOCK.instant(), ZoneOffset.UTC).plusDays(2);
    String id = create(site, campaign("good morning").put("localTime", day + "T10:00"));
    assertThat(site.campaign(id).json().getString("status")).isEqualTo("scheduled");

    for (int i = 0; i < zones.size(); i++) {
      String z = zones.get(i).isEmpty() ? "America/Los_Angeles" : zones.get(i);
      Instant ten = ZonedDateTime.of(day, LocalTime.of(10, 0), ZoneId.of(z)).toInstant();
      CLOCK.set(ten);
      TestSubscriber shopper = shoppers.get(i);
      Poll.until(() -> push.countFor(shopper.token()), n -> n >= 1, Duration.ofSeconds(30), "10:00 in " + z);
      ReceivedPush got = push.receivedFor(shopper.token()).get(0);
      assertThat(got.receivedAt()).as("arrival in " + z).isAfterOrEqualTo(ten);
      for (TestSubscriber later : shoppers.subList(i + 1, shoppers.size())) {
        assertThat(push.countFor(later.token())).as("a zone whose 10:00 has not come yet").isZero();
      }
      assertThat(site.campaign(id).json().getJsonObject("stats").getLong("targeted")).isEqualTo(i + 1);
    }
    // The campaign completes when the last zone (UTC-12) has had its 10:00.
    CLOCK.set(ZonedDateTime.of(day, LocalTime.of(10, 0), ZoneId.of("Etc/GMT+12")).toInstant());
    JsonObject done = completed(site, id);
    assertThat(done.getJsonObject("stats").getLong("accepted")).isEqualTo(4);
    shoppers.forEach(s -> assertThat(push.countFor(s.token())).isEqualTo(1));
    // No wave fired before its time, by the server's own account.
    JsonArray waves = done.getJsonArray("waves");
    for (int i = 0; i < waves.size(); i++) {
      JsonObject w = waves.getJsonObject(i);
      assertThat(Instant.parse(w.getString("firedAt"))).as(w.encode()).isAfterOrEqualTo(Instant.parse(w.getString("at")));
    }
  }
}
