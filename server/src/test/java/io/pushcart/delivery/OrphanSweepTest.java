package io.pushcart.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.redis.EmbeddedRedis;
import io.pushcart.redis.Keys;
import io.pushcart.support.TempDirs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Messages marked in flight by a unit that no longer exists are handed back as retries; no others are. */
class OrphanSweepTest {
  private static final String SITE = "siteOOOOOOOO";
  private static final String CAMPAIGN = "c1";

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void onlyMarksOfVanishedUnitsOfSendingCampaignsAreHandedBack() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (EmbeddedRedis server = EmbeddedRedis.start(TempDirs.create("orphans"))) {
      Redis redis = Redis.createClient(vertx, server.url());
      String stream = Keys.site(SITE, Keys.Part.WORK);
      String live = await(redis.send(Request.cmd(Command.XADD).arg(stream).arg("*").arg("type").arg("send")
          .arg("campaign").arg(CAMPAIGN).arg("attempt").arg("2").arg("ids").arg("b"))).toString();
      await(redis.send(Request.cmd(Command.HSET).arg(Keys.site(SITE, Keys.Part.PARKED)).arg("7-0").arg("{}")));
      await(redis.send(Request.cmd(Command.ZADD).arg(Keys.site(SITE, Keys.Part.CAMPAIGNS)).arg(1).arg(CAMPAIGN)));
      await(redis.send(Request.cmd(Command.HSET).arg(Keys.campaign(SITE, CAMPAIGN)).arg("status").arg("sending")));
      await(redis.send(Request.cmd(Command.HSET).arg(Keys.campaignProgress(SITE, CAMPAIGN))
          .arg("a").arg("s1:5-0")          // its unit is gone: handed back
          .arg("b").arg("s2:" + live)      // its unit is in the stream: running
          .arg("c").arg("s1:7-0")          // its unit is parked: left for the operator
          .arg("d").arg("accepted")
          .arg("e").arg("q")));

      long handed = await(new OrphanSweep(redis).sweepSite(SITE, 1_000L));

      assertThat(handed).isEqualTo(1);
      Response progress = await(redis.send(Request.cmd(Command.HGETALL).arg(Keys.campaignProgress(SITE, CAMPAIGN))));
      assertThat(progress.get("a").toString()).isEqualTo("r1");
      assertThat(progress.get("b").toString()).isEqualTo("s2:" + live);
      assertThat(progress.get("c").toString()).isEqualTo("s1:7-0");
      String retries = Keys.site(SITE, Keys.Part.RETRIES);
      Response due = await(redis.send(Request.cmd(Command.ZRANGE).arg(retries).arg(0).arg(-1)));
      assertThat(due.stream().map(Response::toString).toList()).containsExactly(CAMPAIGN + "|a|1");
      assertThat(await(redis.send(Request.cmd(Command.ZSCORE).arg(retries).arg(CAMPAIGN + "|a|1"))).toLong()).isEqualTo(1000);

      await(redis.send(Request.cmd(Command.HSET).arg(Keys.campaign(SITE, CAMPAIGN)).arg("status").arg("cancelled")));
      await(redis.send(Request.cmd(Command.HSET).arg(Keys.campaignProgress(SITE, CAMPAIGN)).arg("f").arg("s1:6-0")));
      assertThat(await(new OrphanSweep(redis).sweepSite(SITE, 2_000L))).as("a campaign no longer sending").isZero();
      redis.close();
    } finally {
      await(vertx.close());
    }
  }
}
