package io.pushcart.automation;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.campaign.CampaignStore;
import io.pushcart.common.Ids;
import io.pushcart.redis.EmbeddedRedis;
import io.pushcart.redis.Keys;
import io.pushcart.support.ApiClient;
import io.pushcart.support.Poll;
import io.pushcart.support.RedisProbe;
import io.pushcart.support.ServerProcess;
import io.pushcart.support.TempDirs;
import io.pushcart.support.TestSite;
import io.pushcart.testkit.LocalPushService;
import io.pushcart.testkit.ReceivedPush;
import io.pushcart.testkit.Response;
import io.pushcart.testkit.TestSubscriber;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * Two server processes on one Redis run a two-step cart_abandoned automation for 3,000 carts; one
 * is SIGKILLed while step 1 is being sent. Every shopper still gets both steps, every run ends
 * completed, and repeats stay within what can be in flight at the moment of the kill, as for
 * campaigns (architecture.md, "SIGKILL"). Real time: separate processes read the system clock.
 */
class AutomationCrashTest {
  static final int CARTS = 3_000;
  static final int DELIVERY_INSTANCES = 2;
  /** Requests in flight per instance (PUSHCART_PUSH_CONCURRENCY below). */
  static final int CONCURRENCY = 8;
  /** What one killed instance can have in flight per push-service origin (architecture.md, "SIGKILL"). */
  static final int IN_FLIGHT_BOUND = DELIVERY_INSTANCES * Math.max(1, CONCURRENCY / DELIVERY_INSTANCES);
  /** Each push is answered this late, so that step 1 lasts a few seconds and the kill lands in it. */
  static final Duration PUSH_LATENCY = Duration.ofMillis(20);
  static final Duration STEP_1 = Duration.ofSeconds(3);
  static final Duration STEP_2 = Duration.ofSeconds(2);

  @Test
  void aSigkilledInstanceMidStepLosesNoStepAndRepeatsStayWithinTheInFlightBound() throws Exception {
    try (EmbeddedRedis redis = EmbeddedRedis.start(TempDirs.create("automation-crash-redis"));
         LocalPushService push = new LocalPushService().defaultResponse(Response.created().delay(PUSH_LATENCY)).start();
         RedisProbe probe = new RedisProbe(redis.url())) {
      Map<String, String> env = Map.of(
          "PUSHCART_REDIS_URL", redis.url(),
          "PUSHCART_PUSH_HOSTS", "127.0.0.1:" + push.port(),
          "PUSHCART_PUSH_CA_FILE", push.caFile().toString(),
          "PUSHCART_PUSH_CONCURRENCY", String.valueOf(CONCURRENCY),
          "PUSHCART_DELIVERY_INSTANCES", String.valueOf(DELIVERY_INSTANCES),
          // As in CrashRecoveryTest: long enough that a live instance starved of CPU on a small
          // machine is not taken for dead, which would repeat more than the in-flight bound.
          "PUSHCART_CLAIM_IDLE_MS", "5000");
      ServerProcess doomed = ServerProcess.start("doomed", env);
      try (ServerProcess survivor = ServerProcess.start("survivor", env)) {
        TestSite site = TestSite.create(doomed.api());
        List<TestSubscriber> shoppers = push.newSubscribers(CARTS);
        site.registerAll(shoppers);
        String automationId = createAutomation(site);
        TestSite viaSurvivor = new TestSite(site.id(), site.secretKey(), site.vapidPublicKey(), survivor.api());
        Instant cartedAt = Instant.now();
        postCarts(viaSurvivor, shoppers, cartedAt);

        push.awaitCount(CARTS / 4, Duration.ofSeconds(60));
        doomed.kill();
        int atKill = push.count();
        long orphaned = pendingOf(probe, site.id(), "doomed#");
        assertThat(atKill).as("the kill must land in step 1").isLessThan(CARTS);
        assertThat(orphaned).as("units the doomed instance held at the kill (left for the survivor)").isPositive();

        JsonObject stats = awaitCompleted(viaSurvivor, automationId, probe);
        probe.awaitDrained(site.id());
        assertThat(stats.getLong("entered")).isEqualTo(CARTS);
        assertThat(stats.getLong("active")).isZero();
        assertThat(stats.getJsonObject("exited").fieldNames()).as("exit reasons").containsExactly("completed");
        assertThat(stats.getJsonObject("exited").getLong("completed")).isEqualTo(CARTS);
        for (int step = 1; step <= 2; step++) {
          JsonObject s = stats.getJsonArray("steps").getJsonObject(step - 1);
          assertThat(s.getLong("sent")).as("step %d sent", step).isEqualTo(CARTS);
          assertThat(s.getLong("accepted")).as("step %d accepted", step).isEqualTo(CARTS);
        }

        Arrivals arrivals = Arrivals.of(push.received(), shoppers);
        assertThat(arrivals.strays()).as("pushes not meant for their shopper, or not decrypted").isEmpty();
        for (int step = 1; step <= 2; step++) {
          assertThat(arrivals.missing(step)).as("shoppers who never got step %d", step).isZero();
          assertThat(arrivals.most(step)).as("the most copies of step %d one shopper got", step).isLessThanOrEqualTo(2);
        }
        assertThat(arrivals.earlySecondSteps(STEP_2)).as("shoppers whose step 2 came sooner than its delay after step 1").isEmpty();
        // In flight at the kill: the doomed instance's messages whose outcome was not yet recorded,
        // which the per-origin limit bounds (a permit is held until the record is written).
        assertThat(arrivals.repeats(1) + arrivals.repeats(2))
            .as("repeats after the kill (%d sent before it, %d units orphaned)", atKill, orphaned).isLessThanOrEqualTo(IN_FLIGHT_BOUND);
        System.out.printf("automation crash test: %d sent before SIGKILL, %d units orphaned, repeats step 1: %d, step 2: %d, total %d%n",
            atKill, orphaned, arrivals.repeats(1), arrivals.repeats(2), push.count());
      } finally {
        doomed.kill();
      }
    }
  }

