package io.pushcart.bench;

import io.pushcart.campaign.CampaignStore;
import io.pushcart.common.Ids;
import io.pushcart.redis.EmbeddedRedis;
import io.pushcart.redis.Keys;
import io.pushcart.redis.LuaScript;
import io.pushcart.subscription.StoredSubscriber;
import io.pushcart.support.TempDirs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Redis's own CPU per message for the Lua scripts that dispatch one step of an automation —
 * fire_steps.lua (with the ZRANGEBYSCORE before it), mark_step.lua (claim) and record_step.lua
 * (record) — and, for reference, for those of a plain campaign's message: mark_due.lua and
 * record_outcomes.lua (its scan, commit_scan.lua, is left out). Redis is the one part of the
 * delivery that does not scale out with instances, so its time per message bounds every site's
 * send rate; this measures it apart from any JVM load.
 *
 * <p>The embedded Redis (the server's binary and configuration) is driven from this JVM through
 * the Vert.x client and {@link LuaScript#run}, with the keys and arguments the server passes
 * (StepsDispatch, WorkQueue.fireDueSteps, ProgressStore): each round flushes Redis and sets up
 * {@link #N} subscriptions, as many live runs of a single-step abandoned-cart automation, all
 * due, and a campaign to the same subscriptions with every message queued (not timed); then
 * every step is fired, claimed in its units of {@link #STEPS_PER_UNIT} and recorded accepted in
 * batches of {@link #OUTCOMES_PER_RECORD} (the server's outcome batches), and the campaign's
 * messages are claimed per unit of {@link #CAMPAIGN_UNIT} and recorded likewise. A phase's cost
 * is the growth of Redis's used_cpu_user + used_cpu_sys (INFO cpu) over it, divided by its
 * messages; no AOF rewrite runs in a phase (automatic ones are turned off). Every run must end
 * completed and every campaign message accepted, or the benchmark fails. Once, at the end, the
 * same claim and record calls go to copies of mark_step.lua and record_step.lua that return at
 * once: what a call costs before its script does anything (lib.lua's definitions run at each
 * call, and its keys and arguments are parsed).
 *
 * <p>BENCH_ROUNDS sets the rounds (default 7, the first a warm-up that is not scored). Not a
 * test: see docs/benchmarks.md.
 *
 * <pre>
 * mvn -B -q -pl server test-compile exec:exec@bench-step-scripts
 * </pre>
 */
public final class StepScriptsCost {
  /** Messages of each phase: subscriptions, runs (one device each) and campaign messages. */
  static final int N = 10_000;
  static final int ROUNDS = Integer.parseInt(System.getenv().getOrDefault("BENCH_ROUNDS", "7"));
  /** Most runs one fire_steps call fires. */
  static final int FIRE_MAX = 1_000;
  /** Messages of automation steps per send unit: WorkQueue.STEPS_PER_UNIT. */
  static final int STEPS_PER_UNIT = 200;
  /** Subscriptions per send unit of a campaign (a scan page). */
  static final int CAMPAIGN_UNIT = 1_000;
  /** Outcomes per record call: the server's OutcomeBuffer batch under load. */
  static final int OUTCOMES_PER_RECORD = 50;
  /** Set-up commands per pipelined batch. */
  static final int SETUP_BATCH = 2_000;
  /** Passes over the claim and record calls measuring the argument floor. */
  static final int FLOOR_PASSES = 3;
  static final String SITE = Ids.derived("bench-step-scripts");
  static final String AUTOMATION = "A1";
  static final String CAMPAIGN = Ids.derived("bench-step-scripts-campaign");
  /** The subscription fields mark_step.lua returns first: what sending needs (StepsDispatch.SENDING). */
  static final List<String> SENDING = List.of("endpoint", "p256dh", "auth", "vapidKey");
  /** The subscriber fields read for a template that reads {@code subscriber.attributes} (tags and attributes). */
  static final int READ = StoredSubscriber.fieldsFor(Set.of("attributes"));
  /** Where the runs are in the run due zset: long past. */
  static final long DUE = 1_000;
  static final LuaScript FIRE_STEPS = LuaScript.load("fire_steps");
  static final LuaScript MARK_STEP = LuaScript.load("mark_step");
  static final LuaScript RECORD_STEP = LuaScript.load("record_step");
  static final LuaScript MARK_DUE = LuaScript.load("mark_due");
  static final LuaScript RECORD_OUTCOMES = LuaScript.load("record_outcomes");

  private final Redis redis;
  private final String redisUrl;
  private final String[] subs = new String[N];
  private final String[] runs = new String[N];
  /** Run id → its index (its subscription's and cart's). */
  private final Map<String, Integer> runIndex = new HashMap<>();

  private StepScriptsCost(Redis redis, String redisUrl) {
    this.redis = redis;
    this.redisUrl = redisUrl;
    for (int i = 0; i < N; i++) {
      subs[i] = Ids.derived("sub-" + i);
      runs[i] = AUTOMATION + "-" + Ids.sha256Hex("cart" + i).substring(0, 16); // RunStore.runId's form
      runIndex.put(runs[i], i);
    }
  }

  public static void main(String[] args) throws Exception {
    check(ROUNDS >= 2, "BENCH_ROUNDS must be at least 2: the first round is a warm-up");
    Vertx vertx = Vertx.vertx();
    try (EmbeddedRedis server = EmbeddedRedis.start(TempDirs.create("bench-step-scripts"))) {
      Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(server.url()));
      try {
        new StepScriptsCost(redis, server.url()).run();
      } finally {
        redis.close();
      }
    } finally {
      await(vertx.close());
    }
  }

  /** One round's Redis CPU per message, µs, of each phase. */
  private record Round(double fire, double readBack, double claim, double record, double campaignClaim, double campaignRecord) {
    double steps() {
      return fire + claim + record;
    }

    double campaign() {
      return campaignClaim + campaignRecord;
    }
  }

  /** A send unit of automation steps as fire_steps.lua wrote it: its entry id and message names. */
  private record Unit(String entryId, List<String> names) {
  }

  /** One script call's keys and arguments, and the messages it is for. */
  private record Call(List<String> keys, List<String> args, int messages) {
  }

  private void run() throws Exception {
    System.out.printf("%n== Pushcart step scripts: Redis CPU per message ==%n");
    System.out.printf("machine: %d cores, %s, Java %s; Redis %s (embedded); %,d messages a phase, %d rounds (the first a warm-up)%n",
        Runtime.getRuntime().availableProcessors(), DeliveryBenchmark.cpuModel(), System.getProperty("java.version"),
        info("server").get("redis_version"), N, ROUNDS);
    RedisInfo.command(redisUrl, "CONFIG SET auto-aof-rewrite-percentage 0");
    List<Round> rounds = new ArrayList<>();
    List<Call> claims = List.of();
    List<Call> records = List.of();
    for (int r = 1; r <= ROUNDS; r++) {
      long now = System.currentTimeMillis();
      setUp(now);
      double fire = redisCpu(() -> fire(now));
      List<Unit> units = new ArrayList<>();
      double readBack = redisCpu(() -> units.addAll(readUnits()));
      int queued = units.stream().mapToInt(u -> u.names().size()).sum();
      check(queued == N, "the work stream holds " + queued + " messages, not " + N);
      claims = claimCalls(units, now);
      records = recordCalls(units, now);
      List<Call> stepClaims = claims;
      List<Call> stepRecords = records;
      double claim = redisCpu(() -> claimAll(stepClaims));
      double record = redisCpu(() -> runAll(RECORD_STEP, stepRecords));
      checkRunsCompleted();
      List<Call> campaignClaims = campaignClaimCalls();
      List<Call> campaignRecords = campaignRecordCalls(now);
      double campaignClaim = redisCpu(() -> campaignClaimAll(campaignClaims));
      double campaignRecord = redisCpu(() -> runAll(RECORD_OUTCOMES, campaignRecords));
      checkCampaignAccepted();
      Round round = new Round(micros(fire), micros(readBack), micros(claim), micros(record), micros(campaignClaim),
          micros(campaignRecord));
      rounds.add(round);
      System.out.printf("round %d%s: steps fire %.2f, claim %.2f, record %.2f = %.2f µs/message (read-back %.2f, not counted); "
              + "campaign claim %.2f, record %.2f = %.2f µs/message%n", r, r == 1 ? " (warm-up, not scored)" : "", round.fire,
          round.claim, round.record, round.steps(), round.readBack, round.campaignClaim, round.campaignRecord, round.campaign());
    }
    List<Round> scored = rounds.subList(1, rounds.size());
    summary(scored);
    floor(claims, records, scored);
    System.out.println("reproduce: mvn -B -q -pl server test-compile exec:exec@bench-step-scripts");
  }

  // ---------------------------------------------------------------- set-up

  /**
   * An empty Redis, then the automation, {@link #N} subscriptions and as many live runs due since
   * {@link #DUE} with the site's work stream and its group; and a sending campaign to the same
   * subscriptions whose scan is done, every message queued ('q').
   */
  private void setUp(long now) throws Exception {
    await(redis.send(Request.cmd(Command.FLUSHALL)));
    String created = Instant.ofEpochMilli(now).minus(Duration.ofDays(30)).toString();
    String seen = Instant.ofEpochMilli(now).minus(Duration.ofHours(2)).toString();
    String due = Keys.site(SITE, Keys.Part.RUN_DUE);
    List<Request> writes = new ArrayList<>();
    writes.add(Request.cmd(Command.HSET).arg(Keys.automation(SITE, AUTOMATION)).arg("id").arg(AUTOMATION).arg("stat:active").arg(N));
    for (int i = 0; i < N; i++) {
      String sub = subs[i];
      SplittableRandom random = new SplittableRandom(i);
      // The fields save_subscription.lua writes (and record_events.lua's lastCartAt).
      writes.add(Request.cmd(Command.HSET).arg(Keys.subscription(SITE, sub))
          .arg("endpoint").arg("https://fcm.googleapis.com/fcm/send/" + text(random, 114))
          .arg("p256dh").arg("B" + text(random, 86)).arg("auth").arg(text(random, 22)).arg("vapidKey").arg("B" + text(random, 86))
          .arg("n").arg(i).arg("createdAt").arg(created).arg("tags").arg("[]").arg("attributes").arg("{\"firstName\":\"Ada\"}")
          .arg("lastSeen").arg(seen).arg("browser").arg("chrome").arg("os").arg("android").arg("deviceType").arg("mobile")
          .arg("country").arg("DE").arg("lastCartAt").arg(seen));
      // The fields lib.lua's enter_run writes.
      writes.add(Request.cmd(Command.HSET).arg(Keys.run(SITE, runs[i])).arg("automation").arg(AUTOMATION)
          .arg("trigger").arg("cart_abandoned").arg("status").arg("live").arg("gen").arg("1").arg("step").arg("1")
          .arg("phase").arg("waiting").arg("subs").arg("[\"" + sub + "\"]").arg("cart").arg(cart(i)).arg("data").arg(cartData(i))
          .arg("dataAt").arg(now - 3_600_000).arg("startedAt").arg(now - 3_600_000));
      writes.add(Request.cmd(Command.ZADD).arg(due).arg(DUE).arg(runs[i]));
    }
    writes.add(Request.cmd(Command.XGROUP).arg("CREATE").arg(Keys.site(SITE, Keys.Part.WORK)).arg(CampaignStore.WORK_GROUP).arg("0")
        .arg("MKSTREAM"));
    writes.add(Request.cmd(Command.HSET).arg(Keys.campaign(SITE, CAMPAIGN)).arg("id").arg(CAMPAIGN).arg("status").arg("sending")
        .arg("scanDone").arg("1").arg("stat:targeted").arg(N));
    for (int from = 0; from < N; from += CAMPAIGN_UNIT) {
      Request progress = Request.cmd(Command.HSET).arg(Keys.campaignProgress(SITE, CAMPAIGN));
      for (int i = from; i < Math.min(N, from + CAMPAIGN_UNIT); i++) {
        progress.arg(subs[i]).arg("q");
      }
      writes.add(progress);
    }
    for (int from = 0; from < writes.size(); from += SETUP_BATCH) {
      await(redis.batch(writes.subList(from, Math.min(writes.size(), from + SETUP_BATCH))));
    }
  }

  private static String cart(int i) {
    return "cart" + i;
  }

  /** A cart of one item as a cart.updated event leaves it in its run: ~300 bytes. */
  private static String cartData(int i) {
    return "{\"cartId\":\"" + cart(i) + "\",\"items\":[{\"productId\":\"p-1042\",\"variantId\":\"v-1042-3\",\"name\":\"Headlamp\","
        + "\"quantity\":5,\"price\":25.95,\"imageUrl\":\"https://shop.example/img/p-1042.jpg\","
        + "\"url\":\"https://shop.example/p/headlamp\"}],"
        + "\"itemCount\":5,\"total\":129.75,\"currency\":\"EUR\",\"checkoutUrl\":\"https://shop.example/checkout/" + cart(i) + "\"}";
  }

  /** {@code length} base64url characters. */
  private static String text(SplittableRandom random, int length) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      out.append(alphabet.charAt(random.nextInt(64)));
    }
    return out.toString();
  }

  // ---------------------------------------------------------------- the step's scripts

  /** WorkQueue.fireDueSteps until nothing is due: a ZRANGEBYSCORE, then fire_steps.lua with those runs. */
  private void fire(long now) throws Exception {
    String due = Keys.site(SITE, Keys.Part.RUN_DUE);
    int fired = 0;
    while (true) {
      Response members = await(redis.send(Request.cmd(Command.ZRANGEBYSCORE).arg(due).arg("-inf").arg(now)
          .arg("LIMIT").arg(0).arg(FIRE_MAX)));
      if (members.size() == 0) {
        break;
      }
      List<String> keys = new ArrayList<>(List.of(due, Keys.site(SITE, Keys.Part.WORK)));
      members.forEach(m -> keys.add(Keys.run(SITE, m.toString())));
      Response moved = await(FIRE_STEPS.run(redis, keys, List.of(String.valueOf(now), Keys.runPrefix(SITE), String.valueOf(FIRE_MAX),
          String.valueOf(STEPS_PER_UNIT))));
      check(moved.get(0).toInteger() > 0, "fire_steps.lua fired none of " + members.size() + " due runs");
      fired += moved.get(0).toInteger();
    }
    check(fired == N, "fire_steps.lua fired " + fired + " runs, not " + N);
  }

  /** The send units in the work stream, their {@code ids} split into message names ({@code <run>.<gen>.<step>.<sub>}). */
  private List<Unit> readUnits() throws Exception {
    List<Unit> units = new ArrayList<>();
    for (Response entry : await(redis.send(Request.cmd(Command.XRANGE).arg(Keys.site(SITE, Keys.Part.WORK)).arg("-").arg("+")))) {
      Response fields = entry.get(1);
      for (int i = 0; i + 1 < fields.size(); i += 2) {
        if (fields.get(i).toString().equals("ids")) {
          units.add(new Unit(entry.get(0).toString(), List.of(fields.get(i + 1).toString().split(","))));
        }
      }
    }
    return units;
  }

  /** StepsDispatch.claim's mark_step.lua call for each unit. */
  private List<Call> claimCalls(List<Unit> units, long now) {
    List<String> fields = new ArrayList<>(SENDING);
    fields.addAll(StoredSubscriber.FIELDS.subList(0, READ)); // ProgressStore.SUBSCRIBER_FIELDS
    List<Call> calls = new ArrayList<>();
    for (Unit unit : units) {
      List<String> keys = new ArrayList<>(1 + 4 * unit.names().size());
      keys.add(Keys.site(SITE, Keys.Part.RUN_DUE));
      List<String> args = new ArrayList<>(4 + 4 * unit.names().size());
      args.addAll(List.of("1", unit.entryId(), String.valueOf(now), String.join(" ", fields)));
      for (String name : unit.names()) {
        String[] m = name.split("\\.");
        String run = Keys.run(SITE, m[0]);
        String marker = Keys.orderMarker(SITE, Keys.Subject.CART, cart(runIndex.get(m[0])));
        keys.addAll(List.of(run, Keys.automation(SITE, AUTOMATION), marker, Keys.subscription(SITE, m[3])));
        args.addAll(List.of(m[0], m[1], m[2], m[3]));
      }
      calls.add(new Call(keys, args, unit.names().size()));
    }
    return calls;
  }

  /** Claims every unit; each must claim all its messages (no cart was ordered), with the fields asked for. */
  private void claimAll(List<Call> calls) throws Exception {
    for (Call call : calls) {
      Response claimed = await(MARK_STEP.run(redis, call.keys(), call.args()));
      check(claimed.size() == call.messages() * (6 + READ), "mark_step.lua claimed " + claimed.size() / (6 + READ) + " of "
          + call.messages() + " messages");
      check(claimed.get(6 + 1).toString().startsWith("{"), "mark_step.lua returned no attributes: " + claimed.get(6 + 1));
    }
  }

  /**
   * StepsDispatch.record's record_step.lua calls for each unit, {@link #OUTCOMES_PER_RECORD}
   * outcomes a call: each message accepted at attempt 1, of the last step (no next delay).
   */
  private List<Call> recordCalls(List<Unit> units, long now) {
    String report = Keys.report(SITE, LocalDate.ofInstant(Instant.ofEpochMilli(now), ZoneOffset.UTC));
    List<Call> calls = new ArrayList<>();
    for (Unit unit : units) {
      for (int from = 0; from < unit.names().size(); from += OUTCOMES_PER_RECORD) {
        List<String> batch = unit.names().subList(from, Math.min(unit.names().size(), from + OUTCOMES_PER_RECORD));
        List<String> keys = new ArrayList<>(List.of(Keys.site(SITE, Keys.Part.RETRIES), Keys.site(SITE, Keys.Part.RUN_DUE), report));
        List<String> args = new ArrayList<>(List.of(String.valueOf(now)));
        for (String name : batch) {
          String[] m = name.split("\\.");
          keys.add(Keys.run(SITE, m[0]));
          keys.add(Keys.automation(SITE, AUTOMATION));
          args.addAll(List.of(m[0], m[1], m[2], "", "a:" + AUTOMATION, "1")); // one device's outcome a run
          args.addAll(List.of(m[3], "accepted", "1", "0", "", "")); // Outcome.appendTo, no variant
        }
        calls.add(new Call(keys, args, batch.size()));
      }
    }
    return calls;
  }

  private void runAll(LuaScript script, List<Call> calls) throws Exception {
    for (Call call : calls) {
      await(script.run(redis, call.keys(), call.args()));
    }
  }

  /** Every run ended completed, its step counted accepted, and nothing left due. */
  private void checkRunsCompleted() throws Exception {
    List<Request> reads = new ArrayList<>();
    for (String run : runs) {
      reads.add(Request.cmd(Command.HMGET).arg(Keys.run(SITE, run)).arg("status").arg("reason"));
    }
    for (int from = 0; from < N; from += SETUP_BATCH) {
      List<Response> got = await(redis.batch(reads.subList(from, Math.min(N, from + SETUP_BATCH))));
      for (int i = 0; i < got.size(); i++) {
        Response r = got.get(i);
        check("ended".equals(string(r.get(0))) && "completed".equals(string(r.get(1))),
            "run " + runs[from + i] + " is " + string(r.get(0)) + " (" + string(r.get(1)) + "), not ended completed");
      }
    }
    Response counters = await(redis.send(Request.cmd(Command.HMGET).arg(Keys.automation(SITE, AUTOMATION)).arg("stat:active")
        .arg("step:1:sent").arg("step:1:accepted").arg("stat:exited:completed")));
    check(List.of("0", "" + N, "" + N, "" + N).equals(counters.stream().map(StepScriptsCost::string).toList()),
        "automation counters (active, sent, accepted, completed): " + counters);
    long due = await(redis.send(Request.cmd(Command.ZCARD).arg(Keys.site(SITE, Keys.Part.RUN_DUE)))).toLong();
    check(due == 0, due + " runs still due");
  }

  // ---------------------------------------------------------------- the campaign's scripts

  /** ProgressStore.claimDue's mark_due.lua call for each unit of a plain campaign (no subscriber field read). */
  private List<Call> campaignClaimCalls() {
    List<Call> calls = new ArrayList<>();
    for (int from = 0; from < N; from += CAMPAIGN_UNIT) {
      List<String> ids = Arrays.asList(subs).subList(from, Math.min(N, from + CAMPAIGN_UNIT));
      List<String> keys = new ArrayList<>(List.of(Keys.campaign(SITE, CAMPAIGN), Keys.campaignProgress(SITE, CAMPAIGN)));
      ids.forEach(id -> keys.add(Keys.subscription(SITE, id)));
      List<String> args = new ArrayList<>(List.of("1", "1700000000000-" + from / CAMPAIGN_UNIT, ""));
      args.addAll(ids);
      calls.add(new Call(keys, args, ids.size()));
    }
    return calls;
  }

  private void campaignClaimAll(List<Call> calls) throws Exception {
    for (Call call : calls) {
      Response claimed = await(MARK_DUE.run(redis, call.keys(), call.args()));
      check(claimed.size() == call.messages() * 6, "mark_due.lua claimed " + claimed.size() / 6 + " of " + call.messages() + " messages");
    }
  }

  /** ProgressStore.record's record_outcomes.lua calls, {@link #OUTCOMES_PER_RECORD} accepted outcomes a call. */
  private List<Call> campaignRecordCalls(long now) {
    String report = Keys.report(SITE, LocalDate.ofInstant(Instant.ofEpochMilli(now), ZoneOffset.UTC));
    List<String> keys = List.of(Keys.campaign(SITE, CAMPAIGN), Keys.campaignProgress(SITE, CAMPAIGN), Keys.site(SITE, Keys.Part.RETRIES),
        Keys.campaignFailures(SITE, CAMPAIGN), Keys.site(SITE, Keys.Part.FINISHED), report);
    List<Call> calls = new ArrayList<>();
    for (int from = 0; from < N; from += OUTCOMES_PER_RECORD) {
      List<String> args = new ArrayList<>(List.of(CAMPAIGN, Instant.ofEpochMilli(now).toString()));
      for (int i = from; i < Math.min(N, from + OUTCOMES_PER_RECORD); i++) {
        args.addAll(List.of(subs[i], "accepted", "1", "0", "", ""));
      }
      calls.add(new Call(keys, args, Math.min(N, from + OUTCOMES_PER_RECORD) - from));
    }
    return calls;
  }

  /** Every campaign message accepted, and the campaign completed with them. */
  private void checkCampaignAccepted() throws Exception {
    Response progress = await(redis.send(Request.cmd(Command.HVALS).arg(Keys.campaignProgress(SITE, CAMPAIGN))));
    long accepted = progress.stream().filter(v -> v.toString().equals("accepted")).count();
    check(progress.size() == N && accepted == N, "campaign progress: " + accepted + " of " + progress.size() + " accepted, " + N
        + " expected");
    Response campaign = await(redis.send(Request.cmd(Command.HMGET).arg(Keys.campaign(SITE, CAMPAIGN)).arg("status")
        .arg("stat:accepted")));
    check("completed".equals(string(campaign.get(0))) && String.valueOf(N).equals(string(campaign.get(1))),
        "campaign (status, accepted): " + campaign);
  }

  // ---------------------------------------------------------------- the floor

  /**
   * The last round's claim and record calls again, to copies of mark_step.lua and record_step.lua
   * whose bodies return at once ({@link #FLOOR_PASSES} passes each): what a call costs before its
   * script does anything. Nothing is written, so the data left by the round does not matter.
   */
  private void floor(List<Call> claims, List<Call> records, List<Round> scored) throws Exception {
    String claimSha = loadReturningAtOnce("mark_step");
    String recordSha = loadReturningAtOnce("record_step");
    double[] claim = new double[FLOOR_PASSES];
    double[] record = new double[FLOOR_PASSES];
    for (int p = 0; p < FLOOR_PASSES; p++) {
      claim[p] = micros(redisCpu(() -> evalAll(claimSha, claims)));
      record[p] = micros(redisCpu(() -> evalAll(recordSha, records)));
    }
    System.out.printf("argument floor (same keys and arguments, script bodies returning at once; median of %d passes): "
            + "mark_step %.2f µs/message (%.0f %% of the claim's %.2f), record_step %.2f µs/message (%.0f %% of the record's %.2f)%n",
        FLOOR_PASSES, median(claim), 100 * median(claim) / median(scored, Round::claim), median(scored, Round::claim), median(record),
        100 * median(record) / median(scored, Round::record), median(scored, Round::record));
  }

  /** SCRIPT LOADs lib.lua and script {@code name} with a return in front of its body; its SHA1. */
  private String loadReturningAtOnce(String name) throws Exception {
    String text = RedisInfo.script("lib") + "if #KEYS > 0 then return {} end\n" + RedisInfo.script(name);
    return await(redis.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(text))).toString();
  }

  private void evalAll(String sha, List<Call> calls) throws Exception {
    for (Call call : calls) {
      Request request = Request.cmd(Command.EVALSHA).arg(sha).arg(call.keys().size());
      call.keys().forEach(request::arg);
      call.args().forEach(request::arg);
      await(redis.send(request));
    }
  }

  // ---------------------------------------------------------------- measuring

  /** A phase: Redis commands sent and awaited from this thread. */
  private interface Phase {
    void run() throws Exception;
  }

  /** Redis's CPU seconds (user + system) over {@code phase}, started once no AOF rewrite is running. */
  private double redisCpu(Phase phase) throws Exception {
    RedisInfo.awaitNoAofRewrite(redisUrl);
    double before = cpuSeconds();
    phase.run();
    return cpuSeconds() - before;
  }

  private double cpuSeconds() {
    Map<String, String> cpu = info("cpu");
    return Double.parseDouble(cpu.get("used_cpu_user")) + Double.parseDouble(cpu.get("used_cpu_sys"));
  }

  /** One section of INFO, field → value. */
  private Map<String, String> info(String section) {
    return RedisInfo.info(redisUrl, section);
  }

  /** CPU seconds of a phase in µs per message. */
  private static double micros(double seconds) {
    return seconds * 1e6 / N;
  }

  // ---------------------------------------------------------------- report

  private static void summary(List<Round> scored) {
    System.out.printf("%n== Summary: Redis CPU per message, µs (%,d messages a phase; columns 1-3: the first scored rounds; "
        + "medians over all %d scored rounds) ==%n", N, scored.size());
    System.out.println("| measure | 1 | 2 | 3 | median |");
    System.out.println("|---|---|---|---|---|");
    row("step: fire (ZRANGEBYSCORE + fire_steps.lua)", scored, Round::fire);
    row("step: read-back (XRANGE; not counted)", scored, Round::readBack);
    row("step: claim (mark_step.lua)", scored, Round::claim);
    row("step: record (record_step.lua)", scored, Round::record);
    row("**step: total**", scored, Round::steps);
    row("campaign: claim (mark_due.lua)", scored, Round::campaignClaim);
    row("campaign: record (record_outcomes.lua)", scored, Round::campaignRecord);
    row("**campaign: total**", scored, Round::campaign);
    row("step ÷ campaign, %", scored, r -> 100 * r.steps() / r.campaign());
  }

  private static void row(String what, List<Round> scored, ToDoubleFunction<Round> value) {
    StringBuilder line = new StringBuilder("| " + what + " |");
    for (int i = 0; i < 3; i++) {
      line.append(i < scored.size() ? String.format(" %.2f |", value.applyAsDouble(scored.get(i))) : " |");
    }
    System.out.println(line.append(String.format(" **%.2f** |", median(scored, value))));
  }

  private static double median(List<Round> rounds, ToDoubleFunction<Round> value) {
    return median(rounds.stream().mapToDouble(value).toArray());
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  // ---------------------------------------------------------------- helpers

  /** Blocks this (non event-loop) thread on {@code future}, for at most a minute. */
  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static String string(Response r) {
    return r == null ? null : r.toString();
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalStateException(message);
    }
  }
}
