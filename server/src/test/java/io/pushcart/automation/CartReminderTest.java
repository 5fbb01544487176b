package io.pushcart.automation;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.delivery.DeliveryMetrics;
import io.pushcart.redis.Keys;
import io.pushcart.support.ApiClient.Reply;
import io.pushcart.support.Poll;
import io.pushcart.support.RedisProbe;
import io.pushcart.support.RunningPushcart;
import io.pushcart.support.TempDirs;
import io.pushcart.support.TestClock;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The abandoned-cart automation for real (Redis, HTTP, the local push service, the injected
 * clock; two instances on one Redis): a series arrives in order with the cart's newest content,
 * and the guarantee of MARKETING.md §4 — nothing of a cart's run reaches a push service once its
 * order was answered, except what that answer lists as already sent — holds in every race.
 */
class CartReminderTest {
  private static final TestClock CLOCK = new TestClock();
  private static LocalPushService push;
  private static RunningPushcart first;
  private static RunningPushcart second;
  private static RedisProbe redis;

  @BeforeAll
  static void start() throws Exception {
    push = new LocalPushService().clock(CLOCK).start();
    Map<String, String> env = new HashMap<>(Map.of(
        "PUSHCART_PUSH_HOSTS", "127.0.0.1:" + push.port(),
        "PUSHCART_PUSH_CA_FILE", push.caFile().toString()));
    env.putAll(RunningPushcart.NO_RATE_LIMITS);
    first = RunningPushcart.start(TempDirs.create("cart-reminder"), env, DeliveryMetrics.NONE, CLOCK);
    env.put("PUSHCART_REDIS_URL", first.redisUrl());
    second = RunningPushcart.start(TempDirs.create("cart-reminder-2"), env, DeliveryMetrics.NONE, CLOCK);
    redis = new RedisProbe(first.redisUrl());
  }

  @AfterAll
  static void stop() {
    redis.close();
    second.close();
    first.close();
    push.close();
  }

  private static JsonObject step(String delay, String title, String body) {
    return new JsonObject().put("delay", delay).put("notification", new JsonObject().put("title", title).put("body", body)
        .put("url", "https://shop.example/cart"));
  }

  private static String automation(TestSite site, JsonArray steps) {
    Reply r = first.api().post("/v1/sites/" + site.id() + "/automations", site.secretKey(), new JsonObject()
        .put("name", "Cart reminder").put("trigger", "cart_abandoned").put("steps", steps).put("enabled", true));
    assertThat(r.status()).as(r.json().encode()).isEqualTo(201);
    return r.json().getString("id");
  }

  /** A one-step cart reminder, an hour after the cart. */
  private static String reminder(TestSite site) {
    return automation(site, new JsonArray().add(step("PT1H", "{{ cart.items[0].name }} is waiting", "Come back")));
  }

  private static final Map<String, String> IDS = new java.util.concurrent.ConcurrentHashMap<>();

  private static TestSubscriber subscribe(TestSite site) {
    TestSubscriber s = push.newSubscriber();
    Reply r = site.subscribe(s.subscriptionJson().put("attributes", new JsonObject().put("locale", "de-DE")));
    assertThat(r.status()).as(r.json().encode()).isEqualTo(201);
    IDS.put(s.token(), r.json().getString("id"));
    return s;
  }

  private static String id(TestSite site, TestSubscriber s) {
    return IDS.get(s.token());
  }

  private static JsonObject cart(String cartId, Instant at, Object... items) {
    JsonArray list = new JsonArray();
    double total = 0;
    for (int i = 0; i < items.length; i += 3) {
      list.add(new JsonObject().put("productId", "p-" + i).put("name", items[i]).put("quantity", items[i + 1]).put("price", items[i + 2]));
      total += ((Number) items[i + 1]).intValue() * ((Number) items[i + 2]).doubleValue();
    }
    return new JsonObject().put("type", "cart.updated").put("occurredAt", at.toString())
        .put("data", new JsonObject().put("cartId", cartId).put("items", list).put("total", total).put("currency", "EUR"));
  }

  private static Reply event(RunningPushcart server, TestSite site, JsonObject event) {
    Reply r = server.api().post("/v1/sites/" + site.id() + "/events", site.secretKey(), event);
    assertThat(r.status()).as(r.json().encode()).isEqualTo(202);
    return r;
  }

