package io.pushcart.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.redis.EmbeddedRedis;
import io.pushcart.support.ApiClient;
import io.pushcart.support.Poll;
import io.pushcart.support.ServerProcess;
import io.pushcart.support.TempDirs;
import io.pushcart.support.TestSite;
import io.pushcart.testkit.LocalPushService;
import io.pushcart.testkit.TestSubscriber;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two server processes on one Redis share a campaign of 20,000 subscribers; one is SIGKILLed
 * mid-campaign. Every subscriber still gets the message, and repeats stay within what can be in
 * flight at the moment of the kill.
 */
class CrashRecoveryTest {
  static final int SUBSCRIBERS = 20_000;
  /** Requests in flight per instance (PUSHCART_PUSH_CONCURRENCY below). */
  static final int CONCURRENCY = 32;

  @Test
  void aSigkilledInstanceLosesNoMessageAndRepeatsStayWithinTheInFlightBound() throws Exception {
    try (EmbeddedRedis redis = EmbeddedRedis.start(TempDirs.create("crash-redis"));
         LocalPushService push = new LocalPushService().verify(false).start()) {
      Map<String, String> env = Map.of(
          "PUSHCART_REDIS_URL", redis.url(),
          "PUSHCART_PUSH_HOSTS", "127.0.0.1:" + push.port(),
          "PUSHCART_PUSH_CA_FILE", push.caFile().toString(),
          "PUSHCART_PUSH_CONCURRENCY", String.valueOf(CONCURRENCY),
          // Long enough that a live instance starved of CPU on a small machine (two servers, Redis
          // and this JVM share its cores) is not taken for dead: that takeover repeats more than
          // the in-flight bound (architecture.md, "How several instances share work").
          "PUSHCART_CLAIM_IDLE_MS", "5000");
      ServerProcess doomed = ServerProcess.start("doomed", env);
      try (ServerProcess survivor = ServerProcess.start("survivor", env)) {
        ApiClient api = doomed.api();
        TestSite site = TestSite.create(api);
        List<TestSubscriber> subscribers = push.newSubscribers(SUBSCRIBERS);
        site.registerAll(subscribers);

        String campaignId = site.startCampaign(TestSite.campaignTo("all"));

        push.awaitCount(SUBSCRIBERS / 5, Duration.ofSeconds(60));
        doomed.kill();
        int atKill = push.count();
        assertThat(atKill).as("the kill must land mid-campaign").isLessThan(SUBSCRIBERS);

        TestSite viaSurvivor = new TestSite(site.id(), site.secretKey(), site.vapidPublicKey(), survivor.api());
        JsonObject done = Poll.until(() -> viaSurvivor.campaign(campaignId).json(),
            c -> "completed".equals(c.getString("status")), Duration.ofSeconds(120), "the survivor to finish the campaign");

        JsonObject stats = done.getJsonObject("stats");
        assertThat(stats.getLong("targeted")).isEqualTo(SUBSCRIBERS);
        assertThat(stats.getLong("accepted")).isEqualTo(SUBSCRIBERS);
        LocalPushService.Tally tally = push.tally(subscribers);
        assertThat(tally.missing()).as("subscribers who never got the message").isZero();
        // In flight at the kill: the doomed instance's requests whose outcome was not yet
        // recorded, which the per-origin limit bounds (a permit is held until the record is written).
        assertThat(tally.repeats()).as("repeats after the kill (%d sent before it)", atKill).isLessThanOrEqualTo(CONCURRENCY);
        System.out.printf("crash test: %d sent before SIGKILL, %d repeats, %d total%n", atKill, tally.repeats(), push.count());
      } finally {
        doomed.kill();
      }
    }
  }
}
