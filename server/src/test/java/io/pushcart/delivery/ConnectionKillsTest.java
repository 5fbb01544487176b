package io.pushcart.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.support.CapturedLog;
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
 * Redis drops every connection of the server again and again in the middle of a campaign
 * (CLIENT KILL): claims, outcome writes and acknowledgements fail at whatever moment. Each failed
 * write is tried again or its unit is run again; every subscriber is counted once, gets the
 * message, and the campaign completes.
 */
class ConnectionKillsTest {
  static final int SUBSCRIBERS = 10_000;
  static final int CONCURRENCY = 32;
  static final int KILLS = 15;

  @Test
  void connectionsKilledMidCampaignLoseNoMessageAndCountEachOnce() throws Exception {
    try (CapturedLog log = new CapturedLog();
         LocalPushService push = new LocalPushService().verify(false).start();
         RunningPushcart server = RunningPushcart.start(Map.of(
             "PUSHCART_PUSH_HOSTS", "127.0.0.1:" + push.port(),
             "PUSHCART_PUSH_CA_FILE", push.caFile().toString(),
             "PUSHCART_PUSH_CONCURRENCY", String.valueOf(CONCURRENCY)));
         RedisProbe redis = new RedisProbe(server.redisUrl())) {
      TestSite site = TestSite.create(server.api());
      List<TestSubscriber> subscribers = push.newSubscribers(SUBSCRIBERS);
      site.registerAll(subscribers);
      String id = site.startCampaign(TestSite.campaignTo("all"));

      long killed = 0;
      for (int i = 1; i <= KILLS && push.count() < SUBSCRIBERS; i++) {
        push.awaitCount(Math.min(SUBSCRIBERS, i * SUBSCRIBERS / (KILLS + 5)), Duration.ofSeconds(60));
        // Every normal client but the probe's own connection.
        killed += redis.send(Request.cmd(Command.CLIENT).arg("KILL").arg("TYPE").arg("normal").arg("SKIPME").arg("yes")).toLong();
      }
      assertThat(killed).as("connections killed mid-campaign").isPositive();

      JsonObject done = site.awaitCampaign(id, c -> "completed".equals(c.getString("status")), "the campaign to complete");
      assertThat(done.getJsonObject("stats").getLong("targeted")).isEqualTo(SUBSCRIBERS);
      assertThat(done.getJsonObject("stats").getLong("accepted")).isEqualTo(SUBSCRIBERS);
      LocalPushService.Tally tally = push.tally(subscribers);
      assertThat(tally.missing()).as("subscribers who never got the message").isZero();
      // A message whose outcome write is lost with its connection is recorded on a new one
      // (OutcomeBuffer) or, if its unit fails, sent again: at most what was in flight per kill.
      assertThat(tally.repeats()).as("repeats over %d kills", KILLS).isLessThanOrEqualTo((long) KILLS * CONCURRENCY);
      assertThat(log.atLeast(Level.SEVERE)).isEmpty();
      System.out.printf("connection kills: %d connections killed, %d missing, %d repeats%n", killed, tally.missing(),
          tally.repeats());
    }
  }
}