  private static String createAutomation(TestSite site) {
    JsonArray steps = new JsonArray()
        .add(step(STEP_1, "Cart {{ cart.cartId }} 1"))
        .add(step(STEP_2, "Cart {{ cart.cartId }} 2"));
    ApiClient.Reply r = site.api().post("/v1/sites/" + site.id() + "/automations", site.secretKey(), new JsonObject()
        .put("name", "Cart reminder").put("trigger", "cart_abandoned").put("steps", steps).put("enabled", true));
    assertThat(r.status()).as(r.json().encode()).isEqualTo(201);
    return r.json().getString("id");
  }

  private static JsonObject step(Duration delay, String title) {
    return new JsonObject().put("delay", delay.toString()).put("notification", new JsonObject().put("title", title)
        .put("body", "{{ cart.itemCount }} items waiting").put("url", "https://shop.example/cart"));
  }

  private static String cartOf(int shopper) {
    return "c-" + shopper;
  }

  /**
   * One cart.updated per shopper, all at {@code at} (so step 1 falls due for every cart at once),
   * in batches of 100, a few batches at a time.
   */
  private static void postCarts(TestSite site, List<TestSubscriber> shoppers, Instant at) {
    ExecutorService senders = Executors.newFixedThreadPool(4);
    try {
      List<CompletableFuture<ApiClient.Reply>> batches = new ArrayList<>();
      for (int from = 0; from < shoppers.size(); from += 100) {
        JsonArray events = new JsonArray();
        for (int i = from; i < Math.min(from + 100, shoppers.size()); i++) {
          // The server's id of a subscription (SubscriptionRequest); a wrong one would be answered unknown_subscription.
          events.add(new JsonObject().put("type", "cart.updated").put("subscriptionId", Ids.derived(shoppers.get(i).endpoint()))
              .put("occurredAt", at.toString()).put("data", new JsonObject().put("cartId", cartOf(i))
                  .put("items", new JsonArray().add(new JsonObject().put("productId", "p-1").put("quantity", 2).put("price", 19.5)))
                  .put("total", 39).put("currency", "EUR")));
        }
        JsonObject body = new JsonObject().put("events", events);
        batches.add(CompletableFuture.supplyAsync(() -> site.api().post("/v1/sites/" + site.id() + "/events", site.secretKey(), body),
            senders));
      }
      for (CompletableFuture<ApiClient.Reply> batch : batches) {
        ApiClient.Reply r = batch.join();
        assertThat(r.status()).as(r.json().encode()).isEqualTo(202);
        assertThat(r.json().getLong("accepted")).as(r.json().encode()).isEqualTo(r.json().getJsonArray("results").size());
      }
    } finally {
      senders.shutdownNow();
    }
  }

  /** Units of the site's work stream pending with the consumers whose names start with {@code prefix}. */
  private static long pendingOf(RedisProbe probe, String siteId, String prefix) {
    io.vertx.redis.client.Response summary = probe.send(Request.cmd(Command.XPENDING).arg(Keys.site(siteId, Keys.Part.WORK))
        .arg(CampaignStore.WORK_GROUP));
    long n = 0;
    if (summary.size() > 3 && summary.get(3) != null) {
      for (io.vertx.redis.client.Response consumer : summary.get(3)) {
        if (consumer.get(0).toString().startsWith(prefix)) {
          n += Long.parseLong(consumer.get(1).toString());
        }
      }
    }
    return n;
  }

