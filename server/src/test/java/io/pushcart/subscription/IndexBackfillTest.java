package io.pushcart.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.redis.EmbeddedRedis;
import io.pushcart.redis.Keys;
import io.pushcart.segment.AudienceReader;
import io.pushcart.segment.Rule;
import io.pushcart.support.RunningPushcart;
import io.pushcart.support.TempDirs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Subscriptions written by the version before the audience bitmaps (a hash, the id set, a set
 * per tag and zone) are found by audiences after the upgrade, and the sets it kept are gone.
 */
class IndexBackfillTest {
  private static final String SITE = "oldsite";

  @Test
  void subscriptionsOfAnEarlierVersionAreIndexedOnceAndTheOldSetsDeleted() throws Exception {
    EmbeddedRedis redis = EmbeddedRedis.start(TempDirs.create("backfill"), RunningPushcart.freePort(), List.of());
    Vertx vertx = Vertx.vertx();
    try {
      Redis client = Redis.createClient(vertx, redis.url());
      await(client.send(Request.cmd(Command.SADD).arg(Keys.SITES).arg(SITE)));
      await(client.send(Request.cmd(Command.HSET).arg(Keys.site(SITE, Keys.Part.RECORD)).arg("id").arg(SITE)));
      for (int i = 0; i < 1_200; i++) {
        String id = String.format("old-subscription-%05d", i).substring(0, 22);
        String tags = i % 2 == 0 ? "[\"shoes\"]" : "[]";
        String zone = i % 3 == 0 ? "Asia/Kolkata" : "Europe/Berlin";
        await(client.send(Request.cmd(Command.HSET).arg(Keys.subscription(SITE, id)).arg("endpoint").arg("https://p.example/" + i)
            .arg("p256dh").arg("k").arg("auth").arg("a").arg("tags").arg(tags)
            .arg("attributes").arg("{\"timezone\":\"" + zone + "\"}").arg("createdAt").arg("2026-01-01T00:00:00Z")
            .arg("lastSeen").arg("2026-11-01T00:00:00Z")));
        await(client.send(Request.cmd(Command.SADD).arg(Keys.site(SITE, Keys.Part.SUBSCRIPTIONS)).arg(id)));
        if (i % 2 == 0) {
          await(client.send(Request.cmd(Command.SADD).arg(Keys.earlier(SITE, "tag:shoes")).arg(id)));
        }
        await(client.send(Request.cmd(Command.SADD).arg(Keys.earlier(SITE, "zone:" + zone)).arg(id)));
      }
      await(client.send(Request.cmd(Command.SET).arg(Keys.earlier(SITE, "subs-added")).arg(1_200)));

      assertThat(await(new IndexBackfill(client).run())).isEqualTo(1_200);
      AudienceReader reader = new AudienceReader(client);
      Instant now = Instant.parse("2026-11-29T00:00:00Z");
      assertThat(await(reader.count(SITE, new Rule.All(List.of()), now, null))).isEqualTo(1_200);
      assertThat(await(reader.count(SITE, new Rule.HasTag("shoes"), now, null))).isEqualTo(600);
      assertThat(await(reader.count(SITE, new Rule.All(List.of()), now, List.of("Asia/Kolkata")))).isEqualTo(400);
      for (String old : List.of("tag:shoes", "zone:Asia/Kolkata", "zone:Europe/Berlin", "subs-added")) {
        assertThat(await(client.send(Request.cmd(Command.EXISTS).arg(Keys.earlier(SITE, old)))).toLong()).as(old).isZero();
      }
      assertThat(await(new IndexBackfill(client).run())).as("a second run has nothing to do").isZero();
      client.close();
    } finally {
      await(vertx.close());
      redis.close();
    }
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
