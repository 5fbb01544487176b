package io.pushcart.engagement;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.delivery.DeliveryMetrics;
import io.pushcart.redis.EmbeddedRedis;
import io.pushcart.support.ApiClient.Reply;
import io.pushcart.support.Poll;
import io.pushcart.support.RunningPushcart;
import io.pushcart.support.TempDirs;
import io.pushcart.support.TestClock;
import io.pushcart.support.TestSite;
import io.pushcart.testkit.LocalPushService;
import io.pushcart.testkit.TestSubscriber;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Frequency-cap counts and messages held for quiet hours live in Redis: a Redis restart (stopped,
 * started again on its data) loses neither. A subscriber capped before the restart is still
 * capped after it, held messages are released when the night ends, and the cap lets messages
 * through again once its window has passed.
 */
class EngagementRestartTest {
  @Test
  void capsAndHeldMessagesSurviveARedisRestart() throws Exception {
    TestClock clock = new TestClock().set(Instant.parse("2026-06-10T12:00:00Z"));
    Path dir = TempDirs.create("engagement-restart");
    int port = RunningPushcart.freePort();
    EmbeddedRedis redis = EmbeddedRedis.start(dir, port, List.of());
    try (LocalPushService push = new LocalPushService().clock(clock).start();
         RunningPushcart server = RunningPushcart.start(TempDirs.create("engagement-restart-server"), Map.of(
             "PUSHCART_REDIS_URL", redis.url(),
             "PUSHCART_PUSH_HOSTS", "127.0.0.1:" + push.port(),
             "PUSHCART_PUSH_CA_FILE", push.caFile().toString()), DeliveryMetrics.NONE, clock)) {
      TestSite site = TestSite.create(server.api());
      Reply rules = server.api().patch("/v1/sites/" + site.id(), site.secretKey(), new JsonObject() // the site's zone: UTC
          .put("frequencyCap", new JsonArray().add(new JsonObject().put("max", 1).put("per", "P1D")))
          .put("quietHours", new JsonObject().put("start", "22:00").put("end", "08:00")));
      assertThat(rules.status()).isEqualTo(200);
      List<TestSubscriber> people = push.newSubscribers(3);
      people.forEach(s -> assertThat(site.subscribe(s.subscriptionJson()).status()).isEqualTo(201));

      site.awaitCompleted(site.startCampaign(TestSite.campaignTo("all"))); // 12:00: sent, and counted
      clock.set(Instant.parse("2026-06-10T23:00:00Z"));
      String night = site.startCampaign(TestSite.campaignTo("all").put("ttl", 86_400));
      Poll.until(() -> site.campaign(night).json().getJsonObject("stats").getLong("held"), n -> n == 3, Duration.ofSeconds(20),
          "the night's messages to be held");

      redis.close();
      redis = EmbeddedRedis.start(dir, port, List.of());
      Poll.until(() -> server.api().get("/ready", null).status(), s -> s == 200, Duration.ofSeconds(30), "Redis to be back");

      clock.set(Instant.parse("2026-06-11T08:01:01Z")); // released, but the 12:00 message still fills the day's one slot
      JsonObject released = site.awaitCompleted(night);
      assertThat(released.getJsonObject("stats").getJsonObject("suppressed").getLong("capped")).isEqualTo(3);
      assertThat(push.received()).hasSize(3);

      clock.set(Instant.parse("2026-06-11T12:05:00Z")); // the message of about 12:00 has left the window
      JsonObject next = site.awaitCompleted(site.startCampaign(TestSite.campaignTo("all")));
      assertThat(next.getJsonObject("stats").getLong("accepted")).isEqualTo(3);
      assertThat(push.received()).hasSize(6);
    } finally {
      redis.close();
    }
  }
}
