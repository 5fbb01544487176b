package io.pushcart.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.campaign.CampaignStore;
import io.pushcart.redis.EmbeddedRedis;
import io.pushcart.redis.Keys;
import io.pushcart.support.ApiClient.Reply;
import io.pushcart.support.Poll;
import io.pushcart.support.RedisProbe;
import io.pushcart.support.ServerProcess;
import io.pushcart.support.TempDirs;
import io.pushcart.support.TestSite;
import io.pushcart.testkit.LocalPushService;
import io.pushcart.testkit.Response;
import io.pushcart.testkit.TestSubscriber;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM in the middle of a slow campaign: /ready turns 503 at once, the units in hand of every
 * delivery worker are handed back once the grace period is over, the process exits 0 within it,
 * and the next instance finishes the campaign with no subscriber missing and none sent twice.
 */
class GracefulShutdownTest {
  static final int SUBSCRIBERS = 8_000;
  static final long GRACE_MS = 1_000;
  static final int WORKERS = 2;

  @Test
  void sigtermHandsBackTheUnitsInHandAndExitsZeroWithinTheGracePeriod() throws Exception {
    try (EmbeddedRedis redis = EmbeddedRedis.start(TempDirs.create("shutdown-redis"));
         // Slow answers keep every worker's units in hand for longer than the grace period.
         LocalPushService push = new LocalPushService().verify(false).defaultResponse(Response.created().delay(Duration.ofMillis(100))).start()) {
      Map<String, String> env = Map.of(
          "PUSHCART_REDIS_URL", redis.url(),
          "PUSHCART_PUSH_HOSTS", "127.0.0.1:" + push.port(),
          "PUSHCART_PUSH_CA_FILE", push.caFile().toString(),
          // Few requests in flight, each answered after 100 ms: the first instance sends about
          // 160 a second, so every worker holds units well past the grace period.
          "PUSHCART_PUSH_CONCURRENCY", "16",
          "PUSHCART_DELIVERY_INSTANCES", String.valueOf(WORKERS),
          "PUSHCART_SHUTDOWN_GRACE_MS", String.valueOf(GRACE_MS),
          "PUSHCART_CLAIM_IDLE_MS", "10000");
      ServerProcess first = ServerProcess.start("first", env);
      TestSite site;
      String campaignId;
      List<TestSubscriber> subscribers = push.newSubscribers(SUBSCRIBERS);
      try {
        site = TestSite.create(first.api());
        site.registerAll(subscribers);
        Reply created = site.createCampaign(TestSite.campaignTo("all"));
        campaignId = created.json().getString("id");
        push.awaitCount(SUBSCRIBERS / 40, Duration.ofSeconds(60));
        try (RedisProbe probe = new RedisProbe(redis.url())) {
          Poll.until(() -> probe.send(Request.cmd(Command.XINFO).arg("CONSUMERS").arg(Keys.site(site.id(), Keys.Part.WORK))
                  .arg(CampaignStore.WORK_GROUP)).stream().filter(c -> c.get("pending").toLong() >= 2).count(),
              // Two or more: a send unit among them (a campaign has one scan unit at a time, quickly done).
              holding -> holding == WORKERS, Duration.ofSeconds(30), "every delivery worker to hold send units");
        }

        long start = System.nanoTime();
        int atTerm = push.count();
        first.terminate();
        // The signal arrives asynchronously; from then on /ready says 503 while the workers drain.
        Poll.until(() -> first.api().get("/ready", null).status(), s -> s == 503, Duration.ofMillis(GRACE_MS / 2),
            "/ready to answer 503 once SIGTERM is received");
        int exit = first.awaitExit(Duration.ofSeconds(30));
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(exit).isZero();
        // The grace period, then the requests in flight (100 ms each) and the hand-back.
        assertThat(tookMs).as("time from SIGTERM to exit").isLessThan(GRACE_MS + 3_000);
        assertThat(push.count()).as("SIGTERM must come mid-campaign (%d sent at SIGTERM, exit after %d ms); log:%n%s", atTerm, tookMs,
                first.logText())
            .isLessThan(SUBSCRIBERS);
        long handedBack = first.logText().lines().filter(l -> l.contains("stopping: handed back")).count();
        assertThat(handedBack).as("workers that handed units back:\n" + first.logText()).isEqualTo(WORKERS);
      } finally {
        first.kill();
      }

      Map<String, String> faster = new java.util.HashMap<>(env);
      faster.put("PUSHCART_PUSH_CONCURRENCY", "256");
      try (ServerProcess next = ServerProcess.start("next", faster)) {
        TestSite viaNext = new TestSite(site.id(), site.secretKey(), site.vapidPublicKey(), next.api());
        JsonObject done = Poll.until(() -> viaNext.campaign(campaignId).json(), c -> "completed".equals(c.getString("status")),
            Duration.ofSeconds(90), "the next instance to finish the campaign");
        assertThat(done.getJsonObject("stats").getLong("accepted")).isEqualTo(SUBSCRIBERS);
      }
      LocalPushService.Tally tally = push.tally(subscribers);
      assertThat(tally.missing()).isZero();
      assertThat(tally.repeats()).as("a graceful stop records what it sent: nothing is sent twice").isZero();
    }
  }
}
