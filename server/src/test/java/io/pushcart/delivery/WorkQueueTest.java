package io.pushcart.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.campaign.CampaignStore;
import io.pushcart.redis.EmbeddedRedis;
import io.pushcart.redis.Keys;
import io.pushcart.support.TempDirs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The work stream's ownership rules, against a real Redis. */
class WorkQueueTest {
  private static final String SITE = "siteAAAAAAAA";
  private static final String STREAM = Keys.site(SITE, Keys.Part.WORK);

  private Vertx vertx;
  private EmbeddedRedis embedded;
  private Redis redis;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    embedded = EmbeddedRedis.start(TempDirs.create("work-queue"));
    redis = Redis.createClient(vertx, embedded.url());
    await(redis.send(Request.cmd(Command.XGROUP).arg("CREATE").arg(STREAM).arg(CampaignStore.WORK_GROUP).arg("0").arg("MKSTREAM")));
  }

  @AfterEach
  void stop() throws Exception {
    redis.close();
    embedded.close();
    await(vertx.close());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private void addUnit(String campaign) throws Exception {
    await(redis.send(Request.cmd(Command.XADD).arg(STREAM).arg("*").arg("type").arg("send").arg("campaign").arg(campaign)
        .arg("attempt").arg("1").arg("ids").arg("a,b")));
  }

  private long unitsLeft() throws Exception {
    return await(redis.send(Request.cmd(Command.XLEN).arg(STREAM))).toLong();
  }

  @Test
  void aStalledOwnerLearnsItsUnitWasTakenOverAndCannotAcknowledgeIt() throws Exception {
    addUnit("c1");
    WorkQueue stalled = new WorkQueue(redis, "stalled");
    WorkUnit unit = await(stalled.readNew(SITE, 1)).get(0);
    assertThat(await(stalled.heartbeat(SITE, List.of(unit.entryId())))).as("still its own").isEqualTo(WorkQueue.Lost.NONE);

    WorkQueue other = new WorkQueue(redis, "other");
    assertThat(await(other.claimAbandoned(SITE, 0, 10, Instant.now()))).extracting(WorkUnit::entryId).containsExactly(unit.entryId());
    assertThat(await(stalled.heartbeat(SITE, List.of(unit.entryId()))).taken()).containsExactly(unit.entryId());
    await(stalled.ack(unit));
    assertThat(unitsLeft()).as("left for its new owner").isEqualTo(1);
    await(other.ack(unit));
    assertThat(unitsLeft()).isZero();
  }

  @Test
  void aUnitItsOwnerFinishesAsTheHeartbeatRunsIsNotReportedTakenOver() throws Exception {
    addUnit("c2");
    WorkQueue owner = new WorkQueue(redis, "owner");
    WorkUnit unit = await(owner.readNew(SITE, 1)).get(0);
    await(owner.ack(unit));
    WorkQueue.Lost lost = await(owner.heartbeat(SITE, List.of(unit.entryId())));
    assertThat(lost.taken()).isEmpty();
    assertThat(lost.gone()).containsExactly(unit.entryId());
  }

  @Test
  void aUnitHandedBackAtShutdownIsTakenOverAtOnce() throws Exception {
    addUnit("c1");
    WorkQueue stopping = new WorkQueue(redis, "stopping");
    WorkUnit unit = await(stopping.readNew(SITE, 1)).get(0);
    WorkQueue other = new WorkQueue(redis, "other");
    assertThat(await(other.claimAbandoned(SITE, 60_000, 10, Instant.now()))).as("its owner just read it").isEmpty();

    assertThat(await(stopping.handBack(SITE, List.of(unit.entryId()), 60_000))).isEqualTo(WorkQueue.Lost.NONE);
    assertThat(await(other.claimAbandoned(SITE, 60_000, 10, Instant.now()))).extracting(WorkUnit::entryId)
        .containsExactly(unit.entryId());
  }

  @Test
  void aUnitThatNeverFinishesIsParkedOnItsCampaignWithItsLastFailure() throws Exception {
    addUnit("c1");
    WorkQueue first = new WorkQueue(redis, "first");
    WorkUnit unit = await(first.readNew(SITE, 1)).get(0);
    await(first.noteFailure(unit, "script mark_due: ERR something broke"));
    WorkQueue other = new WorkQueue(redis, "other");
    for (int delivery = 2; delivery <= WorkQueue.MAX_DELIVERIES; delivery++) {
      assertThat(await(other.claimAbandoned(SITE, 0, 10, Instant.now()))).as("delivery " + delivery).hasSize(1);
    }
    assertThat(await(other.claimAbandoned(SITE, 0, 10, Instant.now()))).as("one delivery too many").isEmpty();

    assertThat(unitsLeft()).isZero();
    Response campaign = await(redis.send(Request.cmd(Command.HGETALL).arg(Keys.campaign(SITE, "c1"))));
    assertThat(campaign.get("parkedUnits").toString()).isEqualTo("1");
    assertThat(campaign.get("parkedReason").toString())
        .isEqualTo("delivered 6 times without finishing; last failure: script mark_due: ERR something broke");
    Response parked = await(redis.send(Request.cmd(Command.HGET).arg(Keys.site(SITE, Keys.Part.PARKED)).arg(unit.entryId())));
    assertThat(new io.vertx.core.json.JsonObject(parked.toString()).getString("ids")).isEqualTo("a,b");
  }

  @Test
  void consumersOfDeadInstancesAreRemovedUnlessTheyStillHoldWork() throws Exception {
    addUnit("c1");
    addUnit("c2");
    WorkQueue holder = new WorkQueue(redis, "dead-with-work");
    assertThat(await(holder.readNew(SITE, 1))).hasSize(1); // a unit stays pending on it
    WorkQueue idle = new WorkQueue(redis, "dead-idle");
    await(idle.ack(await(idle.readNew(SITE, 1)).get(0))); // did its work and died
    WorkQueue live = new WorkQueue(redis, "live");

    assertThat(await(live.pruneConsumers(SITE, -1))).isEqualTo(1);
    Response left = await(redis.send(Request.cmd(Command.XINFO).arg("CONSUMERS").arg(STREAM).arg(CampaignStore.WORK_GROUP)));
    assertThat(left.stream().map(c -> c.get("name").toString()).toList()).containsExactly("dead-with-work");
    assertThat(await(live.pruneConsumers("noSuchSite1", -1))).isZero();
  }
}
