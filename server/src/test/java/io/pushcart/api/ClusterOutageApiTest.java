package io.pushcart.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.redis.Keys;
import io.pushcart.support.Poll;
import io.pushcart.support.RedisCluster;
import io.pushcart.support.RunningPushcart;
import io.pushcart.support.TestSite;
import io.pushcart.testkit.LocalPushService;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * On a Redis Cluster, a dead master fails only the sites on its slots: until its replica takes
 * over, their calls answer 503, while sites on the other masters are served as usual.
 */
class ClusterOutageApiTest {
  @Test
  void aDeadMasterFailsOnlyItsOwnSitesUntilItsReplicaTakesOver() throws Exception {
    try (RedisCluster cluster = RedisCluster.start();
         LocalPushService push = new LocalPushService().verify(false).start();
         RunningPushcart server = RunningPushcart.start(Map.of(
             "PUSHCART_REDIS_URL", cluster.url(),
             "PUSHCART_REDIS_CLUSTER", "true",
             "PUSHCART_PUSH_HOSTS", "127.0.0.1:" + push.port(),
             "PUSHCART_PUSH_CA_FILE", push.caFile().toString()))) {
      TestSite onVictim = TestSite.create(server.api());
      int victim = cluster.masterFor(Keys.site(onVictim.id(), Keys.Part.RECORD));
      TestSite elsewhere = TestSite.create(server.api());
      while (cluster.masterFor(Keys.site(elsewhere.id(), Keys.Part.RECORD)) == victim) {
        elsewhere = TestSite.create(server.api());
      }

      cluster.killNode(victim);
      // Before the replica is promoted (the cluster needs seconds to agree the master is dead):
      assertThat(onVictim.api().get("/v1/sites/" + onVictim.id(), onVictim.secretKey()).status())
          .as("a site on the dead master").isEqualTo(503);
      assertThat(elsewhere.api().get("/v1/sites/" + elsewhere.id(), elsewhere.secretKey()).status())
          .as("a site on a live master").isEqualTo(200);
      assertThat(elsewhere.subscribe(push.newSubscriber().subscriptionJson()).status())
          .as("registration on a live master").isEqualTo(201);

      cluster.awaitFailover(victim, Duration.ofSeconds(30));
      TestSite recovered = onVictim;
      Poll.until(() -> recovered.api().get("/v1/sites/" + recovered.id(), recovered.secretKey()).status(), s -> s == 200,
          Duration.ofSeconds(10), "the site to be served by the promoted replica");
      assertThat(onVictim.subscribe(push.newSubscriber().subscriptionJson()).status()).isEqualTo(201);
    }
  }
}
