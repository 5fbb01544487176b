package io.pushcart.bench;

import io.pushcart.common.Ids;
import io.pushcart.delivery.DeliveryMetrics;
import io.pushcart.subscription.Subscription;
import io.pushcart.subscription.SubscriptionStore;
import io.pushcart.support.RunningPushcart;
import io.pushcart.support.TempDirs;
import io.pushcart.support.TestClock;
import io.pushcart.support.TestSite;
import io.pushcart.testkit.TestSubscriber;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;

/**
 * A local-time campaign ("10:00 where each shopper lives") over N subscribers spread evenly over
 * 24 time zones, sent by a real Pushcart to the TLS HTTP/2 sink. Time is moved by the injected
 * clock, zone by zone. Prints the time to plan the campaign, the peak heap, and the send rate
 * once a zone is due. Not a test: run it by hand, see docs/benchmarks.md.
 *
 * <pre>
 * mvn -B -q -pl server test-compile exec:exec@bench-local -Dbench.subscribers=1000000
 * </pre>
 */
public final class LocalTimeBenchmark {
  /** One zone per whole-hour offset, from UTC−11 to UTC+13 (some keep daylight saving time). */
  static final List<String> ZONES = List.of(
      "Pacific/Pago_Pago", "Pacific/Honolulu", "America/Anchorage", "America/Los_Angeles", "America/Denver",
      "America/Chicago", "America/New_York", "America/Halifax", "America/Sao_Paulo", "Atlantic/South_Georgia",
      "Atlantic/Azores", "Europe/London", "Europe/Berlin", "Europe/Athens", "Europe/Moscow", "Asia/Dubai",
      "Asia/Karachi", "Asia/Dhaka", "Asia/Bangkok", "Asia/Shanghai", "Asia/Tokyo", "Australia/Brisbane",
      "Pacific/Noumea", "Pacific/Auckland");
  /** Zones whose 10:00 is sent and timed. */
  static final int ZONES_SENT = 2;

  private LocalTimeBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int subscribers = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    DeliveryBenchmark.Sink sink = DeliveryBenchmark.Sink.start();
    TestClock clock = new TestClock();
    Map<String, String> env = new HashMap<>(Map.of(
        "PUSHCART_PUSH_HOSTS", "127.0.0.1:" + sink.port,
        "PUSHCART_PUSH_CA_FILE", sink.caFile));
    try (RunningPushcart server = RunningPushcart.start(TempDirs.create("bench-local"), env, DeliveryMetrics.NONE, clock)) {
      TestSite site = TestSite.create(server.api());
      long t0 = System.nanoTime();
      load(server.redisUrl(), site.id(), subscribers, sink.pushBase, clock.instant());
      double loadSeconds = (System.nanoTime() - t0) / 1e9;

      System.gc();
      DeliveryBenchmark.resetHeapPeaks();
      LocalDate day = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).plusDays(2);
      JsonObject body = TestSite.campaignTo("all").put("localTime", day + "T10:00");
      long p0 = System.nanoTime();
      JsonObject created = site.createCampaign(body).json();
      double planMillis = (System.nanoTime() - p0) / 1e6;
      String id = created.getString("id");
      long planHeap = DeliveryBenchmark.heapPeakBytes();

      System.out.printf("%n== Pushcart local-time benchmark ==%n");
      System.out.printf("machine: %d cores, %s, Java %s%n", Runtime.getRuntime().availableProcessors(),
          DeliveryBenchmark.cpuModel(), System.getProperty("java.version"));
      System.out.printf("subscribers loaded (save_subscription.lua, pipelined; %d zones): %d in %.1f s (%.0f/s)%n",
          ZONES.size(), subscribers, loadSeconds, subscribers / loadSeconds);
      System.out.printf("plan: POST of a localTime campaign to all %d answered in %.1f ms, %d waves%n",
          subscribers, planMillis, created.getJsonArray("waves").size());
      System.out.printf("peak heap while planning (whole JVM): %d MiB%n", planHeap >> 20);

      // The zones in the order their 10:00 comes; subscriber i lives in ZONES[i % 24].
      List<Integer> order = IntStream.range(0, ZONES.size()).boxed()
          .sorted(Comparator.comparing(z -> tenOClock(day, ZONES.get(z)))).toList();
      long reached = 0;
      for (int k = 0; k < ZONES_SENT; k++) {
        int z = order.get(k);
        long zoneSize = subscribers / ZONES.size() + (z < subscribers % ZONES.size() ? 1 : 0);
        reached += zoneSize;
        long s0 = System.nanoTime();
        clock.set(tenOClock(day, ZONES.get(z)));
        JsonObject c = awaitAccepted(site, id, reached);
        double seconds = (System.nanoTime() - s0) / 1e9;
        System.out.printf("10:00 in %s: %d messages sent in %.2f s = %.0f messages/s (stats: targeted %d, accepted %d)%n",
            ZONES.get(z), zoneSize, seconds, zoneSize / seconds, c.getJsonObject("stats").getLong("targeted"),
            c.getJsonObject("stats").getLong("accepted"));
      }
      System.out.printf("peak heap from planning through %d zones (whole JVM: server and this driver): %d MiB%n",
          ZONES_SENT, DeliveryBenchmark.heapPeakBytes() >> 20);
      System.out.printf("reproduce: mvn -B -q -pl server test-compile exec:exec@bench-local -Dbench.subscribers=%d%n", subscribers);
    } finally {
      sink.stop();
    }
  }

  /**
   * Writes the subscriptions straight through the server's own store (the same script the API
   * runs), many in flight at once: a million through HTTP would take most of the run.
   */
  static void load(String redisUrl, String siteId, int n, String pushBase, Instant now) throws Exception {
    Vertx vertx = Vertx.vertx();
    Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(redisUrl).setMaxPoolSize(8).setMaxPoolWaiting(100_000));
    SubscriptionStore store = new SubscriptionStore(redis);
    List<TestSubscriber> keys = TestSubscriber.batch(1, TestSubscriber.generateKeyPair(), pushBase);
    TestSubscriber template = keys.get(0);
    try {
      int batch = 2_000;
      for (int from = 0; from < n; from += batch) {
        List<Future<Boolean>> writes = new ArrayList<>(batch);
        for (int i = from; i < Math.min(n, from + batch); i++) {
          String endpoint = pushBase + "bench-" + i;
          Subscription s = new Subscription(Ids.derived(endpoint), endpoint, template.p256dh(), template.auth(),
              List.of(), new JsonObject().put("timezone", ZONES.get(i % ZONES.size())));
          writes.add(store.upsert(siteId, s, io.pushcart.subscription.Device.UNKNOWN, now));
        }
        Future.all(writes).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      }
    } finally {
      redis.close();
      vertx.close();
    }
  }

  private static Instant tenOClock(LocalDate day, String zone) {
    return ZonedDateTime.of(day, LocalTime.of(10, 0), ZoneId.of(zone)).toInstant();
  }

  private static JsonObject awaitAccepted(TestSite site, String id, long accepted) {
    JsonObject c = site.campaign(id).json();
    while (c.getJsonObject("stats").getLong("accepted") < accepted) {
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
      c = site.campaign(id).json();
    }
    return c;
  }
}