  private static JsonObject order(String orderId, String cartId, Instant at) {
    return new JsonObject().put("type", "order.completed").put("occurredAt", at.toString())
        .put("data", new JsonObject().put("orderId", orderId).put("cartId", cartId).put("total", 10).put("currency", "EUR"));
  }

  private static List<JsonObject> pushesTo(TestSubscriber s) {
    return push.receivedFor(s.token()).stream().map(p -> new JsonObject(p.plaintext())).toList();
  }

  private static String runStatus(TestSite site, String automationId, String cartId) {
    var r = redis.send(Request.cmd(Command.HGET).arg(Keys.run(site.id(), RunStore.runId(automationId, "cart:" + cartId))).arg("status"));
    return r == null ? null : r.toString();
  }

  /** Waits until the run waits for {@code step}: the step before was recorded, so its delay counts from now on the clock. */
  private static void awaitStep(TestSite site, String automationId, String cartId, int step) {
    Poll.until(() -> redis.send(Request.cmd(Command.HMGET).arg(Keys.run(site.id(), RunStore.runId(automationId, "cart:" + cartId)))
        .arg("step").arg("phase")).toString(), v -> v.equals("[" + step + ", waiting]"), Duration.ofSeconds(20), "step " + step + " to wait");
  }

  private static JsonObject stats(TestSite site, String automationId) {
    return first.api().get("/v1/sites/" + site.id() + "/automations/" + automationId, site.secretKey()).json().getJsonObject("stats");
  }

  /** Nothing of the site is due before {@code at}, or waiting to be sent: what did not arrive by now never will. */
  private static void settle(TestSite site) {
    Poll.until(() -> redis.send(Request.cmd(Command.ZRANGEBYSCORE).arg(Keys.site(site.id(), Keys.Part.RUN_DUE)).arg("-inf")
        .arg(CLOCK.millis())).size(), n -> n == 0, Duration.ofSeconds(30), "due steps to be dispatched");
    redis.awaitDrained(site.id());
  }

  @Test
  void threeStepsArriveInOrderAtTheirDelaysWithTheNewestCart() {
    TestSite site = TestSite.create(first.api());
    String auto = automation(site, new JsonArray()
        .add(step("PT1H", "{{ cart.items[0].name }} is waiting", "{{ cart.itemCount }} items, {{ cart.total | money }}"))
        .add(step("P1D", "Still thinking? {{ cart.itemCount }} items", "{{ cart.items[0].name | upcase }}"))
        .add(step("P2D", "Last call", "{{ subscriber.attributes.firstName | default: \"there\" }}, {{ cart.total | money }}")));
    TestSubscriber shopper = subscribe(site);
    String sub = id(site, shopper);
    Instant start = CLOCK.instant();
    event(second, site, cart("c-1", start, "Trail shoe", 2, 59.95).put("subscriptionId", sub));

    CLOCK.advance(Duration.ofMinutes(59));
    settle(site);
    assertThat(pushesTo(shopper)).isEmpty();
    CLOCK.advance(Duration.ofMinutes(1));
    Poll.until(() -> push.receivedFor(shopper.token()).size(), n -> n == 1, Duration.ofSeconds(20), "step 1");
    ReceivedPush first1 = push.receivedFor(shopper.token()).get(0);
    JsonObject step1 = new JsonObject(first1.plaintext());
    assertThat(step1.getString("title")).isEqualTo("Trail shoe is waiting");
    assertThat(step1.getString("body")).isEqualTo("2 items, 119,90\u00a0€");
    assertThat(step1.getString("automationId")).isEqualTo(auto);
    assertThat(step1.getInteger("step")).isEqualTo(1);
    assertThat(first1.plaintext()).doesNotContain("{{", "{%");
    awaitStep(site, auto, "c-1", 2);

    // The cart changes between steps: step 2 shows the newest content.
    event(first, site, cart("c-1", CLOCK.instant(), "Rain jacket", 1, 120, "Trail shoe", 2, 59.95).put("subscriptionId", sub));
    CLOCK.advance(Duration.ofHours(23));
    settle(site);
    assertThat(pushesTo(shopper)).hasSize(1);
    CLOCK.advance(Duration.ofHours(1));
    Poll.until(() -> pushesTo(shopper).size(), n -> n == 2, Duration.ofSeconds(20), "step 2");
    assertThat(pushesTo(shopper).get(1).getString("title")).isEqualTo("Still thinking? 3 items");
    assertThat(pushesTo(shopper).get(1).getString("body")).isEqualTo("RAIN JACKET");
    awaitStep(site, auto, "c-1", 3);

    CLOCK.advance(Duration.ofDays(2));
    Poll.until(() -> pushesTo(shopper).size(), n -> n == 3, Duration.ofSeconds(20), "step 3");
    assertThat(pushesTo(shopper).get(2).getString("body")).isEqualTo("there, 239,90\u00a0€");
    Poll.until(() -> runStatus(site, auto, "c-1"), "ended"::equals, Duration.ofSeconds(20), "the run to end");
    CLOCK.advance(Duration.ofDays(10));
    settle(site);
    assertThat(pushesTo(shopper)).hasSize(3);

    JsonObject stats = stats(site, auto);
    assertThat(stats.getLong("entered")).isEqualTo(1);
    assertThat(stats.getLong("active")).isZero();
    assertThat(stats.getJsonObject("exited").getLong("completed")).isEqualTo(1);
    for (int i = 0; i < 3; i++) {
      assertThat(stats.getJsonArray("steps").getJsonObject(i).getLong("sent")).as("step " + (i + 1)).isEqualTo(1);
      assertThat(stats.getJsonArray("steps").getJsonObject(i).getLong("accepted")).as("step " + (i + 1)).isEqualTo(1);
    }
  }

