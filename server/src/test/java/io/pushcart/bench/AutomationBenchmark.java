package io.pushcart.bench;

import io.pushcart.common.Ids;
import io.pushcart.delivery.DeliveryMetrics;
import io.pushcart.redis.Keys;
import io.pushcart.support.ApiClient;
import io.pushcart.support.BulkSubscribe;
import io.pushcart.support.Poll;
import io.pushcart.support.RedisProbe;
import io.pushcart.support.RunningPushcart;
import io.pushcart.support.TempDirs;
import io.pushcart.support.TestClock;
import io.pushcart.support.TestSite;
import io.pushcart.testkit.LocalPushService;
import io.pushcart.testkit.TestSubscriber;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import java.util.stream.Stream;

/**
 * Automations at scale: N active carts (default 100,000) of which 10 % are abandoned, step 1 of
 * an abandoned-cart automation falling due for all of those at the same instant. Measures, on a
 * real Pushcart (API, delivery, embedded Redis) with an injected clock:
 * <ul>
 *   <li>event ingest through {@code POST /events}, batches of 100 from {@link #CLIENTS} concurrent
 *       clients: N {@code cart.updated}, then {@code order.completed} for 90 % of the carts (events/s
 *       of three timed chunks each, CPU and Redis time per event), after a warm-up of the same path
 *       on another site;</li>
 *   <li>step dispatch: the clock is moved past step 1 of the N/10 abandoned runs, and each push is
 *       timed from that moment (real time, {@code nanoTime}) to its arrival at the push service:
 *       lag p50/p99, and the send rate against a plain campaign to as many subscribers right after,
 *       in nine alternated rounds, the first six a warm-up of the personalized path (shown, not
 *       scored; one more round is profiled with Redis's SLOWLOG, and not compared);</li>
 *   <li>peak heap of each phase (the whole JVM: server, driver and push service), Redis memory per
 *       live run;</li>
 *   <li>transactional pushes: {@link #TRANSACTIONAL} {@code POST /notifications} one after another,
 *       from the request (and from its 202) to the push's arrival.</li>
 * </ul>
 * The push service is a {@link LocalPushService} in sink mode in this JVM, so that arrivals can be
 * timed on the same clock as the requests: it stamps each request's {@code nanoTime} as it counts
 * it ({@link Arrivals}). CPU figures of "this JVM" are Pushcart's, the driver's and that push
 * service's together. BENCH_CLIENTS sets the clients, BENCH_JFR=prefix records profiles
 * ({@link Profile}). Not a test: see docs/benchmarks.md.
 *
 * <pre>
 * mvn -B -q -pl server test-compile exec:exec@bench-automations -Dbench.subscribers=100000
 * </pre>
 */
public final class AutomationBenchmark {
  /** Step 1's delay: far longer than ingest takes, so that nothing falls due before the clock is moved. */
  static final Duration DELAY = Duration.ofHours(1);
  static final int BATCH = 100;
  /** Batches in flight at once (store backends posting in parallel); BENCH_CLIENTS overrides. */
  static final int CLIENTS = Integer.parseInt(System.getenv().getOrDefault("BENCH_CLIENTS", "8"));
  static final int CHUNKS = 3;
  /**
   * The ingest warm-up ({@code warmIngest}): its rounds (BENCH_INGEST_WARMUPS, 0 for none) and
   * shoppers. Twelve: after four the C2 compiler still took 20–30 µs an event of the timed carts
   * (docs/benchmarks.md, session 11); the warm-up's keys are removed after it, so more of it
   * does not make Redis larger.
   */
  static final int WARM_ROUNDS = Integer.parseInt(System.getenv().getOrDefault("BENCH_INGEST_WARMUPS", "12"));
  static final int WARM_SHOPPERS = 4_000;
  static final int TRANSACTIONAL = 500;
  static final int TRANSACTIONAL_WARMUP = 50;
  /**
   * Step rounds, each followed by a campaign (BENCH_ROUNDS, default 9, at most 9: each round's
   * carts are another tenth of the shoppers, and the profile round takes the last); the first
   * {@link #WARMUPS} are shown but not scored; one more runs with Redis's SLOWLOG on (profile).
   */
  static final int ROUNDS = Integer.parseInt(System.getenv().getOrDefault("BENCH_ROUNDS", "9"));
  /**
   * Rounds that warm the personalized path up before the scored ones (BENCH_WARMUPS, default 6):
   * the campaign path had 100,000 messages of warm-up, a round gives the step path 10,000, and
   * the JIT compiler was still at work on it in the rounds after four warm-ups (25–65 µs of C2 per
   * message, against 2–10 µs after six: docs/benchmarks.md, session 10).
   */
  static final int WARMUPS = Integer.parseInt(System.getenv().getOrDefault("BENCH_WARMUPS", "6"));
  /** How long the JIT compiler must have compiled nothing before a timed phase starts ({@code jitSettled}). */
  static final Duration JIT_QUIET = Duration.ofMillis(500);
  /** Commands the profile keeps: SLOWLOG's tail (each entry holds up to 32 arguments in Redis's memory). */
  static final int PROFILE_ENTRIES = 20_000;
  static final String TITLE = "{{ cart.items[0].name }} is waiting";
  static final String BODY = "{{ subscriber.attributes.firstName | default: \"Hi\" }}, {{ cart.itemCount }} items: {{ cart.total | money }}";
  static final List<String> PRODUCTS = List.of("Trail shoe", "Rain jacket", "Wool socks", "Day pack", "Running cap", "Fleece",
      "Water bottle", "Headlamp", "Gaiters", "Sun glasses", "Base layer", "Hiking pole");
  static final List<String> NAMES = List.of("Ada", "Grace", "Linus", "Ken", "Barbara", "Edsger", "Frances", "Donald");

