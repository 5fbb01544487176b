package io.pushcart.bench;

import io.pushcart.common.Ids;
import io.pushcart.subscription.Device;
import io.pushcart.subscription.Subscription;
import io.pushcart.subscription.SubscriptionStore;
import io.pushcart.support.RunningPushcart;
import io.pushcart.support.TempDirs;
import io.pushcart.support.TestSite;
import io.pushcart.testkit.TestSubscriber;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Segments at scale (issue 12): N subscribers with realistic tags, devices, countries, times and
 * custom attributes, written through the server's own store. Times POST /audience/count for
 * rules on tags and built-in fields and for rules with custom attribute comparisons (p50, p95 of
 * 30 each), reads Redis's SLOWLOG for the longest single command, and compares a campaign to a
 * 50 % segment with one to "all" (send rate, peak heap). Not a test: see docs/benchmarks.md.
 *
 * <pre>
 * mvn -B -q -pl server test-compile exec:exec@bench-segments -Dbench.subscribers=1000000
 * </pre>
 */
public final class SegmentBenchmark {
  static final List<String> TAGS = List.of("shoes", "bags", "dresses", "sale", "newsletter", "vip", "men", "women", "kids",
      "sports", "outdoor", "beauty", "home", "electronics", "books", "toys", "garden", "pets", "jewelry", "watches");
  static final List<String> ZONES = List.of("Asia/Kolkata", "America/New_York", "Europe/Berlin", "Europe/London",
      "America/Los_Angeles", "Asia/Tokyo", "Australia/Sydney", "America/Sao_Paulo", "Europe/Paris", "Asia/Singapore");
  static final List<Device> DEVICES = List.of(new Device("chrome", "android", "mobile"), new Device("safari", "ios", "mobile"),
      new Device("chrome", "windows", "desktop"), new Device("firefox", "windows", "desktop"), new Device("edge", "windows", "desktop"),
      new Device("safari", "macos", "desktop"), new Device("samsung", "android", "mobile"), new Device("chrome", "android", "tablet"));
  static final int RUNS = 30;

