package io.pushcart.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.redis.Keys;
import io.pushcart.support.CapturedLog;
import io.pushcart.support.RedisProbe;
import io.pushcart.support.RunningPushcart;
import io.pushcart.support.TestSite;
import io.pushcart.testkit.LocalPushService;
import io.pushcart.testkit.Response;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Stream entry ids are per stream: two sites' work streams hand out the same ids. A worker
 * holding units of both must keep them apart, or it stops heart-beating one of them and
 * another worker takes it over while its owner still sends.
 */
class SameStreamIdsTest {
  static final int SUBSCRIBERS = 3_000;

  @Test
  void twoSitesWhoseUnitsHaveTheSameIdsBothCompleteWithNoTakeOver() throws Exception {
    try (CapturedLog log = new CapturedLog();
         LocalPushService push = new LocalPushService().verify(false).defaultResponse(Response.created().delay(Duration.ofMillis(20))).start();
         RunningPushcart server = RunningPushcart.start(Map.of(
             "PUSHCART_PUSH_HOSTS", "127.0.0.1:" + push.port(),
             "PUSHCART_PUSH_CA_FILE", push.caFile().toString(),
             "PUSHCART_PUSH_CONCURRENCY", "32",
             // Units run for several claim times: one left without heartbeats would be taken over.
             "PUSHCART_CLAIM_IDLE_MS", "1500"));
         RedisProbe redis = new RedisProbe(server.redisUrl())) {
      List<TestSite> sites = List.of(TestSite.create(server.api()), TestSite.create(server.api()));
      for (TestSite site : sites) {
        site.registerAll(push.newSubscribers(SUBSCRIBERS));
        // An entry far in the future: every later XADD * of either stream gets 9999999999999-1, -2, ...
        redis.send(Request.cmd(Command.XADD).arg(Keys.site(site.id(), Keys.Part.WORK)).arg("9999999999999-0")
            .arg("note").arg("an entry in no unit format, dropped by the first worker to read it"));
      }
      List<String> campaigns = sites.stream().map(s -> s.createCampaign(TestSite.campaignTo("all")).json().getString("id")).toList();
      for (int i = 0; i < sites.size(); i++) {
        var stats = sites.get(i).awaitCampaign(campaigns.get(i), c -> "completed".equals(c.getString("status")), "site " + i + "'s campaign")
            .getJsonObject("stats");
        assertThat(stats.getLong("accepted")).isEqualTo(SUBSCRIBERS);
      }
      assertThat(push.count()).as("sent, over both sites").isEqualTo(2 * SUBSCRIBERS);
      assertThat(log.containing("took over")).as("units taken over while their owner lived").isEmpty();
    }
  }
}
