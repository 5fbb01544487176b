package io.pushcart.bench;

import io.pushcart.delivery.DeliveryMetrics;
import io.pushcart.support.RunningPushcart;
import io.pushcart.support.TempDirs;
import io.pushcart.support.TestClock;
import io.pushcart.support.TestSite;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Issue 15's benchmark. Part 1: the send rate of a campaign with a frequency cap and quiet hours
 * configured (nobody capped or held: the gate's whole cost, and nothing it saves) against the
 * same campaign without them, alternated in one run. Part 2: a campaign to N subscribers of
 * whom half are inside quiet hours: how long until the others are sent and the half is held, the
 * peak heap, what the held messages cost Redis, and the release of one zone once its night ends.
 * Subscribers are spread over the 24 zones of {@link LocalTimeBenchmark}. Not a test: run it by
 * hand, see docs/benchmarks.md.
 *
 * <pre>
 * mvn -B -q -pl server test-compile exec:exec@bench-engagement -Dbench.subscribers=100000 -Dbench.quiet=1000000
 * </pre>
 */
public final class EngagementBenchmark {
  private static final int ROUNDS = 5;

  private EngagementBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int subscribers = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int quietSubscribers = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
    DeliveryBenchmark.Sink sink = DeliveryBenchmark.Sink.start();
    // Half past the hour in every zone of the set: a one-minute window at 03:00 holds nobody for the next 29 minutes.
    TestClock clock = new TestClock().set(Instant.parse("2026-12-01T10:30:00Z"));
    Map<String, String> env = new HashMap<>(Map.of(
        "PUSHCART_PUSH_HOSTS", "127.0.0.1:" + sink.port,
        "PUSHCART_PUSH_CA_FILE", sink.caFile));
    try (RunningPushcart server = RunningPushcart.start(TempDirs.create("bench-engagement"), env, DeliveryMetrics.NONE,
        clock)) {
      System.out.printf("%n== Pushcart engagement benchmark (issue 15) ==%n");
      System.out.printf("machine: %d cores, %s, Java %s%n", Runtime.getRuntime().availableProcessors(),
          DeliveryBenchmark.cpuModel(), System.getProperty("java.version"));
      sendRate(server, sink, clock, subscribers);
      quietHalf(server, sink, clock, quietSubscribers);
      System.out.printf("reproduce: mvn -B -q -pl server test-compile exec:exec@bench-engagement -Dbench.subscribers=%d"
          + " -Dbench.quiet=%d%n", subscribers, quietSubscribers);
    } finally {
      sink.stop();
    }
  }

  private static final JsonObject RULES = new JsonObject()
      .put("frequencyCap", new JsonArray().add(new JsonObject().put("max", 100).put("per", "P1D")))
      .put("quietHours", new JsonObject().put("start", "03:00").put("end", "03:01"));
  private static final JsonObject NO_RULES = new JsonObject().putNull("frequencyCap").putNull("quietHours");

  private static void sendRate(RunningPushcart server, DeliveryBenchmark.Sink sink, TestClock clock, int n) throws Exception {
    TestSite site = TestSite.create(server.api());
    LocalTimeBenchmark.load(server.redisUrl(), site.id(), n, sink.pushBase, clock.instant());
    for (int w = 1; w <= 2; w++) {
      double rate = rate(site, campaign(site));
      System.out.printf("warm-up %d: %.0f messages/s%n", w, rate);
    }
    List<Double> ratios = new ArrayList<>();
    List<Double> plain = new ArrayList<>();
    List<Double> ruled = new ArrayList<>();
    for (int r = 1; r <= ROUNDS; r++) {
      rules(server, site, NO_RULES);
      double p = rate(site, campaign(site));
      rules(server, site, RULES);
      JsonObject c = campaign(site);
      double q = rate(site, c);
      JsonObject stats = c.getJsonObject("stats");
      if (stats.getLong("held") != 0 || !stats.getJsonObject("suppressed").isEmpty()) {
        throw new IllegalStateException("the rules were to hold or cap nobody: " + stats.encode());
      }
      plain.add(p);
      ruled.add(q);
      ratios.add(q / p);
      System.out.printf("round %d: plain %.0f messages/s, cap + quiet hours %.0f messages/s = %.0f %%%n", r, p, q, 100 * q / p);
    }
    System.out.printf("send rate with a cap and quiet hours (nobody capped or held) vs without, %d subscribers: medians %.0f vs"
        + " %.0f messages/s, ratio median %.0f %% (rounds %s)%n", n, median(ruled), median(plain), 100 * median(ratios), ratios.stream()
        .map(x -> String.format("%.0f %%", 100 * x)).toList());
    rules(server, site, NO_RULES);
  }

  private static void quietHalf(RunningPushcart server, DeliveryBenchmark.Sink sink, TestClock clock, int n) throws Exception {
    TestSite site = TestSite.create(server.api());
    long t0 = System.nanoTime();
    LocalTimeBenchmark.load(server.redisUrl(), site.id(), n, sink.pushBase, clock.instant());
    System.out.printf("loaded %d subscribers over %d zones in %.1f s%n", n, LocalTimeBenchmark.ZONES.size(), (System.nanoTime() - t0) / 1e9);
    // 20:00 to 08:00: at any instant 12 of the 24 whole-hour zones are inside.
    rules(server, site, new JsonObject().put("quietHours", new JsonObject().put("start", "20:00").put("end", "08:00")));
    Instant now = clock.instant();
    long quiet = 0;
    ZoneId firstToWake = null;
    Instant firstEnd = null;
    io.pushcart.engagement.QuietHours night = new io.pushcart.engagement.QuietHours(LocalTime.of(20, 0), LocalTime.of(8, 0));
    for (int z = 0; z < LocalTimeBenchmark.ZONES.size(); z++) {
      ZoneId zone = ZoneId.of(LocalTimeBenchmark.ZONES.get(z));
      var end = night.endOfWindow(zone, now);
      if (end.isPresent()) {
        quiet += n / LocalTimeBenchmark.ZONES.size() + (z < n % LocalTimeBenchmark.ZONES.size() ? 1 : 0);
        if (firstEnd == null || end.get().isBefore(firstEnd)) {
          firstEnd = end.get();
          firstToWake = zone;
        }
      }
    }
    long memoryBefore = usedMemory(server);
    System.gc();
    DeliveryBenchmark.resetHeapPeaks();
    long p0 = System.nanoTime();
    String id = site.createCampaign(TestSite.campaignTo("all").put("ttl", 86_400)).json().getString("id");
    double postMillis = (System.nanoTime() - p0) / 1e6;
    long held = quiet;
    long sent = n - quiet;
    JsonObject c = await(site, id, x -> x.getLong("held") >= held && x.getLong("accepted") >= sent);
    double seconds = (System.nanoTime() - p0) / 1e9;
    long memoryHeld = usedMemory(server) - memoryBefore;
    System.out.printf("campaign to %d with %d (%.0f %%) in quiet hours: POST answered in %.0f ms; %d sent and %d held after %.1f s"
        + " (%.0f subscribers/s through the gate)%n", n, quiet, 100.0 * quiet / n, postMillis, c.getLong("accepted"),
        c.getLong("held"), seconds, n / seconds);
    System.out.printf("peak heap from the POST until all were sent or held (whole JVM): %d MiB; Redis memory grew %d MiB"
        + " (%.0f bytes per held message, with the progress of the sent ones)%n", DeliveryBenchmark.heapPeakBytes() >> 20,
        memoryHeld >> 20, (double) memoryHeld / Math.max(1, quiet));
    long zoneSize = n / LocalTimeBenchmark.ZONES.size();
    long r0 = System.nanoTime();
    clock.set(firstEnd.plusSeconds(61));
    long target = sent + zoneSize;
    await(site, id, x -> x.getLong("accepted") >= target);
    double release = (System.nanoTime() - r0) / 1e9;
    System.out.printf("08:00 in %s: its ~%d held messages released and sent in %.1f s = %.0f messages/s%n", firstToWake, zoneSize,
        release, zoneSize / release);
  }

  private static void rules(RunningPushcart server, TestSite site, JsonObject rules) {
    var r = server.api().patch("/v1/sites/" + site.id(), site.secretKey(), rules);
    if (r.status() != 200) {
      throw new IllegalStateException(r.json().encode());
    }
    LockSupport.parkNanos(Duration.ofMillis(1_500).toNanos()); // every worker reads the site's rules at most once a second
  }

  private static JsonObject campaign(TestSite site) {
    String id = site.createCampaign(TestSite.campaignTo("all")).json().getString("id");
    JsonObject c = site.campaign(id).json();
    while (!"completed".equals(c.getString("status"))) {
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
      c = site.campaign(id).json();
    }
    return c;
  }

  private static double rate(TestSite site, JsonObject c) {
    double seconds = Duration.between(Instant.parse(c.getString("createdAt")), Instant.parse(c.getString("completedAt"))).toNanos() / 1e9;
    return c.getJsonObject("stats").getLong("accepted") / seconds;
  }

  private static JsonObject await(TestSite site, String id, java.util.function.Predicate<JsonObject> done) {
    JsonObject stats = site.campaign(id).json().getJsonObject("stats");
    while (!done.test(stats)) {
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
      stats = site.campaign(id).json().getJsonObject("stats");
    }
    return stats;
  }

  private static long usedMemory(RunningPushcart server) {
    return RedisInfo.command(server.redisUrl(), "INFO memory").stream().filter(l -> l.startsWith("used_memory:"))
        .map(l -> Long.parseLong(l.substring("used_memory:".length()).trim())).findFirst().orElse(0L);
  }

  private static double median(List<Double> xs) {
    List<Double> sorted = xs.stream().sorted().toList();
    int m = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(m) : (sorted.get(m - 1) + sorted.get(m)) / 2;
  }
}