  /** The automation's stats once every run has ended completed; on a timeout, what the runs left live hold. */
  private static JsonObject awaitCompleted(TestSite site, String automationId, RedisProbe probe) {
    try {
      return Poll.until(() -> site.api().get("/v1/sites/" + site.id() + "/automations/" + automationId, site.secretKey())
              .json().getJsonObject("stats"), s -> s.getJsonObject("exited").getLong("completed", 0L) == CARTS,
          Duration.ofSeconds(75), "every run to end completed");
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n" + liveRuns(site.id(), automationId, probe), e);
    }
  }

  /** The first runs not ended (HGETALL of each), and the work stream's pending summary. */
  private static String liveRuns(String siteId, String automationId, RedisProbe probe) {
    StringBuilder out = new StringBuilder();
    int live = 0;
    for (int i = 0; i < CARTS; i++) {
      String run = Keys.run(siteId, RunStore.runId(automationId, "cart:" + cartOf(i)));
      io.vertx.redis.client.Response status = probe.send(Request.cmd(Command.HGET).arg(run).arg("status"));
      if (status == null || !status.toString().equals("ended")) {
        if (live++ < 5) {
          out.append("HGETALL ").append(run).append(" = ").append(probe.send(Request.cmd(Command.HGETALL).arg(run))).append('\n');
        }
      }
    }
    io.vertx.redis.client.Response due = probe.send(Request.cmd(Command.ZRANGE).arg(Keys.site(siteId, Keys.Part.RUN_DUE))
        .arg(0).arg(4).arg("WITHSCORES"));
    return live + " runs not ended; first of them:\n" + out + "run due (first 5): " + due + " at " + System.currentTimeMillis()
        + "\nXPENDING: " + probe.send(Request.cmd(Command.XPENDING).arg(Keys.site(siteId, Keys.Part.WORK)).arg(CampaignStore.WORK_GROUP))
        + "\nXLEN: " + probe.workLeft(siteId);
  }

  /** What the push service received, per shopper and step, read from the decrypted titles. */
  private record Arrivals(Map<Integer, Map<String, List<Instant>>> byStep, List<TestSubscriber> shoppers, List<String> strays) {
    static Arrivals of(List<ReceivedPush> received, List<TestSubscriber> shoppers) {
      Map<String, Integer> index = new HashMap<>();
      for (int i = 0; i < shoppers.size(); i++) {
        index.put(shoppers.get(i).token(), i);
      }
      Map<Integer, Map<String, List<Instant>>> byStep = Map.of(1, new HashMap<>(), 2, new HashMap<>());
      List<String> strays = new ArrayList<>();
      for (ReceivedPush p : received) {
        Integer shopper = index.get(p.token());
        String title = p.plaintext() == null ? null : new JsonObject(p.plaintext()).getString("title");
        int step = shopper == null || title == null ? 0
            : title.equals("Cart " + cartOf(shopper) + " 1") ? 1 : title.equals("Cart " + cartOf(shopper) + " 2") ? 2 : 0;
        if (step == 0) {
          strays.add(p.toString());
        } else {
          byStep.get(step).computeIfAbsent(p.token(), t -> new ArrayList<>()).add(p.receivedAt());
        }
      }
      return new Arrivals(byStep, shoppers, strays);
    }

    private int copies(int step, TestSubscriber s) {
      return byStep.get(step).getOrDefault(s.token(), List.of()).size();
    }

    long missing(int step) {
      return shoppers.stream().filter(s -> copies(step, s) == 0).count();
    }

    int most(int step) {
      return shoppers.stream().mapToInt(s -> copies(step, s)).max().orElse(0);
    }

    long repeats(int step) {
      return shoppers.stream().mapToLong(s -> Math.max(0, copies(step, s) - 1)).sum();
    }

    /**
     * Shoppers whose first step 2 arrived sooner than {@code delay} after their first step 1: step 2
     * falls due {@code delay} after step 1's outcome was recorded, which is after it first arrived.
     */
    List<String> earlySecondSteps(Duration delay) {
      return shoppers.stream().filter(s -> copies(1, s) > 0 && copies(2, s) > 0)
          .filter(s -> Duration.between(byStep.get(1).get(s.token()).get(0), byStep.get(2).get(s.token()).get(0)).compareTo(delay) < 0)
          .map(TestSubscriber::token).toList();
    }
  }
}