  /** A service worker's receipt as a browser sends it: 202, or the 4xx. */
  private static Reply receipt(TestSite site, String subscriptionId, String type, JsonObject data) {
    return first.api().postWithHeaders("/v1/sites/" + site.id() + "/events", Map.of("Origin", TestSite.ORIGIN, "Content-Type",
        "application/json"), new JsonObject().put("subscriptionId", subscriptionId).put("type", type).put("data", data).encode());
  }

  @Test
  void receiptsCountOncePerRunSoTheShoppersNextCartCountsAgain() {
    TestSite site = TestSite.create(first.api());
    String auto = reminder(site);
    TestSubscriber shopper = subscribe(site);
    TestSubscriber other = subscribe(site);
    String sub = id(site, shopper);
    List<JsonObject> ids = new ArrayList<>();
    for (String cartId : List.of("first-cart", "next-cart")) {
      event(first, site, cart(cartId, CLOCK.instant(), "Trail shoe", 1, 59.95).put("subscriptionId", sub));
      CLOCK.advance(Duration.ofHours(1));
      int n = ids.size() + 1;
      Poll.until(() -> pushesTo(shopper).size(), k -> k == n, Duration.ofSeconds(20), "step 1 of " + cartId);
      JsonObject payload = pushesTo(shopper).get(n - 1);
      assertThat(payload.getString("run")).isEqualTo(RunStore.runId(auto, "cart:" + cartId) + ".1");
      JsonObject data = new JsonObject().put("automationId", auto).put("step", 1).put("run", payload.getString("run"));
      ids.add(data);
      for (int i = 0; i < 2; i++) { // a repeat counts nothing
        assertThat(receipt(site, sub, "notification.delivered", data).status()).isEqualTo(202);
      }
      assertThat(receipt(site, sub, "notification.clicked", data).status()).isEqualTo(202);
      JsonObject step = stats(site, auto).getJsonArray("steps").getJsonObject(0);
      assertThat(step.getLong("delivered")).as("after " + cartId).isEqualTo(n);
      assertThat(step.getLong("clicked")).as("after " + cartId).isEqualTo(n);
      Poll.until(() -> runStatus(site, auto, cartId), "ended"::equals, Duration.ofSeconds(20), "the run of " + cartId + " to end");
    }
    // The first run's receipts again, once it has ended: still repeats.
    assertThat(receipt(site, sub, "notification.clicked", ids.get(0)).status()).isEqualTo(202);
    assertThat(stats(site, auto).getJsonArray("steps").getJsonObject(0).getLong("clicked")).isEqualTo(2);
    // Another subscription's receipt for that run, which sent it nothing; a run of another automation; a malformed one.
    assertThat(receipt(site, id(site, other), "notification.clicked", ids.get(0)).errorField()).isEqualTo("data.run");
    assertThat(receipt(site, sub, "notification.clicked", ids.get(0).copy().put("run", "x" + ids.get(0).getString("run")))
        .errorField()).isEqualTo("data.run");
    assertThat(receipt(site, sub, "notification.clicked", ids.get(0).copy().put("run", auto + "-nothex.1")).errorField())
        .isEqualTo("data.run");
    assertThat(stats(site, auto).getJsonArray("steps").getJsonObject(0).getLong("clicked")).isEqualTo(2);
  }

