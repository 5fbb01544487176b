package io.pushcart.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.redis.EmbeddedRedis;
import io.pushcart.support.ApiClient.Reply;
import io.pushcart.support.ServerProcess;
import io.pushcart.support.TempDirs;
import io.pushcart.support.TestSite;
import io.pushcart.testkit.LocalPushService;
import io.pushcart.testkit.ReceivedPush;
import io.pushcart.testkit.TestSubscriber;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Two server processes on one Redis and real time: a campaign scheduled a few seconds ahead is
 * sent exactly once, by whichever instance sees it due first; and when one instance is
 * SIGKILLed just before the time, the other sends it.
 */
class ScheduledCampaignProcessesTest {
  static final int SUBSCRIBERS = 200;

  @Test
  void aScheduledCampaignFiresExactlyOnceAcrossInstancesAndSurvivesTheKillOfOne() throws Exception {
    try (EmbeddedRedis redis = EmbeddedRedis.start(TempDirs.create("schedule-redis"));
         LocalPushService push = new LocalPushService().start()) {
      Map<String, String> env = Map.of(
          "PUSHCART_REDIS_URL", redis.url(),
          "PUSHCART_PUSH_HOSTS", "127.0.0.1:" + push.port(),
          "PUSHCART_PUSH_CA_FILE", push.caFile().toString(),
          "PUSHCART_CLAIM_IDLE_MS", "5000");
      ServerProcess doomed = ServerProcess.start("doomed", env);
      try (ServerProcess survivor = ServerProcess.start("survivor", env)) {
        TestSite site = TestSite.create(doomed.api());
        List<TestSubscriber> subscribers = push.newSubscribers(SUBSCRIBERS);
        site.registerAll(subscribers);

        // Both instances run: one of them fires it, once.
        Instant first = Instant.now().plusSeconds(4);
        String launch = schedule(site, "launch", first);
        assertThat(site.campaign(launch).json().getString("status")).isEqualTo("scheduled");
        assertExactlyOnce(site, launch, "launch", first, subscribers, push);

        // The instance that might fire it dies a second before its time: the other one fires it.
        Instant second = Instant.now().plusSeconds(4);
        String sale = schedule(site, "sale", second);
        sleepUntil(second.minusSeconds(1));
        doomed.kill();
        TestSite viaSurvivor = new TestSite(site.id(), site.secretKey(), site.vapidPublicKey(), survivor.api());
        assertThat(viaSurvivor.campaign(sale).json().getString("status")).isEqualTo("scheduled");
        assertExactlyOnce(viaSurvivor, sale, "sale", second, subscribers, push);
      } finally {
        doomed.kill();
      }
    }
  }

  private static String schedule(TestSite site, String title, Instant at) {
    JsonObject body = TestSite.campaignTo("all").put("sendAt", at.toString());
    body.getJsonObject("notification").put("title", title);
    Reply r = site.createCampaign(body);
    assertThat(r.status()).as(r.json().encode()).isEqualTo(201);
    return r.json().getString("id");
  }

  private static void assertExactlyOnce(TestSite site, String id, String title, Instant at, List<TestSubscriber> subscribers,
                                        LocalPushService push) {
    JsonObject done = site.awaitCampaign(id, c -> "completed".equals(c.getString("status")), title + " to complete");
    assertThat(done.getJsonObject("stats").getLong("targeted")).isEqualTo(SUBSCRIBERS);
    assertThat(done.getJsonObject("stats").getLong("accepted")).isEqualTo(SUBSCRIBERS);
    List<ReceivedPush> got = push.received().stream()
        .filter(p -> title.equals(new JsonObject(p.plaintext()).getString("title"))).toList();
    assertThat(got).hasSize(SUBSCRIBERS);
    assertThat(got.stream().map(ReceivedPush::token).distinct()).hasSize(SUBSCRIBERS);
    assertThat(got).allSatisfy(p -> assertThat(p.receivedAt()).isAfterOrEqualTo(at));
    assertThat(subscribers).allSatisfy(s -> assertThat(push.receivedFor(s.token()).stream()
        .filter(p -> title.equals(new JsonObject(p.plaintext()).getString("title")))).hasSize(1));
  }

  /** Waits for a moment of real time: the point of this test is that the servers run on it. */
  private static void sleepUntil(Instant when) {
    while (Instant.now().isBefore(when)) {
      LockSupport.parkNanos(Duration.between(Instant.now(), when).toNanos());
    }
  }
}
