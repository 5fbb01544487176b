package io.pushcart.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.campaign.CampaignStore;
import io.pushcart.redis.EmbeddedRedis;
import io.pushcart.redis.Keys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WorkQueueTest {
  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aStalledOwnerLearnsItsUnitWasTakenOverAndCannotAcknowledgeIt() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (EmbeddedRedis embedded = EmbeddedRedis.start(Files.createTempDirectory("work-queue"))) {
      Redis redis = Redis.createClient(vertx, embedded.url());
      String site = "siteBBBBBBBB";
      String stream = Keys.site(site, Keys.Part.WORK);
      await(redis.send(Request.cmd(Command.XGROUP).arg("CREATE").arg(stream).arg(CampaignStore.WORK_GROUP).arg("0").arg("MKSTREAM")));
      await(redis.send(Request.cmd(Command.XADD).arg(stream).arg("*").arg("type").arg("send").arg("campaign").arg("c1")
          .arg("attempt").arg("1").arg("ids").arg("a,b")));
      WorkQueue stalled = new WorkQueue(redis, "stalled");
      WorkUnit unit = await(stalled.readNew(site, 1)).get(0);
      assertThat(await(stalled.heartbeat(site, List.of(unit.entryId())))).as("still its own").isEmpty();

      WorkQueue other = new WorkQueue(redis, "other");
      assertThat(await(other.claimAbandoned(site, 0, 10))).extracting(WorkUnit::entryId).containsExactly(unit.entryId());
      assertThat(await(stalled.heartbeat(site, List.of(unit.entryId())))).containsExactly(unit.entryId());
      await(stalled.ack(unit));
      assertThat(await(redis.send(Request.cmd(Command.XLEN).arg(stream))).toLong()).as("left for its new owner").isEqualTo(1);
      await(other.ack(unit));
      assertThat(await(redis.send(Request.cmd(Command.XLEN).arg(stream))).toLong()).isZero();
      redis.close();
    } finally {
      vertx.close();
    }
  }

  @Test
  void consumersOfDeadInstancesAreRemovedUnlessTheyStillHoldWork() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (EmbeddedRedis embedded = EmbeddedRedis.start(Files.createTempDirectory("work-queue"))) {
      Redis redis = Redis.createClient(vertx, embedded.url());
      String site = "siteAAAAAAAA";
      String stream = Keys.site(site, Keys.Part.WORK);
      await(redis.send(Request.cmd(Command.XGROUP).arg("CREATE").arg(stream).arg(CampaignStore.WORK_GROUP).arg("0").arg("MKSTREAM")));
      for (String campaign : List.of("c1", "c2")) {
        await(redis.send(Request.cmd(Command.XADD).arg(stream).arg("*").arg("type").arg("scan").arg("campaign").arg(campaign)));
      }
      WorkQueue holder = new WorkQueue(redis, "dead-with-work");
      assertThat(await(holder.readNew(site, 1))).hasSize(1); // a unit stays pending on it
      WorkQueue idle = new WorkQueue(redis, "dead-idle");
      await(idle.ack(await(idle.readNew(site, 1)).get(0))); // did its work and died
      WorkQueue live = new WorkQueue(redis, "live");

      assertThat(await(live.pruneConsumers(site, -1))).isEqualTo(1);
      Response left = await(redis.send(Request.cmd(Command.XINFO).arg("CONSUMERS").arg(stream).arg(CampaignStore.WORK_GROUP)));
      assertThat(left.stream().map(c -> c.get("name").toString()).toList()).containsExactly("dead-with-work");
      assertThat(await(live.pruneConsumers("noSuchSite1", -1))).isZero();
      redis.close();
    } finally {
      vertx.close();
    }
  }
}