  private SegmentBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int subscribers = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    DeliveryBenchmark.Sink sink = DeliveryBenchmark.Sink.start();
    Map<String, String> env = Map.of("PUSHCART_PUSH_HOSTS", "127.0.0.1:" + sink.port, "PUSHCART_PUSH_CA_FILE", sink.caFile);
    try (RunningPushcart server = RunningPushcart.start(TempDirs.create("bench-segments"), env,
        io.pushcart.delivery.DeliveryMetrics.NONE, java.time.Clock.systemUTC())) {
      TestSite site = TestSite.create(server.api());
      long t0 = System.nanoTime();
      load(server.redisUrl(), site.id(), subscribers, sink.pushBase);
      double loadSeconds = (System.nanoTime() - t0) / 1e9;
      String redis = server.redisUrl();
      System.out.printf("Redis time per command while loading: %s%n", RedisInfo.topCommands(redis, 3));
      RedisInfo.command(redis, "CONFIG RESETSTAT");
      RedisInfo.command(redis, "CONFIG SET slowlog-log-slower-than 5000");
      RedisInfo.command(redis, "SLOWLOG RESET");
      System.out.printf("%n== Pushcart segment benchmark ==%n");
      System.out.printf("machine: %d cores, %s, Java %s%n", Runtime.getRuntime().availableProcessors(),
          DeliveryBenchmark.cpuModel(), System.getProperty("java.version"));
      System.out.printf("subscribers loaded (save_subscription.lua, pipelined): %d in %.1f s (%.0f/s); Redis used_memory %s%n",
          subscribers, loadSeconds, subscribers / loadSeconds, info(redis, "used_memory_human"));

      Map<String, String> rules = new LinkedHashMap<>();
      rules.put("tags + time: shoes, seen in 7 days, not vip", """
          {"all": [{"tag": "shoes"}, {"field": "lastSeenAt", "op": "withinLast", "value": "P7D"}, {"not": {"tag": "vip"}}]}""");
      rules.put("built-in: mobile Chrome users in India", """
          {"all": [{"field": "browser", "op": "eq", "value": "chrome"}, {"field": "deviceType", "op": "eq", "value": "mobile"},
                   {"field": "country", "op": "eq", "value": "IN"}]}""");
      rules.put("tags: any of 3, none of 2", """
          {"all": [{"any": [{"tag": "bags"}, {"tag": "dresses"}, {"tag": "jewelry"}]}, {"not": {"any": [{"tag": "men"}, {"tag": "kids"}]}}]}""");
      rules.put("custom: gold tier, not subscribed in 30 days", """
          {"all": [{"field": "attributes.tier", "op": "eq", "value": "gold"},
                   {"field": "subscribedAt", "op": "notWithinLast", "value": "P30D"}]}""");
      rules.put("custom: ltv > 500 among shoes buyers", """
          {"all": [{"tag": "shoes"}, {"field": "attributes.ltv", "op": "gt", "value": 500}]}""");
      for (Map.Entry<String, String> rule : rules.entrySet()) {
        long[] micros = new long[RUNS];
        long count = -1;
        for (int i = 0; i < RUNS; i++) {
          long s = System.nanoTime();
          var r = site.api().post("/v1/sites/" + site.id() + "/audience/count", site.secretKey(),
              new JsonObject().put("audience", new JsonObject(rule.getValue())));
          micros[i] = (System.nanoTime() - s) / 1000;
          count = r.json().getLong("count");
        }
        Arrays.sort(micros);
        System.out.printf("count %-48s = %,8d  p50 %7.1f ms  p95 %7.1f ms%n", rule.getKey(), count,
            micros[RUNS / 2] / 1000.0, micros[(int) Math.ceil(RUNS * 0.95) - 1] / 1000.0);
      }
      System.out.printf("slowest Redis commands while counting (SLOWLOG, over 5 ms): %s%n", slowest(redis));

      // A 50 % segment against everyone, one after the other on the same server.
      RedisInfo.command(redis, "SLOWLOG RESET");
      String half = site.api().post("/v1/sites/" + site.id() + "/segments", site.secretKey(), new JsonObject()
          .put("name", "Half").put("rule", new JsonObject("{\"tag\": \"sale\"}"))).json().getString("id");
      // A warm-up campaign first (the JIT), then alternated, twice each.
      send(site, new JsonObject("{\"tag\": \"shoes\"}"), "warm-up: tag shoes", -1);
      double[] rates = new double[4];
      for (int i = 0; i < 4; i++) {
        rates[i] = i % 2 == 0 ? send(site, new JsonObject().put("segment", half), "segment 'sale' (half)", subscribers / 2)
            : send(site, "all", "all", subscribers);
      }
      System.out.printf("segment send rate / all: run 1 %.0f %%, run 2 %.0f %%, both %.0f %%%n", 100 * rates[0] / rates[1],
          100 * rates[2] / rates[3], 100 * (rates[0] + rates[2]) / (rates[1] + rates[3]));
      System.out.printf("slowest Redis commands while sending (SLOWLOG, over 5 ms): %s%n", slowest(redis));
      System.out.printf("reproduce: mvn -B -q -pl server test-compile exec:exec@bench-segments -Dbench.subscribers=%d%n", subscribers);
    } finally {
      sink.stop();
    }
  }

  /**
   * Sends a campaign and waits for it to complete; the rate is taken between 10 % and 90 % of the
   * messages accepted (the steady state), and the time to complete is printed beside it.
   */
  private static double send(TestSite site, Object audience, String what, long total) {
    System.gc();
    DeliveryBenchmark.resetHeapPeaks();
    long s = System.nanoTime();
    String id = site.startCampaign(TestSite.campaignTo(audience));
    JsonObject c = site.campaign(id).json();
    long t10 = 0;
    long t90 = 0;
    long a10 = 0;
    long a90 = 0;
    while (!"completed".equals(c.getString("status"))) {
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
      c = site.campaign(id).json();
      long accepted = c.getJsonObject("stats").getLong("accepted");
      if (total < 0) {
        continue;
      }
      if (t10 == 0 && accepted >= total / 10) {
        t10 = System.nanoTime();
        a10 = accepted;
      }
      if (t90 == 0 && accepted >= total * 9 / 10) {
        t90 = System.nanoTime();
        a90 = accepted;
      }
    }
    double seconds = (System.nanoTime() - s) / 1e9;
    long sent = c.getJsonObject("stats").getLong("accepted");
    double steady = t90 > t10 ? (a90 - a10) / ((t90 - t10) / 1e9) : sent / seconds;
    System.out.printf("campaign to %-26s: %,d accepted, completed in %.1f s (%,.0f messages/s overall), %,.0f messages/s "
        + "from 10 %% to 90 %%; peak heap %d MiB%n", what, sent, seconds, sent / seconds, steady, DeliveryBenchmark.heapPeakBytes() >> 20);
    return steady;
  }

  private static String info(String redis, String field) {
    return RedisInfo.command(redis, "INFO memory").stream().filter(l -> l.startsWith(field + ":")).findFirst()
        .map(l -> l.substring(field.length() + 1).trim()).orElse("?");
  }

  /** The SLOWLOG entries' durations (µs) and commands, longest first; "none" when nothing took over 5 ms. */
  private static String slowest(String redis) {
    List<String> lines = RedisInfo.command(redis, "SLOWLOG GET 128");
    // RESP: *n, then per entry *4|*6, :id, :time, :micros, *args...; pick the micros after each time.
    List<long[]> micros = new ArrayList<>();
    List<String> what = new ArrayList<>();
    for (int i = 0; i + 3 < lines.size(); i++) {
      if (lines.get(i).matches("\\*[46]") && lines.get(i + 1).startsWith(":") && lines.get(i + 2).startsWith(":")
          && lines.get(i + 3).startsWith(":")) {
        micros.add(new long[] {Long.parseLong(lines.get(i + 3).substring(1)), what.size()});
        // The command's first arguments: RESP bulk strings after the argument count.
        StringBuilder cmd = new StringBuilder();
        for (int j = i + 6, taken = 0; j < lines.size() && taken < 4; j += 2, taken++) {
          String arg = lines.get(j);
          cmd.append(arg, 0, Math.min(arg.length(), 30)).append(' ');
        }
        what.add(cmd.toString().trim());
      }
    }
    micros.sort((a, b) -> Long.compare(b[0], a[0]));
    if (micros.isEmpty()) {
      return "none";
    }
    StringBuilder out = new StringBuilder(micros.size() + " entries, longest " + micros.get(0)[0] / 1000.0 + " ms");
    for (int k = 0; k < Math.min(5, micros.size()); k++) {
      out.append(String.format("%n    %.1f ms: %s", micros.get(k)[0] / 1000.0, what.get((int) micros.get(k)[1])));
    }
    return out.toString();
  }

  /** Subscriptions through the server's own store (the scripts the API runs), many in flight. */
  private static void load(String redisUrl, String siteId, int n, String pushBase) throws Exception {
    Vertx vertx = Vertx.vertx();
    Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(redisUrl).setMaxPoolSize(8).setMaxPoolWaiting(100_000));
    SubscriptionStore store = new SubscriptionStore(redis);
    TestSubscriber template = TestSubscriber.batch(1, TestSubscriber.generateKeyPair(), pushBase).get(0);
    Random random = new Random(1);
    Instant now = Instant.now();
    try {
      int batch = 2_000;
      for (int from = 0; from < n; from += batch) {
        List<Future<Boolean>> writes = new ArrayList<>(batch);
        for (int i = from; i < Math.min(n, from + batch); i++) {
          String endpoint = pushBase + "seg-" + i;
          List<String> tags = new ArrayList<>();
          for (int t = 0; t < TAGS.size(); t++) {
            if (random.nextInt(4 + t) == 0) { // popular tags first, 0 to ~4 each
              tags.add(TAGS.get(t));
            }
          }
          tags.remove("sale");
          if (i % 2 == 0) {
            tags.add("sale"); // exactly half: the 50 % segment
          }
          JsonObject attributes = new JsonObject().put("timezone", ZONES.get(random.nextInt(ZONES.size())))
              .put("tier", List.of("gold", "silver", "bronze", "bronze").get(random.nextInt(4)))
              .put("ltv", random.nextInt(100_000) / 100.0).put("firstName", "Shopper" + i);
          Subscription s = new Subscription(Ids.derived(endpoint), endpoint, template.p256dh(), template.auth(), tags, attributes);
          Instant subscribed = now.minus(Duration.ofMinutes(random.nextInt(365 * 24 * 60)));
          Instant seen = random.nextInt(10) < 7 ? subscribed.plus(Duration.between(subscribed, now).multipliedBy(random.nextInt(100)).dividedBy(100))
              : subscribed;
          writes.add(store.upsert(siteId, s, DEVICES.get(random.nextInt(DEVICES.size())), subscribed)
              .compose(v -> seen.equals(subscribed) ? Future.succeededFuture(true)
                  : store.update(siteId, s.id(), List.of(), List.of(), new JsonObject(), seen)));
        }
        Future.all(writes).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
      }
    } finally {
      redis.close();
      vertx.close();
    }
  }
}