  @Test
  void aBatchOfOrdersFromShoppersWithEarlierRunsIsRecordedInFull() {
    TestSite site = TestSite.create(first.api());
    String auto = reminder(site);
    List<TestSubscriber> shoppers = new ArrayList<>();
    for (int i = 0; i < 8; i++) { // more than a batch may stop for keys in a row (EventStore.MAX_TRIES)
      shoppers.add(subscribe(site));
    }
    // Each shopper's first cart runs its course: its run ends (completed) and stays in the shopper's run index.
    for (int i = 0; i < shoppers.size(); i++) {
      event(first, site, cart("old-" + i, CLOCK.instant(), "Hat", 1, 20).put("subscriptionId", id(site, shoppers.get(i))));
    }
    CLOCK.advance(Duration.ofHours(1));
    for (int i = 0; i < shoppers.size(); i++) {
      String cartId = "old-" + i;
      Poll.until(() -> runStatus(site, auto, cartId), "ended"::equals, Duration.ofSeconds(20), "the run of " + cartId + " to end");
    }
    // Their next carts, then their orders in one batch: each order meets its shopper's earlier run.
    JsonArray orders = new JsonArray();
    for (int i = 0; i < shoppers.size(); i++) {
      event(first, site, cart("new-" + i, CLOCK.instant(), "Scarf", 1, 30).put("subscriptionId", id(site, shoppers.get(i))));
      orders.add(order("repeat-" + i, "new-" + i, CLOCK.instant().plusSeconds(1)).put("subscriptionId", id(site, shoppers.get(i))));
    }
    CLOCK.advance(Duration.ofSeconds(1));
    Reply r = event(second, site, new JsonObject().put("events", orders));
    assertThat(r.json().getLong("accepted")).isEqualTo(shoppers.size());
    for (int i = 0; i < shoppers.size(); i++) {
      assertThat(runStatus(site, auto, "new-" + i)).isEqualTo("ended");
    }
    CLOCK.advance(Duration.ofHours(2));
    settle(site);
    for (TestSubscriber s : shoppers) {
      assertThat(pushesTo(s)).as("only the first cart's reminder").hasSize(1);
    }
  }

  @Test
  void aDuplicateEventStartsNoSecondRunAndAnEmptiedCartEndsIt() {
    TestSite site = TestSite.create(first.api());
    String auto = automation(site, new JsonArray().add(step("PT1H", "Cart {{ cart.cartId }}", "x")));
    TestSubscriber a = subscribe(site);
    TestSubscriber b = subscribe(site);
    Instant t = CLOCK.instant();
    JsonObject cartA = cart("dup-a", t, "Sock", 1, 5).put("subscriptionId", id(site, a)).put("id", "evt-dup-a");
    assertThat(event(first, site, cartA).json().getBoolean("duplicate")).isFalse();
    assertThat(event(second, site, cartA).json().getBoolean("duplicate")).isTrue();
    event(second, site, cart("dup-a", t, "Sock", 1, 5).put("subscriptionId", id(site, a))); // same cart, no id: refresh only
    event(first, site, cart("dup-b", t, "Sock", 1, 5).put("subscriptionId", id(site, b)));
    event(first, site, cart("dup-b", t.plusSeconds(60)).put("subscriptionId", id(site, b))); // emptied
    assertThat(runStatus(site, auto, "dup-b")).isEqualTo("ended");

    CLOCK.advance(Duration.ofHours(2));
    settle(site);
    assertThat(pushesTo(a)).hasSize(1);
    assertThat(pushesTo(b)).isEmpty();
    JsonObject stats = stats(site, auto);
    assertThat(stats.getLong("entered")).isEqualTo(2);
    assertThat(stats.getJsonObject("exited").getLong("emptied")).isEqualTo(1);
  }

