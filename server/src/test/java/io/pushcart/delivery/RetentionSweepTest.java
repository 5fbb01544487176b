package io.pushcart.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.redis.Keys;
import io.pushcart.support.RedisProbe;
import io.pushcart.support.RunningPushcart;
import io.pushcart.support.TempDirs;
import io.pushcart.support.TestClock;
import io.pushcart.support.TestSite;
import io.pushcart.testkit.LocalPushService;
import io.pushcart.testkit.TestSubscriber;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Retention (issue 13): a finished campaign's per-subscriber details stay for the retention
 * period and are deleted after it, judged by the injected clock; the campaign's summary stays.
 */
class RetentionSweepTest {
  @Test
  void detailsOfAFinishedCampaignGoAfterTheRetentionPeriodAndItsSummaryStays() throws Exception {
    TestClock clock = new TestClock().set(Instant.parse("2026-11-01T10:00:00Z"));
    try (LocalPushService push = new LocalPushService().verify(false).clock(clock).start();
         RunningPushcart server = RunningPushcart.start(TempDirs.create("retention"), Map.of(
             "PUSHCART_PUSH_HOSTS", "127.0.0.1:" + push.port(),
             "PUSHCART_PUSH_CA_FILE", push.caFile().toString()), DeliveryMetrics.NONE, clock);
         RedisProbe probe = new RedisProbe(server.redisUrl())) {
      TestSite site = TestSite.create(server.api());
      List<TestSubscriber> subscribers = push.newSubscribers(30);
      site.registerAll(subscribers);
      String done = site.startCampaign(TestSite.campaignTo("all"));
      site.awaitCampaign(done, c -> "completed".equals(c.getString("status")), "the campaign to complete");
      String cancelled = site.startCampaign(TestSite.campaignTo("all").put("sendAt", "2026-12-24T10:00:00Z"));
      assertThat(site.cancelCampaign(cancelled).status()).isEqualTo(200);
      assertThat(exists(probe, Keys.campaignProgress(site.id(), done))).isTrue();

      Vertx vertx = Vertx.vertx();
      Redis redis = Redis.createClient(vertx, server.redisUrl());
      try {
        RetentionSweep sweep = new RetentionSweep(redis, Duration.ofDays(30), Duration.ofDays(60), clock);
        String viewer = site.subscribe(push.newSubscriber().subscriptionJson()).json().getString("id");
        assertThat(server.api().post("/v1/sites/" + site.id() + "/events", site.secretKey(), new JsonObject()
            .put("type", "product.viewed").put("subscriptionId", viewer).put("data", new JsonObject().put("productId", "p-1")))
            .status()).isEqualTo(202);
        String events = Keys.site(site.id(), Keys.Part.EVENTS);
        clock.advance(Duration.ofDays(29));
        assertThat(await(sweep.run())).as("within the period").isZero();
        assertThat(exists(probe, Keys.campaignProgress(site.id(), done))).isTrue();
        clock.advance(Duration.ofDays(1).plusMinutes(1));
        assertThat(await(sweep.run())).isEqualTo(2);
        for (String id : List.of(done, cancelled)) {
          assertThat(exists(probe, Keys.campaignProgress(site.id(), id))).isFalse();
          assertThat(exists(probe, Keys.campaignReceipts(site.id(), id))).isFalse();
          assertThat(exists(probe, Keys.campaignFailures(site.id(), id))).isFalse();
        }
        JsonObject summary = site.campaign(done).json();
        assertThat(summary.getString("status")).isEqualTo("completed");
        assertThat(summary.getJsonObject("stats").getLong("accepted")).isEqualTo(30);
        assertThat(summary.getString("detailsDeletedAt")).isNotNull();
        assertThat(await(sweep.run())).as("nothing left to do").isZero();
        assertThat(probe.send(Request.cmd(Command.XLEN).arg(events)).toLong()).as("events are kept 60 days").isEqualTo(1);
        // Stream entry ids are Redis's own receive times (real time), and this clock began four
        // weeks in the past: 60 days more put the event well past its 60 days.
        clock.advance(Duration.ofDays(60));
        await(sweep.run());
        assertThat(probe.send(Request.cmd(Command.XLEN).arg(events)).toLong()).as("then they go").isZero();
      } finally {
        redis.close();
        await(vertx.close());
      }
    }
  }

  private static boolean exists(RedisProbe probe, String key) {
    return probe.send(Request.cmd(Command.EXISTS).arg(key)).toLong() == 1;
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
