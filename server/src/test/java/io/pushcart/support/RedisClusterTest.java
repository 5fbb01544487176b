package io.pushcart.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The test cluster itself: it forms quickly, and a killed master's replica takes over with its data. */
class RedisClusterTest {
  private static final String SITE_KEY = "pc:{siteA}:subs";
  /** 1,000 keys over every master: the site's key, and 999 that hash all over the slot space. */
  private static final List<String> KEYS =
      Stream.concat(Stream.of(SITE_KEY), IntStream.range(0, 999).mapToObj(i -> "pc:key:" + i)).toList();

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** As Pushcart builds its own (RedisConnector): a pool big enough for 1,000 commands at once. */
  private static Redis clusterClient(Vertx vertx, RedisCluster cluster) {
    RedisOptions options = new RedisOptions().setType(RedisClientType.CLUSTER)
        .setMaxPoolSize(16).setMaxPoolWaiting(4096).setMaxWaitingHandlers(16_384);
    for (String endpoint : cluster.url().split(",")) {
      options.addConnectionString(endpoint);
    }
    return Redis.createClient(vertx, options);
  }

  private static String valueOf(String key) {
    return "value of " + key;
  }

  @Test
  void everyReplicatedWriteIsReadableAfterItsMasterIsKilled() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      long began = System.nanoTime();
      try (RedisCluster cluster = RedisCluster.start()) {
        assertThat(Duration.ofNanos(System.nanoTime() - began)).as("time to start the cluster").isLessThan(Duration.ofSeconds(20));

        Redis writer = clusterClient(vertx, cluster);
        await(Future.all(KEYS.stream().map(key -> writer.send(Request.cmd(Command.SET).arg(key).arg(valueOf(key)))).toList()));
        // Closed before the kill: its pool would otherwise report the dropped connection.
        await(writer.close());
        // Asynchronous replication: only what reached the replica can survive, so make it everything.
        cluster.awaitReplicated(Duration.ofSeconds(10));

        int victim = cluster.masterFor(SITE_KEY);
        assertThat(cluster.keysOn(victim)).as("keys on the master to be killed").isGreaterThan(200);
        cluster.killNode(victim);
        cluster.awaitFailover(victim, Duration.ofSeconds(30));
        assertThat(cluster.masterFor(SITE_KEY)).isNotEqualTo(victim);

        // A new client: it must find the new layout from a seed list whose first entry may be the dead node.
        Redis reader = clusterClient(vertx, cluster);
        List<Future<Response>> reads = KEYS.stream().map(key -> reader.send(Request.cmd(Command.GET).arg(key))).toList();
        await(Future.all(reads));
        assertThat(reads).extracting(read -> String.valueOf(read.result()))
            .containsExactlyElementsOf(KEYS.stream().map(RedisClusterTest::valueOf).toList());
        await(reader.close());
      }
    } finally {
      await(vertx.close());
    }
  }
}