  @Test
  void anOrderJustBeforeTheStepIsDueOrArrivingBeforeAnEarlierCartEventStopsIt() {
    TestSite site = TestSite.create(first.api());
    String auto = automation(site, new JsonArray().add(step("PT1H", "Cart {{ cart.cartId }}", "x")));
    TestSubscriber shopper = subscribe(site);
    String sub = id(site, shopper);
    Instant t = CLOCK.instant();
    event(first, site, cart("early", t, "Hat", 1, 20).put("subscriptionId", sub));
    CLOCK.set(t.plus(Duration.ofHours(1)).minusMillis(1));
    Reply answer = event(second, site, order("o-early", "early", CLOCK.instant()).put("subscriptionId", sub));
    assertThat(answer.json().getJsonArray("alreadySent")).isEmpty();
    assertThat(runStatus(site, auto, "early")).isEqualTo("ended");

    // The order arrives first; the cart event that happened before it arrives late: no run.
    Instant ordered = CLOCK.instant();
    event(first, site, order("o-late", "late", ordered).put("subscriptionId", sub));
    event(second, site, cart("late", ordered.minusSeconds(300), "Scarf", 1, 30).put("subscriptionId", sub));
    assertThat(runStatus(site, auto, "late")).isNull();

    CLOCK.advance(Duration.ofHours(3));
    settle(site);
    assertThat(pushesTo(shopper)).isEmpty();
    assertThat(stats(site, auto).getJsonObject("exited").getLong("converted")).isEqualTo(1);
  }

  @Test
  void anOrderOnTheCustomersOtherDeviceStopsTheRun() {
    TestSite site = TestSite.create(first.api());
    String auto = automation(site, new JsonArray().add(step("PT1H", "Cart {{ cart.cartId }}", "x")));
    TestSubscriber phone = subscribe(site);
    TestSubscriber laptop = subscribe(site);
    String customer = "cust-" + site.id().substring(0, 6);
    for (TestSubscriber s : List.of(phone, laptop)) {
      assertThat(first.api().patch("/v1/sites/" + site.id() + "/subscriptions/" + id(site, s), site.secretKey(),
          new JsonObject().put("customerId", customer)).status()).isEqualTo(200);
    }
    Instant t = CLOCK.instant();
    event(first, site, cart("phone-cart", t, "Lamp", 1, 80).put("subscriptionId", id(site, phone)));
    // The order comes from the store's backend for the customer, with another cart id (checked out on the laptop).
    CLOCK.advance(Duration.ofMinutes(10));
    event(second, site, order("o-laptop", "laptop-cart", t.plusSeconds(600)).put("customerId", customer));
    assertThat(runStatus(site, auto, "phone-cart")).isEqualTo("ended");
    CLOCK.advance(Duration.ofHours(2));
    settle(site);
    assertThat(pushesTo(phone)).isEmpty();
    assertThat(pushesTo(laptop)).isEmpty();
  }

  @Test
  void anOrderWhileAStepIsAtThePushServiceWaitsForItAndListsIt() {
    TestSite site = TestSite.create(first.api());
    String auto = automation(site, new JsonArray().add(step("PT1H", "Cart {{ cart.cartId }}", "x"))
        .add(step("PT1H", "Again {{ cart.cartId }}", "y")));
    TestSubscriber shopper = subscribe(site);
    String sub = id(site, shopper);
    push.script(shopper.token(), Response.created(), Response.created().delay(Duration.ofSeconds(2)));
    Instant t = CLOCK.instant();
    event(first, site, cart("held", t, "Bag", 1, 40).put("subscriptionId", sub));
    CLOCK.advance(Duration.ofHours(1));
    Poll.until(() -> pushesTo(shopper).size(), n -> n == 1, Duration.ofSeconds(20), "step 1");
    awaitStep(site, auto, "held", 2);
    CLOCK.advance(Duration.ofHours(1));
    Poll.until(() -> pushesTo(shopper).size(), n -> n == 2, Duration.ofSeconds(20), "step 2 to reach the push service");
    long before = System.nanoTime();
    Reply answer = event(second, site, order("o-held", "held", CLOCK.instant()).put("subscriptionId", sub));
    assertThat(Duration.ofNanos(System.nanoTime() - before)).as("the answer waited for the held send").isPositive();
    JsonArray sent = answer.json().getJsonArray("alreadySent");
    assertThat(sent).hasSize(1);
    assertThat(sent.getJsonObject(0).getInteger("step")).isEqualTo(2);
    assertThat(sent.getJsonObject(0).getString("outcome")).isEqualTo("accepted");
    CLOCK.advance(Duration.ofDays(1));
    settle(site);
    assertThat(pushesTo(shopper)).hasSize(2);
  }

