package io.pushcart.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.support.RedisCluster;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * ClusterRouter follows a slot that moves between masters: ASK while it is being migrated (the
 * keys already moved are asked of the new master), MOVED once it has moved (the router learns
 * the new master and goes there from then on).
 */
class ClusterRouterTest {
  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aSlotMigratedBetweenMastersIsFollowedThroughAskAndMoved() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (RedisCluster cluster = RedisCluster.start()) {
      Redis router = new ClusterRouter(Arrays.asList(cluster.url().split(",")),
          node -> Redis.createClient(vertx, node));
      String moved = "pc:{siteM}:a";
      String stays = "pc:{siteM}:b";
      await(router.send(Request.cmd(Command.SET).arg(moved).arg("first")));
      await(router.send(Request.cmd(Command.SET).arg(stays).arg("second")));

      int from = cluster.masterFor(moved);
      int to = cluster.masters().stream().filter(p -> p != from).findFirst().orElseThrow();
      long slot = cluster.slotOf(moved);
      cluster.beginMigration(slot, from, to);
      cluster.migrateKey(from, to, moved);
      assertThat(await(router.send(Request.cmd(Command.GET).arg(moved))).toString())
          .as("a key already migrated: ASK").isEqualTo("first");
      assertThat(await(router.send(Request.cmd(Command.GET).arg(stays))).toString())
          .as("a key not yet migrated: still at its old master").isEqualTo("second");

      cluster.migrateKey(from, to, stays);
      cluster.finishMigration(slot, to);
      assertThat(await(router.send(Request.cmd(Command.GET).arg(stays))).toString())
          .as("after the move: MOVED, then the new master").isEqualTo("second");
      await(router.send(Request.cmd(Command.SET).arg(moved).arg("third")));
      assertThat(cluster.masterFor(moved)).isEqualTo(to);
      assertThat(await(router.batch(List.of(Request.cmd(Command.GET).arg(moved), Request.cmd(Command.GET).arg(stays))))
          .stream().map(String::valueOf).toList()).containsExactly("third", "second");
      await(router.close());
    } finally {
      await(vertx.close());
    }
  }
}
