package io.pushcart.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.redis.Keys;
import io.pushcart.support.Poll;
import io.pushcart.support.RedisCluster;
import io.pushcart.support.ServerProcess;
import io.pushcart.support.TestSite;
import io.pushcart.testkit.LocalPushService;
import io.pushcart.testkit.TestSubscriber;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Three Pushcart processes on a real Redis Cluster (3 masters, 3 replicas) deliver six sites'
 * campaigns; mid-campaign one instance and the master holding a site are SIGKILLed. The
 * replica takes over, the surviving instances take over the dead one's units, and every
 * subscriber of every site gets the message.
 */
class ClusterDeliveryTest {
  static final int SITES = 6;
  static final int PER_SITE = 2_000;
  static final int CONCURRENCY = 32;
  static final int INSTANCES = 3;

  @Test
  void anInstanceAndAMasterKilledMidCampaignLoseNoSubscriber() throws Exception {
    try (RedisCluster cluster = RedisCluster.start();
         LocalPushService push = new LocalPushService().verify(false).start()) {
      Map<String, String> env = Map.of(
          "PUSHCART_REDIS_URL", cluster.url(),
          "PUSHCART_REDIS_CLUSTER", "true",
          "PUSHCART_PUSH_HOSTS", "127.0.0.1:" + push.port(),
          "PUSHCART_PUSH_CA_FILE", push.caFile().toString(),
          "PUSHCART_PUSH_CONCURRENCY", String.valueOf(CONCURRENCY),
          "PUSHCART_DELIVERY_INSTANCES", "1",
          "PUSHCART_CLAIM_IDLE_MS", "5000");
      List<ServerProcess> servers = new ArrayList<>();
      try {
        for (int i = 0; i < INSTANCES; i++) {
          servers.add(ServerProcess.start("cluster-" + i, env));
        }
        List<TestSite> sites = new ArrayList<>();
        Map<String, List<TestSubscriber>> audiences = new HashMap<>();
        for (int s = 0; s < SITES; s++) {
          TestSite site = TestSite.create(servers.get(s % INSTANCES).api());
          List<TestSubscriber> subscribers = push.newSubscribers(PER_SITE);
          site.registerAll(subscribers);
          sites.add(site);
          audiences.put(site.id(), subscribers);
        }
        Map<String, String> campaigns = new HashMap<>();
        for (TestSite site : sites) {
          campaigns.put(site.id(), site.createCampaign(TestSite.campaignTo("all")).json().getString("id"));
        }
        int total = SITES * PER_SITE;
        push.awaitCount(total / 5, Duration.ofSeconds(60));

        int master = cluster.masterFor(Keys.site(sites.get(0).id(), Keys.Part.WORK));
        servers.get(0).kill();
        cluster.killNode(master);
        int atKill = push.count();
        assertThat(atKill).as("the kills must land mid-campaign").isLessThan(total);
        cluster.awaitFailover(master, Duration.ofSeconds(30));

        ServerProcess survivor = servers.get(1);
        for (TestSite site : sites) {
          TestSite viaSurvivor = new TestSite(site.id(), site.secretKey(), site.vapidPublicKey(), survivor.api());
          JsonObject done = Poll.until(() -> viaSurvivor.campaign(campaigns.get(site.id())).json(),
              c -> "completed".equals(c.getString("status")), Duration.ofSeconds(120), "site " + site.id() + "'s campaign to complete");
          assertThat(done.getJsonObject("stats").getLong("accepted")).as("accepted, site " + site.id()).isEqualTo(PER_SITE);
        }
        LocalPushService.Tally tally = push.tally(audiences.values().stream().flatMap(List::stream).toList());
        assertThat(tally.missing()).as("subscribers who never got the message").isZero();
        // The killed instance's messages in flight, plus outcome writes the killed master had
        // acknowledged but not yet passed to its replica (replication is asynchronous).
        assertThat(tally.repeats()).as("repeats (%d sent before the kills)", atKill).isLessThanOrEqualTo(2L * CONCURRENCY);
        for (ServerProcess s : servers.subList(1, INSTANCES)) {
          assertThat(s.logText()).as("log of a surviving instance").doesNotContain("SEVERE").doesNotContain("CROSSSLOT")
              .doesNotContain("MOVED").doesNotContain(" ASK ");
          s.logText().lines().filter(l -> l.contains("WARNING")).forEach(System.out::println);
        }
        System.out.printf("cluster: %d sent before the kills, %d missing, %d repeats%n", atKill, tally.missing(), tally.repeats());
      } finally {
        servers.forEach(ServerProcess::kill);
      }
    }
  }
}
