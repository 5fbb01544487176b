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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The index of sites the delivery workers poll: sites leave it when idle, never while they have work. */
class ActiveSitesTest {
  static final long HOUR = 3_600_000;
  static final long T0 = 1_800_000_000_000L;

  static Vertx vertx;
  static EmbeddedRedis embedded;
  static Redis redis;
  ActiveSites sites;

  @BeforeAll
  static void startRedis() throws Exception {
    vertx = Vertx.vertx();
    embedded = EmbeddedRedis.start(TempDirs.create("active-sites"));
    redis = Redis.createClient(vertx, embedded.url());
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
    vertx.close();
    embedded.close();
  }

  @BeforeEach
  void emptyRedis() {
    await(redis.send(Request.cmd(Command.FLUSHALL)));
    sites = new ActiveSites(redis);
  }

  @Test
  void anIdleSiteIsForgottenOnceNoCampaignWasCreatedForAWhile() {
    await(sites.siteGetsWork("idle", T0));
    await(sites.siteGetsWork("recent", T0 + HOUR + 1));

    assertThat(await(sites.pruneIdle(T0 + HOUR + 2, HOUR))).isEqualTo(1);

    assertThat(await(sites.list())).containsExactly("recent");
  }

  @Test
  void aSiteWithWorkInItsStreamScheduleOrRetriesStays() {
    String[] busy = {"streaming", "scheduled", "retrying"};
    for (String site : busy) {
      await(sites.siteGetsWork(site, T0));
    }
    await(redis.send(Request.cmd(Command.XADD).arg(Keys.site("streaming", Keys.Part.WORK)).arg("*").arg("type").arg("scan")));
    await(redis.send(Request.cmd(Command.ZADD).arg(Keys.site("scheduled", Keys.Part.SCHEDULE)).arg(T0 + 30 * 24 * HOUR).arg("c1:0")));
    await(redis.send(Request.cmd(Command.ZADD).arg(Keys.site("retrying", Keys.Part.RETRIES)).arg(T0 + 1000).arg("c1|s1|2")));

    assertThat(await(sites.pruneIdle(T0 + 2 * HOUR, HOUR))).isZero();

    assertThat(await(sites.list())).containsExactlyInAnyOrder(busy);
  }

  @Test
  void aCampaignCreatedAfterThePrunerLookedKeepsItsSite() {
    await(sites.siteGetsWork("site", T0));
    // The pruner judged the site idle by its score T0; meanwhile a campaign is created.
    await(sites.siteGetsWork("site", T0 + 2 * HOUR));

    assertThat(await(sites.forget("site", T0))).isFalse();
    assertThat(await(sites.list())).containsExactly("site");
    assertThat(await(sites.forget("site", T0 + 2 * HOUR))).isTrue();
    assertThat(await(sites.list())).isEmpty();
  }

  @Test
  void sitesListedByAnEarlierVersionAreAdoptedOnce() {
    await(redis.send(Request.cmd(Command.SADD).arg(Keys.LEGACY_WORK_SITES).arg("a").arg("b")));
    await(sites.siteGetsWork("b", T0 - 5));

    await(sites.adoptLegacy(T0));
    await(sites.adoptLegacy(T0 + 1));

    assertThat(await(sites.list())).containsExactly("b", "a");
    Response score = await(redis.send(Request.cmd(Command.ZSCORE).arg(Keys.ACTIVE_SITES).arg("a")));
    assertThat(score.toLong()).as("adopted when first seen").isEqualTo(T0);
    assertThat(await(redis.send(Request.cmd(Command.EXISTS).arg(Keys.LEGACY_WORK_SITES))).toInteger()).isZero();
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
