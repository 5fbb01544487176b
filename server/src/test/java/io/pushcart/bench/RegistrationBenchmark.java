package io.pushcart.bench;

import io.pushcart.delivery.DeliveryMetrics;
import io.pushcart.support.BrowserKeys;
import io.pushcart.support.BulkSubscribe;
import io.pushcart.support.RunningPushcart;
import io.pushcart.support.TempDirs;
import io.pushcart.support.TestSite;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the browser routes' rate limits cost (issue 13): registrations through the HTTP API with
 * the limits on (set above the load, so every request runs the limiter and none is refused)
 * against the same with them off, in one run. Two instances share one embedded Redis, one with
 * limits and one without; rounds alternate between them (and which goes first), each to a new
 * site, so that both see the same Redis as it grows. Prints registrations per second and Redis
 * CPU per registration of each round. Not a test: see docs/benchmarks.md.
 *
 * <pre>
 * mvn -B -q -pl server test-compile exec:exec@bench-registration -Dbench.subscribers=20000
 * </pre>
 */
public final class RegistrationBenchmark {
  static final int ROUNDS = 4;

  private RegistrationBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int perRound = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    Map<String, String> limited = new HashMap<>();
    for (String limit : RunningPushcart.NO_RATE_LIMITS.keySet()) {
      limited.put(limit, limit.endsWith("_PER_ADDRESS") ? "1000000" : "100000000");
    }
    try (RunningPushcart off = RunningPushcart.start(Map.of())) {
      limited.put("PUSHCART_REDIS_URL", off.redisUrl());
      try (RunningPushcart on = RunningPushcart.start(TempDirs.create("bench-limits"), limited,
          DeliveryMetrics.NONE, Clock.systemUTC())) {
        String p256dh = BrowserKeys.p256dh();
        String auth = BrowserKeys.auth();
        System.out.printf("warm-up: off %.0f/s, on %.0f/s%n", round(off, perRound / 2, p256dh, auth)[0],
            round(on, perRound / 2, p256dh, auth)[0]);
        List<double[]> offRounds = new ArrayList<>();
        List<double[]> onRounds = new ArrayList<>();
        for (int r = 0; r < ROUNDS; r++) {
          boolean offFirst = r % 2 == 0;
          double[] first = round(offFirst ? off : on, perRound, p256dh, auth);
          double[] second = round(offFirst ? on : off, perRound, p256dh, auth);
          double[] o = offFirst ? first : second;
          double[] l = offFirst ? second : first;
          offRounds.add(o);
          onRounds.add(l);
          System.out.printf("round %d (%s first): off %,.0f/s (Redis %.0f µs each), on %,.0f/s (Redis %.0f µs each): %.1f %%%n",
              r + 1, offFirst ? "off" : "on", o[0], o[1], l[0], l[1], 100 * l[0] / o[0]);
        }
        double offTotal = offRounds.stream().mapToDouble(x -> x[0]).sum();
        double onTotal = onRounds.stream().mapToDouble(x -> x[0]).sum();
        System.out.printf("%d rounds of %,d registrations: limits on / off = %.1f %% of the rate%n", ROUNDS, perRound,
            100 * onTotal / offTotal);
      }
    }
  }

  /** Registers {@code n} new subscriptions to a new site; registrations per second and Redis µs per registration. */
  private static double[] round(RunningPushcart server, int n, String p256dh, String auth) {
    TestSite site = TestSite.create(server.api());
    List<JsonObject> bodies = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      bodies.add(new JsonObject().put("endpoint", "https://fcm.googleapis.com/fcm/send/" + UUID.randomUUID())
          .put("keys", new JsonObject().put("p256dh", p256dh).put("auth", auth)));
    }
    RedisInfo.command(server.redisUrl(), "CONFIG RESETSTAT");
    long t0 = System.nanoTime();
    BulkSubscribe.register(server.api().baseUrl(), site.id(), bodies);
    double seconds = (System.nanoTime() - t0) / 1e9;
    return new double[] {n / seconds, redisMicros(server.redisUrl()) / n};
  }

  /** Redis's CPU time in commands since the last RESETSTAT, in µs. */
  private static double redisMicros(String redisUrl) {
    double total = 0;
    for (String line : RedisInfo.command(redisUrl, "INFO commandstats")) {
      int at = line.indexOf("usec=");
      if (line.startsWith("cmdstat_") && at > 0) {
        total += Double.parseDouble(line.substring(at + 5, line.indexOf(',', at)));
      }
    }
    return total;
  }
}
