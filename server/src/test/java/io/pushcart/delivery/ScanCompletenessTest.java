package io.pushcart.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.redis.Keys;
import io.pushcart.support.RedisProbe;
import io.pushcart.support.RunningPushcart;
import io.pushcart.support.TestSite;
import io.pushcart.testkit.LocalPushService;
import io.pushcart.testkit.TestSubscriber;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A campaign cannot complete while a subscriber present through its whole audience scan was
 * never met: the scan is checked against the subscription set's size when it ends, and run
 * again from the start when it fell short. Here the scan is made to skip members on purpose,
 * starting from a cursor taken halfway through the set.
 */
class ScanCompletenessTest {
  static final int SUBSCRIBERS = 5_000;

  @Test
  void aScanThatSkippedMembersIsRunAgainBeforeTheCampaignCompletes() throws Exception {
    try (LocalPushService push = new LocalPushService().verify(false).start();
         RunningPushcart server = RunningPushcart.start(Map.of(
             "PUSHCART_PUSH_HOSTS", "127.0.0.1:" + push.port(),
             "PUSHCART_PUSH_CA_FILE", push.caFile().toString()));
         RedisProbe redis = new RedisProbe(server.redisUrl())) {
      TestSite site = TestSite.create(server.api());
      List<TestSubscriber> subscribers = push.newSubscribers(SUBSCRIBERS);
      site.registerAll(subscribers);
      String id = site.createCampaign(TestSite.campaignTo("all")
          .put("sendAt", Instant.now().plus(1, ChronoUnit.DAYS).toString())).json().getString("id");

      // Start it by hand, with its scan resuming from a cursor some way into the set, as a cursor
      // carried into the wrong process would: the members before it are never met.
      String cursor = redis.send(Request.cmd(Command.SSCAN).arg(Keys.site(site.id(), Keys.Part.SUBSCRIPTIONS)).arg(0)
          .arg("COUNT").arg(2_000)).get(0).toString();
      assertThat(cursor).isNotEqualTo("0");
      String info = redis.send(Request.cmd(Command.INFO).arg("server")).toString();
      String runId = info.lines().filter(l -> l.startsWith("run_id:")).findFirst().orElseThrow().substring(7).trim();
      redis.send(Request.cmd(Command.ZREM).arg(Keys.site(site.id(), Keys.Part.SCHEDULE)).arg(id + ":0"));
      redis.send(Request.cmd(Command.HSET).arg(Keys.campaign(site.id(), id)).arg("status").arg("sending"));
      redis.send(Request.cmd(Command.XADD).arg(Keys.site(site.id(), Keys.Part.WORK)).arg("*").arg("type").arg("scan")
          .arg("campaign").arg(id).arg("wave").arg("0").arg("driver").arg("0").arg("cursor").arg(cursor + "@" + runId));

      JsonObject done = site.awaitCampaign(id, c -> "completed".equals(c.getString("status")), "the campaign to complete");
      assertThat(done.getJsonObject("stats").getLong("targeted")).as("targeted").isEqualTo(SUBSCRIBERS);
      assertThat(done.getJsonObject("stats").getLong("accepted")).isEqualTo(SUBSCRIBERS);
      assertThat(subscribers).allSatisfy(s -> assertThat(push.countFor(s.token())).as(s.token()).isEqualTo(1));
    }
  }
}