  private AutomationBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int carts = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int abandoned = carts / 10;
    check(ROUNDS >= 1 && ROUNDS <= 9 && WARMUPS >= 0 && WARMUPS < ROUNDS,
        "BENCH_ROUNDS must be 1 to 9 (a tenth of the shoppers each, and one for the profile) and BENCH_WARMUPS fewer");
    TestClock clock = new TestClock();
    LocalPushService sink = new LocalPushService().verify(false)
        .stampArrivals(2 * carts + 2 * (ROUNDS + 1) * abandoned + TRANSACTIONAL + TRANSACTIONAL_WARMUP + 1_000).start();
    // Verify mode, in the server's time (VAPID expiry): one shopper's step, decrypted.
    LocalPushService probe = new LocalPushService().clock(clock).start();
    Arrivals arrivals = new Arrivals(sink);
    Map<String, String> env = Map.of("PUSHCART_PUSH_HOSTS", "127.0.0.1:" + sink.port() + ",127.0.0.1:" + probe.port(),
        "PUSHCART_PUSH_CA_FILE", sink.caFile().toString());
    try (RunningPushcart server = RunningPushcart.start(TempDirs.create("bench-automations"), env, DeliveryMetrics.NONE, clock);
         RedisProbe redis = new RedisProbe(server.redisUrl())) {
      Bench bench = new Bench(server, redis, clock, sink, arrivals, carts);
      bench.run(probe);
    } finally {
      sink.close();
      probe.close();
    }
  }

  /** One run of the benchmark against one server. */
  private static final class Bench {
    private final RunningPushcart server;
    private final RedisProbe redis;
    private final TestClock clock;
    private final LocalPushService sink;
    private final Arrivals arrivals;
    private final int carts;
    private final int abandoned;
    private final TestSite site;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    private String[] ids;
    private String automation;

    Bench(RunningPushcart server, RedisProbe redis, TestClock clock, LocalPushService sink, Arrivals arrivals, int carts) {
      this.server = server;
      this.redis = redis;
      this.clock = clock;
      this.sink = sink;
      this.arrivals = arrivals;
      this.carts = carts;
      this.abandoned = carts / 10;
      this.site = TestSite.create(server.api());
    }

    void run(LocalPushService probe) throws Exception {
      System.out.printf("%n== Pushcart automation benchmark ==%n");
      System.out.printf("machine: %d cores, %s, Java %s; %,d carts, %,d abandoned; batches of %d events, %d clients%n",
          Runtime.getRuntime().availableProcessors(), DeliveryBenchmark.cpuModel(), System.getProperty("java.version"), carts,
          abandoned, BATCH, CLIENTS);
      Meter seeding = Meter.start(server.redisUrl());
      seed();
      Cost seeded = seeding.stop();
      System.out.printf("subscribers registered through the API: %,d in %.1f s (%,.0f/s); peak heap %d MiB%n", carts, seeded.seconds,
          carts / seeded.seconds, seeded.peakHeap >> 20);
      automation = createAutomation();
      System.out.println(campaign("all", carts, "warm-up campaign to all").line());
      TestSubscriber shopper = probe.newSubscriber(); // after the campaign to all: its one push is the step
      String shopperId = site.subscribe(shopper.subscriptionJson().put("attributes", new JsonObject().put("firstName", "Ada")))
          .json().getString("id");

      Ingest ingest = ingest(shopperId);
      List<Send[]> rounds = compare(probe);
      profileRedis();
      Transactional tx = transactional();
      JsonObject finalStats = stats();
      summary(ingest, rounds, tx);
      // Every message once: the campaigns', the steps' (less the probe shopper's) and the transactional ones.
      int expected = carts + 2 * ROUNDS * abandoned + abandoned + TRANSACTIONAL_WARMUP + TRANSACTIONAL;
      System.out.printf("push service: %,d requests received, %,d expected (each message once)%n", sink.count(), expected);
      System.out.println("automation stats at the end: " + finalStats.encode());
      System.out.printf("reproduce: mvn -B -q -pl server test-compile exec:exec@bench-automations -Dbench.subscribers=%d%n", carts);
    }

    /** The timed ingests and what the live runs hold in Redis. */
    private record Ingest(List<Cost> carts, List<Cost> orders, String perRun) {
    }

    /**
     * A cart for everyone, all at one instant (so that step 1 falls due for all at once; the
     * probe shopper's too), then orders for 90 % of them.
     */
    private Ingest ingest(String shopperId) throws Exception {
      warmIngest();
      Instant cartsAt = clock.instant().truncatedTo(ChronoUnit.SECONDS);
      post(List.of(cartEvent("probe", shopperId, "c1-probe", cartsAt, 1)));
      long memoryBefore = usedMemory();
      Profile jfr = Profile.start("ingest");
      List<Cost> cartChunks = ingest("cart.updated", carts, i -> cartEvent("c1-" + i, ids[i], "c1-" + i, cartsAt, i));
      jfr.stop();
      long memoryAfter = usedMemory();
      JsonObject afterCarts = stats();
      String perRun = memoryPerRun(memoryBefore, memoryAfter);
      Profile orders = Profile.start("ingest-orders");
      List<Cost> orderChunks = ingest("order.completed", carts - abandoned, k -> {
        int i = k + k / 9 + 1; // every i with i % 10 != 0
        return orderEvent(i, ids[i], cartsAt.plusSeconds(1));
      });
      orders.stop();
      long memoryOrdered = usedMemory();
      JsonObject afterOrders = stats();
      System.out.printf("after the carts: %s entered, %s active; after the orders: %s active, exited %s%n",
          afterCarts.getLong("entered"), afterCarts.getLong("active"), afterOrders.getLong("active"), afterOrders.getJsonObject("exited"));
      System.out.printf("Redis used_memory: %,d B before the carts, %,d after (%+,d B a cart), %,d after the orders (%+,d B an order)%n",
          memoryBefore, memoryAfter, (memoryAfter - memoryBefore) / carts, memoryOrdered,
          (memoryOrdered - memoryAfter) / Math.max(1, carts - abandoned));
      System.out.println("Redis memory of one live run (MEMORY USAGE, 200 runs sampled): " + perRun);
      return new Ingest(cartChunks, orderChunks, perRun);
    }

    /**
     * Step 1 of the abandoned carts falls due at once, then a plain campaign goes to as many
     * subscribers: {@link #ROUNDS} times, each later round with new carts of other shoppers.
     */
    private List<Send[]> compare(LocalPushService probe) throws Exception {
      List<Send[]> rounds = new ArrayList<>();
      for (int r = 1; r <= ROUNDS; r++) {
        if (r > 1) {
          String cart = "r" + r + "-";
          int decile = r - 1; // shoppers who ordered in round 1, with new carts
          Instant at = clock.instant().truncatedTo(ChronoUnit.SECONDS);
          Cost c = postRange(abandoned, k -> cartEvent(cart + k, ids[10 * k + decile], cart + k, at, k));
          System.out.printf("round %d: %,d more abandoned carts posted at %,.0f events/s%n", r, abandoned, abandoned / c.seconds);
        }
        Profile jfr = r > WARMUPS ? Profile.start("steps-" + r) : Profile.NONE;
        Send steps = steps("round " + r + ": personalized step 1", abandoned, r == 1 ? 1 : 0);
        jfr.stop();
        System.out.println(steps.line());
        if (r == 1) {
          String shown = new JsonObject(probe.awaitCount(1, Duration.ofSeconds(30)).get(0).plaintext()).encode();
          System.out.println("  as one shopper got it (decrypted): " + shown);
        }
        Profile campaignJfr = r > WARMUPS ? Profile.start("campaign-" + r) : Profile.NONE;
        Send plain = campaign(new JsonObject().put("tag", "plain"), abandoned, "round " + r + ": plain campaign (tag)");
        campaignJfr.stop();
        System.out.println(plain.line());
        System.out.printf("  personalized / plain send rate: %.0f %%%n", 100 * steps.steadyRate / plain.steadyRate);
        rounds.add(new Send[] {steps, plain});
      }
      return rounds;
    }

    /** One more round of carts and steps with every Redis command logged: which scripts the time goes to. */
    private void profileRedis() {
      Map<String, String> scripts = scriptNames();
      int decile = ROUNDS;
      Instant at = clock.instant().truncatedTo(ChronoUnit.SECONDS);
      profileOn();
      Cost ingest = postRange(abandoned, k -> cartEvent("p-" + k, ids[10 * k + decile], "p-" + k, at, k));
      System.out.printf("profile: %,d cart.updated at %,.0f events/s with SLOWLOG on; Redis time by command (last %,d commands):%n%s%n",
          abandoned, abandoned / ingest.seconds, PROFILE_ENTRIES, profile(scripts));
      profileOn();
      Send steps = steps("profile: personalized step 1, SLOWLOG on", abandoned, 0);
      System.out.println(steps.line());
      System.out.printf("  Redis time by command while dispatching (last %,d commands):%n%s%n", PROFILE_ENTRIES, profile(scripts));
      profileOff();
    }

    // ---------------------------------------------------------------- set-up

    /** N subscribers through the API: half with a first name, every tenth tagged "plain" (the campaign's audience). */
    private void seed() {
      ids = seed(site, carts);
    }

    /** {@code n} subscribers of {@code to} through the API, as {@link #seed()} makes them; their ids. */
    private String[] seed(TestSite to, int n) {
      List<TestSubscriber> batch = TestSubscriber.batch(n, TestSubscriber.generateKeyPair(), sink.pushBase());
      String[] ids = new String[n];
      List<JsonObject> bodies = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        JsonObject body = batch.get(i).subscriptionJson();
        if (i % 2 == 0) {
          body.put("attributes", new JsonObject().put("firstName", NAMES.get(i / 2 % NAMES.size())));
        }
        if (i % 10 == 9) {
          body.put("tags", new JsonArray().add("plain"));
        }
        bodies.add(body);
        ids[i] = Ids.derived(batch.get(i).endpoint()); // the id the server gives an endpoint
      }
      BulkSubscribe.register(server.api().baseUrl(), to.id(), bodies);
      return ids;
    }

    private String createAutomation() {
      return createAutomation(site);
    }

    private String createAutomation(TestSite site) {
      JsonObject step = new JsonObject().put("delay", DELAY.toString()).put("notification", new JsonObject()
          .put("title", TITLE).put("body", BODY).put("url", "https://shop.example/cart"));
      ApiClient.Reply r = server.api().post("/v1/sites/" + site.id() + "/automations", site.secretKey(), new JsonObject().put("name", "Cart reminder")
          .put("trigger", "cart_abandoned").put("steps", new JsonArray().add(step)).put("enabled", true));
      check(r.status() == 201, "automation not created: " + r.json().encode());
      return r.json().getString("id");
    }

    private JsonObject stats() {
      return server.api().get(path("/automations/" + automation), site.secretKey()).json().getJsonObject("stats");
    }

    private String path(String rest) {
      return "/v1/sites/" + site.id() + rest;
    }

    // ---------------------------------------------------------------- ingest

    /**
     * The ingest path warmed up as the send paths are (a campaign to all, warm-up rounds), on
     * another site, so that the timed ingest meets compiled code: in each of {@link #WARM_ROUNDS}
     * rounds, {@link #WARM_SHOPPERS} new shoppers of that site fill a cart and order it, as the
     * timed ingest's shoppers do (every run it starts ends).
     */
    private void warmIngest() {
      if (WARM_ROUNDS == 0) {
        return;
      }
      TestSite warm = TestSite.create(server.api());
      String[] shoppers = seed(warm, WARM_ROUNDS * WARM_SHOPPERS);
      createAutomation(warm);
      Instant at = clock.instant().truncatedTo(ChronoUnit.SECONDS);
      double seconds = 0;
      for (int r = 0; r < WARM_ROUNDS; r++) {
        int first = r * WARM_SHOPPERS;
        seconds += postRange(warm, WARM_SHOPPERS, k -> cartEvent("w" + (first + k), shoppers[first + k], "w" + (first + k), at, k)).seconds;
        seconds += postRange(warm, WARM_SHOPPERS, k -> orderEvent("w" + (first + k), shoppers[first + k], "w" + (first + k),
            at.plusSeconds(1))).seconds;
      }
      long removed = forget(warm);
      System.out.printf("ingest warm-up on another site: %,d carts and as many orders in %.1f s (its %,d keys removed after)%n",
          WARM_ROUNDS * WARM_SHOPPERS, seconds, removed);
      jitSettled();
    }

    /**
     * Deletes a warm-up site's keys, so that the timed ingest meets Redis at the size it has
     * without the warm-up (more data makes each event cost Redis more, and its AOF rewrites
     * longer: docs/benchmarks.md, session 10). The benchmark's own clean-up, with SCAN: the
     * server never reads that site again.
     */
    private long forget(TestSite warm) {
      long removed = 0;
      String cursor = "0";
      do {
        Response page = redis.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg("pc:{" + warm.id() + "}:*").arg("COUNT").arg(5_000));
        cursor = page.get(0).toString();
        if (page.get(1).size() > 0) {
          Request unlink = Request.cmd(Command.UNLINK);
          page.get(1).forEach(key -> unlink.arg(key.toString()));
          removed += redis.send(unlink).toLong();
        }
      } while (!cursor.equals("0"));
      return removed;
    }

    /** {@code n} events in batches, in {@link #CHUNKS} timed chunks; each chunk's cost is printed. */
    private List<Cost> ingest(String what, int n, IntFunction<JsonObject> event) {
      List<Cost> chunks = new ArrayList<>();
      for (int c = 0; c < CHUNKS; c++) {
        int from = (int) ((long) n * c / CHUNKS);
        int to = (int) ((long) n * (c + 1) / CHUNKS);
        Cost cost;
        try (IngestCapture capture = c == CHUNKS - 1 ? IngestCapture.start(server.redisUrl(), what) : null) {
          cost = postRange(to - from, k -> event.apply(from + k));
        }
        chunks.add(cost);
        int events = to - from;
        System.out.printf("ingest %s, chunk %d: %,d events in %.2f s = %,.0f events/s; CPU per event: this JVM %.0f µs, "
                + "Redis %.0f µs (%.0f µs in commands; Redis busy %.0f %% of the time); JIT %.1f s; peak heap %d MiB; "
                + "AOF rewrites started: %d%n", what, c + 1,
            events, cost.seconds, events / cost.seconds, cost.jvmCpu * 1e6 / events, cost.redisCpu * 1e6 / events,
            cost.redisCommands * 1e6 / events, 100 * cost.redisCommands / cost.seconds, cost.jit, cost.peakHeap >> 20, cost.rewrites);
        System.out.println("  this JVM by thread, per event: " + cost.byThread(events));
      }
      int last = n - (int) ((long) n * (CHUNKS - 1) / CHUNKS);
      System.out.println("  Redis calls and time per event by command in the last chunk (a script's own commands within its time): "
          + RedisInfo.perItem(server.redisUrl(), 14, last));
      return chunks;
    }

    /** Builds events 0..n-1 into batches first, then posts them, timed, {@link #CLIENTS} batches in flight. */
    private Cost postRange(int n, IntFunction<JsonObject> event) {
      return postRange(site, n, event);
    }

    /** The same to site {@code to}. */
    private Cost postRange(TestSite to, int n, IntFunction<JsonObject> event) {
      List<String> bodies = new ArrayList<>();
      List<Integer> sizes = new ArrayList<>();
      for (int from = 0; from < n; from += BATCH) {
        JsonArray batch = new JsonArray();
        for (int k = from; k < Math.min(n, from + BATCH); k++) {
          batch.add(event.apply(k));
        }
        bodies.add(new JsonObject().put("events", batch).encode());
        sizes.add(batch.size());
      }
      Meter meter = Meter.start(server.redisUrl());
      Semaphore inFlight = new Semaphore(CLIENTS);
      AtomicReference<String> failure = new AtomicReference<>();
      List<CompletableFuture<?>> all = new ArrayList<>();
      for (int b = 0; b < bodies.size(); b++) {
        inFlight.acquireUninterruptibly();
        int expected = sizes.get(b);
        all.add(http.sendAsync(eventsRequest(to, bodies.get(b)), HttpResponse.BodyHandlers.ofString()).whenComplete((reply, err) -> {
          inFlight.release();
          if (err != null) {
            failure.compareAndSet(null, err.toString());
          } else if (reply.statusCode() != 202 || new JsonObject(reply.body()).getLong("accepted") != expected) {
            failure.compareAndSet(null, reply.statusCode() + " " + reply.body().substring(0, Math.min(500, reply.body().length())));
          }
        }));
      }
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
      Cost cost = meter.stop();
      check(failure.get() == null, "a batch of events was not accepted in full: " + failure.get());
      return cost;
    }

    private void post(List<JsonObject> events) {
      try {
        HttpResponse<String> r = http.send(eventsRequest(site, new JsonObject().put("events", new JsonArray(events)).encode()),
            HttpResponse.BodyHandlers.ofString());
        check(r.statusCode() == 202, "events refused: " + r.body());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    private HttpRequest eventsRequest(TestSite to, String body) {
      return HttpRequest.newBuilder(URI.create(server.api().baseUrl() + "/v1/sites/" + to.id() + "/events")).timeout(Duration.ofSeconds(60))
          .header("Authorization", "Bearer " + to.secretKey()).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    // ---------------------------------------------------------------- sending

    /**
     * Moves the clock past step 1 of every live run ({@code n} to the sink, {@code elsewhere} to
     * the probe) and times each push from that moment to its arrival; nothing else is sending.
     */
    private Send steps(String what, int n, int elsewhere) {
      redis.awaitDrained(site.id());
      jitSettled();
      long live = redis.send(Request.cmd(Command.ZCARD).arg(Keys.site(site.id(), Keys.Part.RUN_DUE))).toLong();
      check(live == n + elsewhere, what + ": " + live + " live runs, expected " + (n + elsewhere));
      int base = arrivals.count();
      Meter meter = Meter.start(server.redisUrl());
      long due = System.nanoTime();
      clock.advance(DELAY.plusSeconds(1));
      arrivals.awaitCount(base + n, Duration.ofMinutes(5), what);
      Cost cost = meter.stop();
      return Send.of(what, arrivals, base, n, due, cost);
    }

    /**
     * Waits (at most 15 s) until the JIT has compiled nothing for half a second: what the phase
     * before queued for compilation (the ingest before a step round) is not charged to the
     * sending measured next, for steps and campaigns alike. The JIT announces nothing: its total
     * compile time is polled, and the quiet half second is what is measured. Past the deadline the
     * round is measured anyway, and says so.
     */
    private static void jitSettled() {
      var jit = ManagementFactory.getCompilationMXBean();
      long[] changed = {jit.getTotalCompilationTime(), System.nanoTime()}; // the compile time, and when it last moved
      try {
        Poll.until(() -> {
          long total = jit.getTotalCompilationTime();
          if (total != changed[0]) {
            changed[0] = total;
            changed[1] = System.nanoTime();
          }
          return System.nanoTime() - changed[1];
        }, quiet -> quiet >= JIT_QUIET.toNanos(), Duration.ofSeconds(15), "the JIT compiler to go quiet");
      } catch (AssertionError stillCompiling) {
        System.out.println("  (the JIT compiler was still at work after 15 s: measured anyway)");
      }
    }

    /** A campaign to {@code audience}, timed from its POST to each push's arrival, and awaited to completion. */
    private Send campaign(Object audience, int n, String what) {
      redis.awaitDrained(site.id());
      jitSettled();
      int base = arrivals.count();
      Meter meter = Meter.start(server.redisUrl());
      long start = System.nanoTime();
      String id = site.startCampaign(TestSite.campaignTo(audience));
      arrivals.awaitCount(base + n, Duration.ofMinutes(5), what);
      Cost cost = meter.stop();
      JsonObject c = site.awaitCampaign(id, x -> "completed".equals(x.getString("status")), what + " to complete");
      check(c.getJsonObject("stats").getLong("accepted") == n, what + ": " + c.getJsonObject("stats").encode());
      return Send.of(what, arrivals, base, n, start, cost);
    }

    /** {@code POST /notifications} one after another, each awaited at the push service before the next. */
    private Transactional transactional() {
      int total = TRANSACTIONAL_WARMUP + TRANSACTIONAL;
      long[] fromPost = new long[TRANSACTIONAL];
      long[] from202 = new long[TRANSACTIONAL];
      int early = 0;
      int slow = 0;
      redis.awaitDrained(site.id());
      Meter meter = Meter.start(server.redisUrl());
      for (int j = 0; j < total; j++) {
        int base = arrivals.count();
        String to = ids[(10 * j + 3) % carts];
        JsonObject body = new JsonObject().put("id", "tx-" + j).put("subscriptionId", to).put("notification",
            new JsonObject().put("title", "Your order has shipped").put("body", "It arrives on Thursday")
                .put("url", "https://shop.example/orders/" + j));
        long sent = System.nanoTime();
        ApiClient.Reply r = server.api().post(path("/notifications"), site.secretKey(), body);
        long answered = System.nanoTime();
        check(r.status() == 202, "notification refused: " + r.json().encode());
        arrivals.awaitCount(base + 1, Duration.ofSeconds(30), "transactional push " + j);
        long arrived = arrivals.at(base);
        if (j >= TRANSACTIONAL_WARMUP) {
          fromPost[j - TRANSACTIONAL_WARMUP] = arrived - sent;
          from202[j - TRANSACTIONAL_WARMUP] = arrived - answered;
          early += arrived < answered ? 1 : 0;
          slow += arrived - sent > 100_000_000 ? 1 : 0;
        }
      }
      Cost cost = meter.stop();
      Arrays.sort(fromPost);
      Arrays.sort(from202);
      Transactional tx = new Transactional(fromPost, from202, early, cost);
      System.out.printf("transactional: %d pushes one after another (after %d warm-ups): POST sent → arrival p50 %.2f ms, p99 %.2f ms, "
              + "max %.2f ms (%d over 100 ms); 202 received → arrival p50 %.2f ms, p99 %.2f ms (%d arrived before the client had "
              + "read the 202); peak heap %d MiB%n", TRANSACTIONAL, TRANSACTIONAL_WARMUP, millis(fromPost, 0.5), millis(fromPost, 0.99),
          millis(fromPost, 1), slow, millis(from202, 0.5), millis(from202, 0.99), early, cost.peakHeap >> 20);
      return tx;
    }

    // ---------------------------------------------------------------- Redis

    private long usedMemory() {
      return Long.parseLong(RedisInfo.command(server.redisUrl(), "INFO memory").stream().filter(l -> l.startsWith("used_memory:"))
          .findFirst().orElseThrow().substring("used_memory:".length()).trim());
    }

    private long memoryUsage(String key) {
      Response r = redis.send(Request.cmd(Command.MEMORY).arg("USAGE").arg(key).arg("SAMPLES").arg(0));
      return r == null ? 0 : r.toLong();
    }

    /**
     * What one live run keeps in Redis: its hash, its subscription's run index set and
     * its entry in the due zset (MEMORY USAGE of 200 runs and of the zset), against used_memory's
     * growth over the ingest (which also holds the event stream, event ids and subscriber facts).
     */
    private String memoryPerRun(long before, long after) {
      String due = Keys.site(site.id(), Keys.Part.RUN_DUE);
      Response sample = redis.send(Request.cmd(Command.ZRANGE).arg(due).arg(0).arg(199));
      long hash = 0;
      long subIndex = 0;
      for (Response member : sample) {
        String runId = member.toString();
        Response run = redis.send(Request.cmd(Command.HMGET).arg(Keys.run(site.id(), runId)).arg("subs"));
        hash += memoryUsage(Keys.run(site.id(), runId));
        String sub = new JsonArray(run.get(0).toString()).getString(0);
        subIndex += memoryUsage(Keys.runIndex(site.id(), Keys.Subject.SUBSCRIPTION, sub));
      }
      int n = sample.size();
      long zcard = redis.send(Request.cmd(Command.ZCARD).arg(due)).toLong();
      long zset = memoryUsage(due) / Math.max(1, zcard);
      long stream = memoryUsage(Keys.site(site.id(), Keys.Part.EVENTS));
      long total = (hash + subIndex) / n + zset;
      return String.format("%,d B = run hash %,d + subscription index %,d + due zset %,d; the event stream "
              + "holds %,d B (%,d a cart event); used_memory grew %,d B a cart", total, hash / n, subIndex / n, zset,
          stream, stream / Math.max(1, carts), (after - before) / carts);
    }

    private void profileOn() {
      RedisInfo.command(server.redisUrl(), "CONFIG SET slowlog-max-len " + PROFILE_ENTRIES);
      RedisInfo.command(server.redisUrl(), "CONFIG SET slowlog-log-slower-than 0");
      RedisInfo.command(server.redisUrl(), "SLOWLOG RESET");
    }

    private void profileOff() {
      RedisInfo.command(server.redisUrl(), "CONFIG SET slowlog-log-slower-than 10000");
      RedisInfo.command(server.redisUrl(), "SLOWLOG RESET");
      RedisInfo.command(server.redisUrl(), "CONFIG SET slowlog-max-len 128");
    }

    /** SLOWLOG's entries summed by command, scripts by name: calls, µs a call, share of the time. */
    private String profile(Map<String, String> scripts) {
      Response log = redis.send(Request.cmd(Command.SLOWLOG).arg("GET").arg(PROFILE_ENTRIES));
      Map<String, long[]> by = new HashMap<>();
      long all = 0;
      for (Response entry : log) {
        long micros = entry.get(2).toLong();
        Response argv = entry.get(3);
        String command = argv.get(0).toString().toLowerCase();
        String name = command.equals("evalsha") ? scripts.getOrDefault(argv.get(1).toString(), "evalsha " + argv.get(1)) : command;
        long[] sum = by.computeIfAbsent(name, k -> new long[2]);
        sum[0]++;
        sum[1] += micros;
        all += micros;
      }
      long total = Math.max(1, all);
      StringBuilder out = new StringBuilder();
      by.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1])).limit(8).forEach(e -> out.append(
          String.format("    %-22s %7d calls %7.1f µs a call %5.1f %%%n", e.getKey(), e.getValue()[0],
              (double) e.getValue()[1] / e.getValue()[0], 100.0 * e.getValue()[1] / total)));
      return out.toString().stripTrailing();
    }

    // ---------------------------------------------------------------- report

    private void summary(Ingest ingest, List<Send[]> all, Transactional tx) {
      List<Send[]> rounds = all.subList(WARMUPS, all.size()); // the first rounds warmed the personalized path up
      for (int w = 0; w < WARMUPS; w++) {
        System.out.printf("round %d (warm-up, not scored): steps p99 %.2f s, %,.0f vs %,.0f messages/s (%.0f %%)%n", w + 1,
            all.get(w)[0].p99 / 1e9, all.get(w)[0].steadyRate, all.get(w)[1].steadyRate, 100 * all.get(w)[0].steadyRate / all.get(w)[1].steadyRate);
      }
      System.out.printf("personalized / plain, each scored round: %s%n", rounds.stream()
          .map(r -> String.format("%.0f %%", 100 * r[0].steadyRate / r[1].steadyRate)).toList());
      System.out.printf("%n== Summary (%,d carts, %,d abandoned; columns 1-3: the ingest's chunks, the first scored rounds; medians over"
          + " all %d scored rounds) ==%n", carts, abandoned, rounds.size());
      System.out.println("| measure | 1 | 2 | 3 | median | target |");
      System.out.println("|---|---|---|---|---|---|");
      row("cart.updated ingest, events/s", rates(ingest.carts(), carts), "≥ 10,000");
      row("order.completed ingest, events/s", rates(ingest.orders(), carts - abandoned), "≥ 10,000");
      row("step lag due → arrival p50, s", rounds.stream().mapToDouble(r -> r[0].p50 / 1e9).toArray(), "");
      row("step lag due → arrival p99, s", rounds.stream().mapToDouble(r -> r[0].p99 / 1e9).toArray(), "≤ 5");
      row("personalized steps, messages/s (10–90 %)", rounds.stream().mapToDouble(r -> r[0].steadyRate).toArray(), "");
      row("plain campaign, messages/s (10–90 %)", rounds.stream().mapToDouble(r -> r[1].steadyRate).toArray(), "");
      row("personalized / plain, %", rounds.stream().mapToDouble(r -> 100 * r[0].steadyRate / r[1].steadyRate).toArray(), "≥ 90");
      // The 10–90 % rate leaves out each burst's start, so it depends on where the work of a message
      // falls (claimed in large units up front, or as it goes); these two do not.
      row("personalized / plain, whole burst (start → last arrival), %",
          rounds.stream().mapToDouble(r -> 100 * r[0].overallRate / r[1].overallRate).toArray(), "");
      row("CPU of a plain message ÷ a step message (JVM and Redis), %",
          rounds.stream().mapToDouble(r -> 100 * r[1].cpuPerMessage() / r[0].cpuPerMessage()).toArray(), "");
      double steps = rounds.stream().mapToDouble(r -> r[0].steadyRate).sum();
      double plain = rounds.stream().mapToDouble(r -> r[1].steadyRate).sum();
      System.out.printf("personalized / plain over the scored rounds: %.0f %%%n", 100 * steps / plain);
      long heap = Stream.concat(Stream.concat(ingest.carts().stream(), ingest.orders().stream()),
          all.stream().flatMap(Arrays::stream).map(Send::cost)).mapToLong(Cost::peakHeap).max().orElse(0);
      System.out.printf("peak heap (whole JVM: server, driver and push service), ingest and sending: %d MiB%n", heap >> 20);
      System.out.println("Redis memory per live run: " + ingest.perRun());
      System.out.printf("transactional, POST → push service: p50 %.2f ms, p99 %.2f ms (from the 202: p50 %.2f ms, p99 %.2f ms)%n",
          millis(tx.fromPost, 0.5), millis(tx.fromPost, 0.99), millis(tx.from202, 0.5), millis(tx.from202, 0.99));
    }

    private static double[] rates(List<Cost> chunks, int n) {
      double[] out = new double[chunks.size()];
      for (int c = 0; c < chunks.size(); c++) {
        int size = (int) ((long) n * (c + 1) / CHUNKS - (long) n * c / CHUNKS);
        out[c] = size / chunks.get(c).seconds;
      }
      return out;
    }

    private static void row(String what, double[] runs, String target) {
      StringBuilder line = new StringBuilder("| " + what + " |");
      for (int i = 0; i < 3; i++) {
        line.append(i < runs.length ? String.format(" %s |", number(runs[i])) : " |");
      }
      double[] sorted = runs.clone();
      Arrays.sort(sorted);
      double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
      System.out.println(line.append(String.format(" **%s** | %s |", number(median), target)));
    }

    private static String number(double v) {
      return v >= 100 ? String.format("%,.0f", v) : String.format("%.2f", v);
    }
  }

  private static double millis(long[] sorted, double p) {
    return sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))] / 1e6;
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalStateException(message);
    }
  }

  // ---------------------------------------------------------------- events

  /** A cart of 1 to 3 items, total in EUR. */
  static JsonObject cartEvent(String eventId, String subscriptionId, String cartId, Instant at, int i) {
    JsonArray items = new JsonArray();
    double total = 0;
    for (int j = 0; j <= i % 3; j++) {
      int product = (i * 7 + j * 5) % PRODUCTS.size();
      int quantity = 1 + (i + j) % 3;
      double price = 9.95 + 10 * ((i + j) % 9);
      items.add(new JsonObject().put("productId", "p-" + product).put("name", PRODUCTS.get(product)).put("quantity", quantity)
          .put("price", price));
      total += quantity * price;
    }
    return new JsonObject().put("id", "cart-" + eventId).put("type", "cart.updated").put("subscriptionId", subscriptionId)
        .put("occurredAt", at.toString()).put("data", new JsonObject().put("cartId", cartId).put("items", items)
            .put("total", Math.round(total * 100) / 100.0).put("currency", "EUR"));
  }

  /** The order of cart {@code c1-i}, a second after the carts. */
  static JsonObject orderEvent(int i, String subscriptionId, Instant at) {
    return orderEvent(String.valueOf(i), subscriptionId, "c1-" + i, at);
  }

  /** The order {@code o-<key>} of cart {@code cartId}. */
  static JsonObject orderEvent(String key, String subscriptionId, String cartId, Instant at) {
    return new JsonObject().put("id", "order-" + key).put("type", "order.completed").put("subscriptionId", subscriptionId)
        .put("occurredAt", at.toString()).put("data", new JsonObject().put("orderId", "o-" + key).put("cartId", cartId)
            .put("total", 49.9).put("currency", "EUR"));
  }

  /** The Lua scripts by the SHA1 Pushcart calls them with (lib.lua in front, or alone), for naming SLOWLOG's EVALSHAs. */
  static Map<String, String> scriptNames() {
    Map<String, String> names = new HashMap<>();
    try {
      Path dir = Path.of(AutomationBenchmark.class.getClassLoader().getResource("redis/lib.lua").toURI()).getParent();
      String lib = Files.readString(dir.resolve("lib.lua"));
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".lua")).toList()) {
          String name = f.getFileName().toString();
          String source = Files.readString(f);
          names.put(sha1(lib + source), name);
          names.put(sha1(source), name);
        }
      }
    } catch (Exception e) {
      System.out.println("(script names unknown: " + e + ")");
    }
    return names;
  }

  private static String sha1(String text) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  // ---------------------------------------------------------------- measuring

  /**
   * What one timed stretch cost: wall seconds, CPU seconds of this JVM and of Redis, Redis's
   * command time, JIT time, peak heap, this JVM's CPU by thread, and the AOF rewrites Redis forked
   * for while it ran (each takes a core for seconds).
   */
  record Cost(double seconds, double jvmCpu, double redisCpu, double redisCommands, double jit, long peakHeap,
              Map<String, Double> threads, long rewrites) {
    /** This JVM's CPU by thread name, in µs per {@code n} (messages or events), the largest first. */
    String byThread(int n) {
      StringBuilder out = new StringBuilder();
      threads.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue(), a.getValue())).limit(7)
          .forEach(e -> out.append(String.format("%s%s %.0f µs", out.length() == 0 ? "" : ", ", e.getKey(), e.getValue() * 1e6 / n)));
      return out.toString();
    }
  }

  /** Starts measuring a stretch: resets Redis's command statistics and the heap peaks, reads CPU times. */
  static final class Meter {
    private final String redisUrl;
    private final long start;
    private final long jvm;
    private final long redis;
    private final long jit;
    private final Map<String, Long> ticks;
    private final long forks;

    private Meter(String redisUrl) {
      this.redisUrl = redisUrl;
      RedisInfo.command(redisUrl, "CONFIG RESETSTAT");
      DeliveryBenchmark.resetHeapPeaks();
      this.jvm = cpu(ProcessHandle.current());
      this.redis = ProcessHandle.current().children().mapToLong(Meter::cpu).sum();
      this.jit = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
      this.ticks = threadTicks();
      this.forks = forks(redisUrl);
      this.start = System.nanoTime();
    }

    static Meter start(String redisUrl) {
      return new Meter(redisUrl);
    }

    Cost stop() {
      double seconds = (System.nanoTime() - start) / 1e9;
      long redisNow = ProcessHandle.current().children().mapToLong(Meter::cpu).sum();
      double commands = 0;
      for (String line : RedisInfo.command(redisUrl, "INFO commandstats")) {
        int at = line.indexOf("usec=");
        if (line.startsWith("cmdstat_") && at > 0) {
          commands += Double.parseDouble(line.substring(at + 5, line.indexOf(',', at)));
        }
      }
      return new Cost(seconds, (cpu(ProcessHandle.current()) - jvm) / 1e9, (redisNow - redis) / 1e9, commands / 1e6,
          (ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jit) / 1e3, DeliveryBenchmark.heapPeakBytes(),
          threadSeconds(ticks, threadTicks()), forks(redisUrl) - forks);
    }

    /** Redis's forks so far (INFO stats total_forks): its AOF rewrites, as the benchmark saves no RDB. */
    private static long forks(String redisUrl) {
      return RedisInfo.command(redisUrl, "INFO stats").stream().filter(l -> l.startsWith("total_forks:"))
          .mapToLong(l -> Long.parseLong(l.substring("total_forks:".length()).trim())).sum();
    }

    private static Map<String, Double> threadSeconds(Map<String, Long> before, Map<String, Long> after) {
      Map<String, Double> out = new HashMap<>();
      after.forEach((name, t) -> {
        long used = t - before.getOrDefault(name, 0L);
        if (used > 0) {
          out.put(name, used / 100.0);
        }
      });
      return out;
    }

    /**
     * CPU ticks (utime + stime, 1/100 s) of this process's threads by name, numbers dropped, from
     * Linux's /proc: event loops (the server's and the push service's share a name), crypto
     * workers, GC and JIT threads. Empty elsewhere.
     */
    private static Map<String, Long> threadTicks() {
      Map<String, Long> out = new HashMap<>();
      try (java.nio.file.DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
        for (Path task : tasks) {
          try {
            String stat = Files.readString(task.resolve("stat"));
            int close = stat.lastIndexOf(')');
            String name = stat.substring(stat.indexOf('(') + 1, close).replaceAll("[-#]?[0-9]+$", "").replaceAll("[-#]?[0-9]+-", "-");
            String[] fields = stat.substring(close + 2).split(" "); // from field 3 (state): utime is field 14, stime 15
            out.merge(name, Long.parseLong(fields[11]) + Long.parseLong(fields[12]), Long::sum);
          } catch (java.io.IOException | RuntimeException threadEnded) {
            // gone since listed
          }
        }
      } catch (java.io.IOException | RuntimeException noProc) {
        // not Linux
      }
      return out;
    }

    private static long cpu(ProcessHandle p) {
      return p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }
  }

  /** One timed send: the time of each arrival from a start (the due moment, or the campaign's POST), and its rates. */
  record Send(String what, int n, long p50, long p99, long last, double steadyRate, double overallRate, Cost cost) {
    static Send of(String what, Arrivals arrivals, int base, int n, long start, Cost cost) {
      long p10 = arrivals.at(base + Math.max(0, n / 10 - 1));
      long p90 = arrivals.at(base + Math.max(0, n * 9 / 10 - 1));
      long last = arrivals.at(base + n - 1) - start;
      double steady = p90 > p10 ? (n * 9 / 10 - n / 10) / ((p90 - p10) / 1e9) : n / (last / 1e9);
      return new Send(what, n, arrivals.at(base + Math.max(0, n / 2 - 1)) - start, arrivals.at(base + Math.max(0, n * 99 / 100 - 1)) - start,
          last, steady, n / (last / 1e9), cost);
    }

    /** CPU seconds of this JVM and of Redis per message sent. */
    double cpuPerMessage() {
      return (cost.jvmCpu + cost.redisCpu) / n;
    }

    String line() {
      return String.format("%s: %,d arrived; start → arrival p50 %.2f s, p99 %.2f s, last %.2f s; %,.0f messages/s from 10 %% to 90 %%, "
              + "%,.0f/s overall; CPU per message: this JVM %.0f µs, Redis %.0f µs (%.0f µs in commands); JIT %.1f s; peak heap %d MiB",
          what, n, p50 / 1e9, p99 / 1e9, last / 1e9, steadyRate, overallRate, cost.jvmCpu * 1e6 / n, cost.redisCpu * 1e6 / n,
          cost.redisCommands * 1e6 / n, cost.jit, cost.peakHeap >> 20) + "\n  this JVM by thread, per message: " + cost.byThread(n);
    }
  }

  /**
   * BENCH_JFR=prefix records a JDK Flight Recorder profile of the cart ingest (prefix-ingest.jfr),
   * the orders' (prefix-ingest-orders.jfr) and each scored round's step dispatch and campaign
   * (prefix-steps-&lt;round&gt;.jfr, prefix-campaign-&lt;round&gt;.jfr), sampling every millisecond.
   */
  static final class Profile {
    static final Profile NONE = new Profile(null);
    private final jdk.jfr.Recording recording;

    private Profile(jdk.jfr.Recording recording) {
      this.recording = recording;
    }

    static Profile start(String phase) throws Exception {
      String prefix = System.getenv("BENCH_JFR");
      if (prefix == null) {
        return NONE;
      }
      jdk.jfr.Recording r = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
      r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(1)); // phases last seconds: enough samples to read
      r.setDestination(Path.of(prefix + "-" + phase + ".jfr"));
      r.start();
      return new Profile(r);
    }

    void stop() {
      if (recording != null) {
        recording.stop();
        recording.close();
      }
    }
  }

  /** Transactional latencies (sorted, nanoseconds) and how many pushes arrived before their 202 was read. */
  record Transactional(long[] fromPost, long[] from202, int early, Cost cost) {
  }

  /**
   * The arrival time ({@code nanoTime}) of every request the push service counts, stamped by the
   * push service as it counts it ({@link LocalPushService#stampArrivals}): no thread of the
   * benchmark polls the count on the cores the server uses (until session 10 two did, every
   * 0.1 ms, about 15 µs of CPU per step message).
   */
  static final class Arrivals {
    private final LocalPushService sink;

    Arrivals(LocalPushService sink) {
      this.sink = sink;
    }

    /** The arrival time of arrival number {@code index} (0-based). */
    long at(int index) {
      return sink.arrivedAt(index);
    }

    /** The arrivals so far. */
    int count() {
      return sink.count();
    }

    void awaitCount(int n, Duration timeout, String what) {
      try {
        sink.awaitCount(n, timeout);
      } catch (AssertionError late) {
        throw new IllegalStateException(what + ": " + late.getMessage(), late);
      }
    }
  }
}
