package io.pushcart.bench;

import io.pushcart.support.RedisCluster;
import io.pushcart.support.RunningPushcart;
import io.pushcart.support.TestSite;
import io.pushcart.testkit.TestSubscriber;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Aggregate delivery rate on a real Redis Cluster (3 masters, 3 replicas, on this machine):
 * three Pushcart instances (in this JVM, each with its own Vert.x and Redis clients) share six
 * sites' campaigns, one per site, all created at once. The rate is every accepted message over
 * the time from the first creation to the last completion. Run by hand, see docs/benchmarks.md:
 *
 * <pre>
 * mvn -B -q -pl server test-compile exec:exec@bench-cluster -Dbench.subscribers=60000
 * </pre>
 */
public final class ClusterBenchmark {
  private static final int INSTANCES = 3;
  private static final int SITES = 6;

  private ClusterBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int subscribers = args.length > 0 ? Integer.parseInt(args[0]) : 60_000;
    DeliveryBenchmark.Sink sink = DeliveryBenchmark.Sink.start();
    List<RunningPushcart> servers = new ArrayList<>();
    RedisCluster cluster = RedisCluster.start();
    try {
      Map<String, String> env = Map.of(
          "PUSHCART_REDIS_URL", cluster.url(),
          "PUSHCART_REDIS_CLUSTER", "true",
          "PUSHCART_PUSH_HOSTS", "127.0.0.1:" + sink.port,
          "PUSHCART_PUSH_CA_FILE", sink.caFile);
      for (int i = 0; i < INSTANCES; i++) {
        servers.add(RunningPushcart.start(env));
      }
      List<TestSite> sites = new ArrayList<>();
      long t0 = System.nanoTime();
      for (int s = 0; s < SITES; s++) {
        TestSite site = TestSite.create(servers.get(s % INSTANCES).api());
        List<TestSubscriber> batch = TestSubscriber.batch(subscribers / SITES, TestSubscriber.generateKeyPair(), sink.pushBase);
        site.registerAll(batch);
        sites.add(site);
      }
      double registerSeconds = (System.nanoTime() - t0) / 1e9;
      for (int w = 1; w <= 2; w++) {
        System.out.printf("warm-up round %d: %.0f messages/s%n", w, round(sites));
      }
      double rate = round(sites);
      System.out.printf("%n== Pushcart delivery benchmark, Redis Cluster ==%n");
      System.out.printf("machine: %d cores, %s, Java %s%n", Runtime.getRuntime().availableProcessors(), DeliveryBenchmark.cpuModel(),
          System.getProperty("java.version"));
      System.out.printf("cluster: 3 masters + 3 replicas; %d Pushcart instances; %d sites%n", INSTANCES, SITES);
      System.out.printf("subscribers registered through the API: %d in %.1f s%n", subscribers / SITES * SITES, registerSeconds);
      System.out.printf("delivery (measured, after two warm-up rounds): %.0f messages/s aggregate%n", rate);
      System.out.printf("reproduce: mvn -B -q -pl server test-compile exec:exec@bench-cluster -Dbench.subscribers=%d%n", subscribers);
    } finally {
      // Before the cluster (closed last by the try): instances outliving it would report an outage.
      servers.forEach(RunningPushcart::close);
      sink.stop();
      cluster.close();
    }
  }

  /** One campaign per site, all created at once; accepted messages over first creation to last completion. */
  private static double round(List<TestSite> sites) {
    List<String> ids = sites.stream().map(s -> s.createCampaign(TestSite.campaignTo("all")).json().getString("id")).toList();
    Instant first = Instant.MAX;
    Instant last = Instant.MIN;
    long accepted = 0;
    for (int i = 0; i < sites.size(); i++) {
      JsonObject c = awaitCompleted(sites.get(i), ids.get(i));
      Instant created = Instant.parse(c.getString("createdAt"));
      Instant completed = Instant.parse(c.getString("completedAt"));
      first = created.isBefore(first) ? created : first;
      last = completed.isAfter(last) ? completed : last;
      accepted += c.getJsonObject("stats").getLong("accepted");
    }
    return accepted / (Duration.between(first, last).toNanos() / 1e9);
  }

  private static JsonObject awaitCompleted(TestSite site, String id) {
    JsonObject campaign = site.campaign(id).json();
    while (!"completed".equals(campaign.getString("status"))) {
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
      campaign = site.campaign(id).json();
    }
    return campaign;
  }
}
