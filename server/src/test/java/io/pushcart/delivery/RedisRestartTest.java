package io.pushcart.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.redis.EmbeddedRedis;
import io.pushcart.support.ApiClient.Reply;
import io.pushcart.support.Poll;
import io.pushcart.support.RunningPushcart;
import io.pushcart.support.CapturedLog;
import io.pushcart.support.TempDirs;
import io.pushcart.support.TestSite;
import io.pushcart.testkit.LocalPushService;
import io.pushcart.testkit.TestSubscriber;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

/**
 * Redis is restarted (SIGTERM, then started again on the same port and data) in the middle of a
 * campaign to 20,000 subscribers: the API answers 503 meanwhile, delivery waits and resumes by
 * itself, every subscriber gets the message, and repeats stay within what was in flight.
 */
class RedisRestartTest {
  static final int SUBSCRIBERS = 20_000;
  static final int CONCURRENCY = 32;

  @Test
  void aRedisRestartMidCampaignLosesNoSubscriberAndTheApiAnswers503Meanwhile() throws Exception {
    Path dir = TempDirs.create("restart-redis");
    int port = RunningPushcart.freePort();
    EmbeddedRedis redis = EmbeddedRedis.start(dir, port, List.of());
    try (CapturedLog log = new CapturedLog();
         LocalPushService push = new LocalPushService().verify(false).start();
         RunningPushcart server = RunningPushcart.start(Map.of(
             "PUSHCART_REDIS_URL", redis.url(),
             "PUSHCART_PUSH_HOSTS", "127.0.0.1:" + push.port(),
             "PUSHCART_PUSH_CA_FILE", push.caFile().toString(),
             "PUSHCART_PUSH_CONCURRENCY", String.valueOf(CONCURRENCY),
             "PUSHCART_CLAIM_IDLE_MS", "5000"))) {
      TestSite site = TestSite.create(server.api());
      TestSite other = TestSite.create(server.api());
      List<TestSubscriber> subscribers = push.newSubscribers(SUBSCRIBERS);
      site.registerAll(subscribers);
      JsonObject latecomer = push.newSubscribers(1).get(0).subscriptionJson();

      String campaignId = site.startCampaign(TestSite.campaignTo("all"));
      push.awaitCount(SUBSCRIBERS / 5, Duration.ofSeconds(60));

      redis.close();
      int atStop = push.count();
      assertThat(atStop).as("Redis must stop mid-campaign").isLessThan(SUBSCRIBERS);

      Reply refused = other.subscribe(latecomer);
      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.header("Retry-After")).isEqualTo("5");
      assertThat(refused.json().getJsonObject("error").getString("code")).isEqualTo("unavailable");
      assertThat(refused.errorMessage()).contains("Redis");
      assertThat(server.api().get("/ready", null).status()).isEqualTo(503);
      assertThat(site.campaign(campaignId).status()).isEqualTo(503);

      redis = EmbeddedRedis.start(dir, port, List.of());
      Poll.until(() -> other.subscribe(latecomer).status(), s -> s == 201, Duration.ofSeconds(30), "registration to work again");
      assertThat(server.api().get("/ready", null).status()).isEqualTo(200);

      JsonObject done = Poll.until(() -> site.campaign(campaignId).json(), c -> "completed".equals(c.getString("status")),
          Duration.ofSeconds(120), "the campaign to complete after the restart");
      JsonObject stats = done.getJsonObject("stats");
      assertThat(stats.getLong("targeted")).isEqualTo(SUBSCRIBERS);
      assertThat(stats.getLong("accepted")).isEqualTo(SUBSCRIBERS);
      LocalPushService.Tally tally = push.tally(subscribers);
      assertThat(tally.missing()).as("subscribers who never got the message").isZero();
      assertThat(tally.repeats()).as("repeats (%d sent before the restart)", atStop).isLessThanOrEqualTo(CONCURRENCY);
      assertThat(log.atLeast(Level.SEVERE)).as("an outage is no bug: nothing is logged as SEVERE").isEmpty();
      System.out.printf("redis restart: %d sent before the stop, %d missing, %d repeats%n", atStop, tally.missing(), tally.repeats());
    } finally {
      redis.close();
    }
  }
}