  /** A two-step cart run whose step 1 is at the push service for the phone, held there, when the cart moves to the laptop. */
  private record Moved(TestSite site, String auto, TestSubscriber phone, TestSubscriber laptop, CompletableFuture<Void> release) {
    static Moved cart(String cartId, Response phoneAnswer) {
      TestSite site = TestSite.create(first.api());
      String auto = automation(site, new JsonArray().add(step("PT1H", "Cart {{ cart.cartId }}", "x"))
          .add(step("PT1H", "Again {{ cart.cartId }}", "y")));
      TestSubscriber phone = subscribe(site);
      TestSubscriber laptop = subscribe(site);
      CompletableFuture<Void> release = new CompletableFuture<>();
      push.script(phone.token(), phoneAnswer.heldUntil(release));
      event(first, site, CartReminderTest.cart(cartId, CLOCK.instant(), "Bag", 1, 40).put("subscriptionId", id(site, phone)));
      CLOCK.advance(Duration.ofHours(1));
      Poll.until(() -> pushesTo(phone).size(), n -> n == 1, Duration.ofSeconds(20), "step 1 to reach the push service");
      event(second, site, CartReminderTest.cart(cartId, CLOCK.instant(), "Bag", 2, 40).put("subscriptionId", id(site, laptop)));
      return new Moved(site, auto, phone, laptop, release);
    }
  }

  /**
   * The cart moves to another device while its step is at the push service: the run's devices
   * change under the step, which still ends once the message it sent has its outcome — accepted,
   * or gone (410): the run has a device left — and the next step goes to the device the cart is on now.
   */
  @ParameterizedTest
  @ValueSource(ints = {201, 410})
  void aCartThatMovesToAnotherDeviceWhileItsStepIsSentMovesOnToTheNextStep(int phoneAnswer) {
    Moved m = Moved.cart("moving", Response.status(phoneAnswer));
    m.release().complete(null);
    awaitStep(m.site(), m.auto(), "moving", 2);
    CLOCK.advance(Duration.ofHours(1));
    Poll.until(() -> pushesTo(m.laptop()).size(), n -> n == 1, Duration.ofSeconds(20), "step 2, to the laptop");
    assertThat(pushesTo(m.laptop()).get(0).getInteger("step")).isEqualTo(2);
    Poll.until(() -> runStatus(m.site(), m.auto(), "moving"), "ended"::equals, Duration.ofSeconds(20), "the run to end");
    settle(m.site());
    assertThat(pushesTo(m.phone())).hasSize(1);
    assertThat(pushesTo(m.laptop())).hasSize(1);
  }

