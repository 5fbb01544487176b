package io.pushcart.bench;

import io.pushcart.delivery.DeliveryMetrics;
import io.pushcart.support.RunningPushcart;
import io.pushcart.support.TestSite;
import io.pushcart.testkit.TestSubscriber;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * End-to-end delivery benchmark: N subscribers registered through the API, one campaign to all
 * of them, sent by a real Pushcart (embedded Redis, Conscrypt, HTTP/2) to a TLS HTTP/2 sink in
 * another process on this machine. Prints messages/second, send latency percentiles and the
 * server's peak heap. Not a test: run it by hand, see docs/benchmarks.md.
 *
 * <pre>
 * mvn -B -q -pl server test-compile exec:exec@bench -Dbench.subscribers=100000
 * </pre>
 */
public final class DeliveryBenchmark {
  /** Warm-up campaigns at most, before the measured one. */
  private static final int MAX_WARMUPS = 5;

  private DeliveryBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int subscribers = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    Sink sink = Sink.start();
    Latencies latencies = new Latencies(subscribers + 1024);
    Map<String, String> env = new HashMap<>(Map.of(
        "PUSHCART_PUSH_HOSTS", "127.0.0.1:" + sink.port,
        "PUSHCART_PUSH_CA_FILE", sink.caFile));
    System.getenv().forEach((k, v) -> {
      if (k.startsWith("PUSHCART_PUSH_CONCURRENCY") || k.startsWith("PUSHCART_DELIVERY_INSTANCES")) {
        env.put(k, v);
      }
    });
    try (RunningPushcart server = RunningPushcart.start(env, latencies)) {
      TestSite site = TestSite.create(server.api());
      long t0 = System.nanoTime();
      List<TestSubscriber> batch = TestSubscriber.batch(subscribers, TestSubscriber.generateKeyPair(), sink.pushBase);
      site.registerAll(batch);
      double registerSeconds = (System.nanoTime() - t0) / 1e9;

      // The same campaign before, to warm the JIT of both JVMs and open the HTTP/2 connections:
      // the figures below describe a running server, not its first minutes. HotSpot keeps
      // compiling (and recompiling) the send path through the first few campaigns, so warm-ups
      // go on until one spends under a tenth of its time in the JIT compiler, at most MAX_WARMUPS.
      for (int w = 1; w <= MAX_WARMUPS; w++) {
        long jitBefore = jitMillis();
        long start = System.nanoTime();
        JsonObject warmup = runCampaign(site, "all");
        double took = (System.nanoTime() - start) / 1e9;
        long jit = jitMillis() - jitBefore;
        System.out.printf("warm-up campaign %d: %.0f messages/s, %.1f s compiling in the JIT%n", w,
            warmup.getJsonObject("stats").getLong("accepted") / took, jit / 1e3);
        if (jit < took * 1000 / 10) {
          break;
        }
      }
      latencies.clear();
      System.gc();
      resetHeapPeaks();
      // BENCH_JFR=file.jfr records a profile of the measured campaign (JDK Flight Recorder).
      jdk.jfr.Recording recording = null;
      if (System.getenv("BENCH_JFR") != null) {
        recording = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
        recording.setDestination(Path.of(System.getenv("BENCH_JFR")));
        recording.start();
      }
      RedisInfo.command(server.redisUrl(), "CONFIG RESETSTAT");
      CpuTimes before = CpuTimes.now(sink.process);
      long jitBefore = jitMillis();
      JsonObject campaign = runCampaign(site, "all");
      long jit = jitMillis() - jitBefore;
      CpuTimes cpu = CpuTimes.now(sink.process).minus(before);
      if (recording != null) {
        recording.stop();
        recording.close();
      }
      Instant created = Instant.parse(campaign.getString("createdAt"));
      Instant completed = Instant.parse(campaign.getString("completedAt"));
      double seconds = Duration.between(created, completed).toNanos() / 1e9;
      JsonObject stats = campaign.getJsonObject("stats");
      long[] sorted = latencies.sorted();
      System.out.printf("%n== Pushcart delivery benchmark ==%n");
      System.out.printf("machine: %d cores, %s, Java %s%n", Runtime.getRuntime().availableProcessors(), cpuModel(),
          System.getProperty("java.version"));
      System.out.printf("subscribers registered through the API: %d in %.1f s (%.0f/s)%n", subscribers, registerSeconds,
          subscribers / registerSeconds);
      System.out.printf("campaign: targeted %d, accepted %d, failed %d, retried %d%n", stats.getLong("targeted"),
          stats.getLong("accepted"), stats.getLong("failed"), stats.getLong("retried"));
      System.out.printf("delivery (measured, after the warm-ups): %.2f s from creation to completion = %.0f messages/s%n", seconds,
          stats.getLong("accepted") / seconds);
      System.out.printf("send latency (request to push-service answer): p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
          percentile(sorted, 0.50), percentile(sorted, 0.99), sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6);
      long accepted = Math.max(1, stats.getLong("accepted"));
      System.out.printf("CPU per message: Pushcart %.0f µs, its Redis %.0f µs, the sink %.0f µs (all cores, whole campaign)%n",
          cpu.server / 1e3 / accepted, cpu.redis / 1e3 / accepted, cpu.sink / 1e3 / accepted);
      System.out.printf("JIT compiling during the campaign: %.1f s%n", jit / 1e3);
      System.out.println("Redis time by command during the campaign (INFO commandstats, top 6):");
      RedisInfo.topCommands(server.redisUrl(), 6).forEach(line -> System.out.println("  " + line));
      System.out.printf("peak heap during the campaign (whole JVM: server and this driver): %d MiB%n", heapPeakBytes() >> 20);
      System.out.printf("reproduce: mvn -B -q -pl server test-compile exec:exec@bench -Dbench.subscribers=%d%n", subscribers);
    } finally {
      sink.stop();
    }
  }

  /** Time the JIT compiler threads have spent compiling since start (HotSpot counts it across threads). */
  private static long jitMillis() {
    return ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
  }

  /** Sends one campaign to everyone and waits for it to complete; its final state. */
  private static JsonObject runCampaign(TestSite site, Object audience) {
    String id = site.createCampaign(TestSite.campaignTo(audience)).json().getString("id");
    JsonObject campaign = site.campaign(id).json();
    while (!"completed".equals(campaign.getString("status"))) {
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
      campaign = site.campaign(id).json();
    }
    return campaign;
  }

  private static double percentile(long[] sorted, double p) {
    return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))] / 1e6;
  }

  static void resetHeapPeaks() {
    ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
        .forEach(MemoryPoolMXBean::resetPeakUsage);
  }

  static long heapPeakBytes() {
    return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
        .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
  }

  static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
    } catch (Exception e) {
      return "unknown CPU";
    }
  }

  /** CPU nanoseconds used so far by this JVM (Pushcart and this driver), its embedded Redis, and the sink. */
  private record CpuTimes(long server, long redis, long sink) {
    static CpuTimes now(Process sink) {
      long redis = ProcessHandle.current().children().filter(p -> p.pid() != sink.pid())
          .mapToLong(CpuTimes::cpu).sum();
      return new CpuTimes(cpu(ProcessHandle.current()), redis, cpu(sink.toHandle()));
    }

    private static long cpu(ProcessHandle p) {
      return p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    CpuTimes minus(CpuTimes earlier) {
      return new CpuTimes(server - earlier.server, redis - earlier.redis, sink - earlier.sink);
    }
  }

  /** Send latencies, recorded from the event loops. */
  static final class Latencies implements DeliveryMetrics {
    private final long[] values;
    private int size;

    Latencies(int capacity) {
      values = new long[capacity];
    }

    @Override
    public synchronized void answered(String origin, int status, long nanos) {
      if (size < values.length) {
        values[size++] = nanos;
      }
    }

    synchronized void clear() {
      size = 0;
    }

    synchronized long[] sorted() {
      long[] copy = Arrays.copyOf(values, size);
      Arrays.sort(copy);
      return copy;
    }
  }

  /** The local push service in sink mode, in its own JVM so it does not share our heap or GC. */
  static final class Sink {
    final Process process;
    final int port;
    final String caFile;
    final String pushBase;

    private Sink(Process process, int port, String caFile, String pushBase) {
      this.process = process;
      this.port = port;
      this.caFile = caFile;
      this.pushBase = pushBase;
    }

    static Sink start() throws Exception {
      Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), "io.pushcart.testkit.LocalPushService")
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      Map<String, String> info = new HashMap<>();
      String line;
      while ((line = out.readLine()) != null && !line.startsWith("mode=")) {
        int eq = line.indexOf('=');
        if (eq > 0) {
          info.put(line.substring(0, eq), line.substring(eq + 1));
        }
      }
      return new Sink(p, Integer.parseInt(info.get("port")), info.get("ca-file"), info.get("push-base"));
    }

    void stop() throws Exception {
      process.getOutputStream().close();
      process.waitFor();
    }
  }
}
