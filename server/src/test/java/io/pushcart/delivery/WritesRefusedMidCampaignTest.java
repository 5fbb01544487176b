package io.pushcart.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.support.CapturedLog;
import io.pushcart.support.Poll;
import io.pushcart.support.RedisProbe;
import io.pushcart.support.RunningPushcart;
import io.pushcart.support.TestSite;
import io.pushcart.testkit.LocalPushService;
import io.pushcart.testkit.TestSubscriber;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

/**
 * Redis refuses writes in the middle of a campaign to 10,000 subscribers (its maxmemory reached,
 * as a full disk would): delivery pauses, since nothing can be claimed or recorded, and resumes by
 * itself once Redis writes again; every subscriber gets the message, repeats stay within what was
 * in flight, and no unit is taken for a bug (retried as one, then parked).
 */
class WritesRefusedMidCampaignTest {
  static final int SUBSCRIBERS = 10_000;
  static final int CONCURRENCY = 32;

  @Test
  void aCampaignGoesOnOnceRedisWritesAgainAndLosesNoSubscriber() {
    try (CapturedLog log = new CapturedLog();
         LocalPushService push = new LocalPushService().verify(false).start();
         RunningPushcart server = RunningPushcart.start(Map.of(
             "PUSHCART_PUSH_HOSTS", "127.0.0.1:" + push.port(),
             "PUSHCART_PUSH_CA_FILE", push.caFile().toString(),
             "PUSHCART_PUSH_CONCURRENCY", String.valueOf(CONCURRENCY),
             "PUSHCART_CLAIM_IDLE_MS", "5000"));
         RedisProbe redis = new RedisProbe(server.redisUrl())) {
      TestSite site = TestSite.create(server.api());
      List<TestSubscriber> subscribers = push.newSubscribers(SUBSCRIBERS);
      site.registerAll(subscribers);

      String campaignId = site.startCampaign(TestSite.campaignTo("all"));
      push.awaitCount(SUBSCRIBERS / 5, Duration.ofSeconds(60));
      redis.send(Request.cmd(Command.CONFIG).arg("SET").arg("maxmemory").arg(1));
      Poll.until(() -> log.containing("delivery paused"), lines -> !lines.isEmpty(), Duration.ofSeconds(30),
          "delivery to pause");
      int atRefusal = push.count();
      assertThat(atRefusal).as("Redis must refuse mid-campaign").isLessThan(SUBSCRIBERS);

      redis.send(Request.cmd(Command.CONFIG).arg("SET").arg("maxmemory").arg(0));
      JsonObject done = Poll.until(() -> site.campaign(campaignId).json(), c -> "completed".equals(c.getString("status")),
          Duration.ofSeconds(120), "the campaign to complete once Redis writes again");
      assertThat(done.getJsonObject("stats").getLong("accepted")).isEqualTo(SUBSCRIBERS);
      assertThat(done.containsKey("parked")).as("a refusal is no bug: no unit parked").isFalse();
      LocalPushService.Tally tally = push.tally(subscribers);
      assertThat(tally.missing()).as("subscribers who never got the message").isZero();
      assertThat(tally.repeats()).as("repeats (%d sent before the refusal)", atRefusal).isLessThanOrEqualTo(CONCURRENCY);
      assertThat(log.containing("runs again after PUSHCART_CLAIM_IDLE_MS")).as("no unit failed as a bug").isEmpty();
      assertThat(log.atLeast(Level.SEVERE)).isEmpty();
      System.out.printf("writes refused: %d sent before, %d missing, %d repeats%n", atRefusal, tally.missing(), tally.repeats());
    }
  }
}