  /**
   * The same move, then an order while the step is still at the push service for the device the
   * cart left: the order's answer waits for that push and lists it, as for any push in flight.
   */
  @Test
  void anOrderWhileAStepIsOutToTheDeviceTheCartLeftListsThatPush() throws Exception {
    Moved m = Moved.cart("left", Response.created());
    TestSite site = m.site();
    String auto = m.auto();
    TestSubscriber phone = m.phone();
    TestSubscriber laptop = m.laptop();
    CompletableFuture<Void> release = m.release();
    CompletableFuture<Reply> answer = CompletableFuture.supplyAsync(
        () -> event(first, site, order("o-left", "left", CLOCK.instant()).put("subscriptionId", id(site, laptop))));
    Poll.until(() -> runStatus(site, auto, "left"), "ended"::equals, Duration.ofSeconds(20), "the order to end the run");
    release.complete(null);
    JsonArray sent = answer.get(40, java.util.concurrent.TimeUnit.SECONDS).json().getJsonArray("alreadySent");
    assertThat(sent).hasSize(1);
    assertThat(sent.getJsonObject(0).getString("subscriptionId")).isEqualTo(id(site, phone));
    assertThat(sent.getJsonObject(0).getInteger("step")).isEqualTo(1);
    assertThat(sent.getJsonObject(0).getString("outcome")).isEqualTo("accepted");
    CLOCK.advance(Duration.ofDays(1));
    settle(site);
    assertThat(pushesTo(phone)).hasSize(1);
    assertThat(pushesTo(laptop)).isEmpty();
  }

  /**
   * Many carts fall due at once while their orders come in through both instances: once an order
   * is answered, nothing more of its cart reaches the push service, and what the answer lists as
   * already sent did reach it.
   */
  @Test
  void ordersRacingTheirStepsOnTwoInstancesNeverLeaveAnUnlistedPush() throws Exception {
    int inFlight = 0;
    for (int round = 0; round < 3; round++) {
      inFlight += race(30, new java.util.Random(round));
    }
    System.out.println("race: " + inFlight + " of 90 orders met their step in flight");
  }

  /** One round: the carts' first steps fall due while their orders arrive over half a second, through both instances. */
  private static int race(int carts, java.util.Random random) throws Exception {
    TestSite site = TestSite.create(first.api());
    automation(site, new JsonArray().add(step("PT1H", "{{ cart.cartId }}", "x")).add(step("PT1H", "{{ cart.cartId }} 2", "y")));
    List<TestSubscriber> shoppers = new ArrayList<>();
    List<String> subs = new ArrayList<>();
    Instant t = CLOCK.instant();
    for (int i = 0; i < carts; i++) {
      TestSubscriber s = subscribe(site);
      shoppers.add(s);
      subs.add(id(site, s));
      event(i % 2 == 0 ? first : second, site, cart("race-" + i, t, "Item", 1, 10).put("subscriptionId", subs.get(i)));
    }
    record Answered(JsonArray listed, int pushesThen) {
    }
    java.util.concurrent.ScheduledExecutorService pool = Executors.newScheduledThreadPool(8);
    try {
      CLOCK.advance(Duration.ofHours(1)); // every step 1 falls due now, while the orders arrive
      List<CompletableFuture<Answered>> answers = new ArrayList<>();
      for (int i = 0; i < carts; i++) {
        int n = i;
        CompletableFuture<Answered> answer = new CompletableFuture<>();
        pool.schedule(() -> {
          try {
            Reply r = event(n % 2 == 0 ? second : first, site,
                order("race-order-" + n, "race-" + n, t.plusSeconds(1800)).put("subscriptionId", subs.get(n)));
            answer.complete(new Answered(r.json().getJsonArray("alreadySent"), pushesTo(shoppers.get(n)).size()));
          } catch (Throwable e) {
            answer.completeExceptionally(e);
          }
        }, random.nextInt(500), java.util.concurrent.TimeUnit.MILLISECONDS);
        answers.add(answer);
      }
      for (CompletableFuture<Answered> a : answers) {
        a.get(60, java.util.concurrent.TimeUnit.SECONDS);
      }
      CLOCK.advance(Duration.ofDays(1));
      settle(site);
      int listedTotal = 0;
      for (int i = 0; i < carts; i++) {
        Answered a = answers.get(i).get();
        List<JsonObject> got = pushesTo(shoppers.get(i));
        assertThat(got.size()).as("cart %d: nothing after the answer", i).isEqualTo(a.pushesThen());
        assertThat(got.size()).as("cart %d: what was listed arrived", i).isGreaterThanOrEqualTo(a.listed().size());
        String title = "race-" + i;
        assertThat(got).as("cart %d: step 1 only", i).allSatisfy(p -> assertThat(p.getString("title")).isEqualTo(title));
        listedTotal += a.listed().size();
      }
      return listedTotal;
    } finally {
      pool.shutdownNow();
    }
  }
}
