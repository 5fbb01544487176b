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
import io.pushcart.testkit.TestSubscriber;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every trigger but the cart's (CartReminderTest) for real, with its re-entry policy, and what
 * the definitions refuse: browse, price drop, back in stock, welcome, post-purchase, order
 * status; receipts into step stats; missing data suppressed and counted.
 */
class TriggersTest {
  private static final TestClock CLOCK = new TestClock();
  private static LocalPushService push;
  private static RunningPushcart server;
  private static RedisProbe redis;
  private static final Map<String, String> IDS = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    push = new LocalPushService().clock(CLOCK).start();
    Map<String, String> env = new HashMap<>(Map.of(
        "PUSHCART_PUSH_HOSTS", "127.0.0.1:" + push.port(),
        "PUSHCART_PUSH_CA_FILE", push.caFile().toString()));
    env.putAll(RunningPushcart.NO_RATE_LIMITS);
    server = RunningPushcart.start(TempDirs.create("triggers"), env, DeliveryMetrics.NONE, CLOCK);
    redis = new RedisProbe(server.redisUrl());
  }

  @AfterAll
  static void stop() {
    redis.close();
    server.close();
    push.close();
  }

  private static Reply createAutomation(TestSite site, JsonObject body) {
    return server.api().post("/v1/sites/" + site.id() + "/automations", site.secretKey(), body);
  }

  private static String automation(TestSite site, String trigger, String title, JsonObject extra) {
    JsonObject body = new JsonObject().put("name", trigger).put("trigger", trigger).put("steps", new JsonArray()
        .add(new JsonObject().put("delay", "PT1M").put("notification", new JsonObject().put("title", title))));
    body.mergeIn(extra);
    Reply r = createAutomation(site, body);
    assertThat(r.status()).as(r.json().encode()).isEqualTo(201);
    return r.json().getString("id");
  }

  private static TestSubscriber subscribe(TestSite site, JsonObject attributes) {
    TestSubscriber s = push.newSubscriber();
    Reply r = site.subscribe(s.subscriptionJson().put("attributes", attributes));
    assertThat(r.status()).as(r.json().encode()).isEqualTo(201);
    IDS.put(s.token(), r.json().getString("id"));
    return s;
  }

  private static String id(TestSubscriber s) {
    return IDS.get(s.token());
  }

  private static Reply event(TestSite site, JsonObject event) {
    Reply r = server.api().post("/v1/sites/" + site.id() + "/events", site.secretKey(), event.put("occurredAt", CLOCK.instant().toString()));
    assertThat(r.status()).as(r.json().encode()).isEqualTo(202);
    return r;
  }

  private static JsonObject viewed(TestSubscriber s, String product, String variant, double price, boolean inStock) {
    return new JsonObject().put("type", "product.viewed").put("subscriptionId", id(s)).put("data", new JsonObject()
        .put("productId", product).put("variantId", variant).put("name", "Boot " + product).put("price", price)
        .put("currency", "EUR").put("inStock", inStock));
  }

  private static JsonObject updated(String product, String variant, double price, boolean inStock) {
    return new JsonObject().put("type", "product.updated").put("data", new JsonObject()
        .put("productId", product).put("variantId", variant).put("name", "Boot " + product).put("price", price)
        .put("currency", "EUR").put("inStock", inStock));
  }

  private static List<String> titles(TestSubscriber s) {
    return push.receivedFor(s.token()).stream().map(p -> new JsonObject(p.plaintext()).getString("title")).toList();
  }

  /** Moves the clock past every step of the tests here (a minute each), and waits until all is sent. */
  private static void pass(TestSite site, Duration by) {
    CLOCK.advance(by);
    Poll.until(() -> redis.send(Request.cmd(Command.ZRANGEBYSCORE).arg(Keys.site(site.id(), Keys.Part.RUN_DUE)).arg("-inf")
        .arg(CLOCK.millis())).size(), n -> n == 0, Duration.ofSeconds(30), "due steps to be dispatched");
    redis.awaitDrained(site.id());
  }

  private static JsonObject stats(TestSite site, String automationId) {
    return server.api().get("/v1/sites/" + site.id() + "/automations/" + automationId, site.secretKey()).json().getJsonObject("stats");
  }

  @Test
  void definitionsAreCheckedWhenSaved() {
    TestSite site = TestSite.create(server.api());
    JsonObject good = new JsonObject().put("name", "x").put("trigger", "cart_abandoned").put("steps", new JsonArray()
        .add(new JsonObject().put("delay", "PT1H").put("notification", new JsonObject().put("title", "{{ cart.items[0].name }}"))));
    assertThat(createAutomation(site, good.copy().put("trigger", "sometimes")).errorField()).isEqualTo("trigger");
    assertThat(createAutomation(site, good.copy().put("steps", new JsonArray())).errorField()).isEqualTo("steps");
    JsonArray eleven = new JsonArray();
    for (int i = 0; i < 11; i++) {
      eleven.add(good.getJsonArray("steps").getJsonObject(0));
    }
    assertThat(createAutomation(site, good.copy().put("steps", eleven)).errorField()).isEqualTo("steps");
    for (String delay : new String[] {"PT0S", "P91D", "soon"}) {
      JsonObject bad = good.copy();
      bad.getJsonArray("steps").getJsonObject(0).put("delay", delay);
      assertThat(createAutomation(site, bad).errorField()).as(delay).isEqualTo("steps[0].delay");
    }
    JsonObject unclosed = good.copy();
    unclosed.getJsonArray("steps").getJsonObject(0).getJsonObject("notification").put("body", "Hi {{ subscriber.attributes.name");
    assertThat(createAutomation(site, unclosed).errorField()).isEqualTo("steps[0].notification.body");
    JsonObject unknownRoot = good.copy();
    unknownRoot.getJsonArray("steps").getJsonObject(0).getJsonObject("notification").put("title", "{{ basket.total }}");
    assertThat(createAutomation(site, unknownRoot).errorField()).isEqualTo("steps[0].notification.title");
    JsonObject wrongRoot = good.copy().put("trigger", "welcome");
    Reply r = createAutomation(site, wrongRoot);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorMessage()).contains("cart");
    assertThat(createAutomation(site, good.copy().put("statuses", new JsonArray().add("shipped"))).errorField()).isEqualTo("statuses");
    assertThat(createAutomation(site, good.copy().put("audience", new JsonObject().put("segment", "nosuchsegment1"))).errorField())
        .isEqualTo("audience.segment");
    Reply segment = server.api().post("/v1/sites/" + site.id() + "/segments", site.secretKey(),
        new JsonObject().put("name", "Shoe fans").put("rule", new JsonObject().put("tag", "shoes")));
    String segmentId = segment.json().getString("id");
    Reply targeted = createAutomation(site, good.copy().put("audience", new JsonObject().put("segment", segmentId)));
    assertThat(targeted.status()).isEqualTo(201);
    Reply refused = server.api().deleteWithToken("/v1/sites/" + site.id() + "/segments/" + segmentId, site.secretKey());
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.errorMessage()).contains(targeted.json().getString("id"));
    assertThat(server.api().deleteWithToken("/v1/sites/" + site.id() + "/automations/" + targeted.json().getString("id"),
        site.secretKey()).status()).isEqualTo(204);
    Reply created = createAutomation(site, good);
    assertThat(created.status()).isEqualTo(201);
    String id = created.json().getString("id");
    Reply patched = server.api().patch("/v1/sites/" + site.id() + "/automations/" + id, site.secretKey(),
        new JsonObject().put("enabled", false));
    assertThat(patched.json().getBoolean("enabled")).isFalse();
    assertThat(server.api().get("/v1/sites/" + site.id() + "/automations", site.secretKey()).json().getJsonArray("automations"))
        .hasSize(1);
    assertThat(server.api().deleteWithToken("/v1/sites/" + site.id() + "/automations/" + id, site.secretKey()).status()).isEqualTo(204);
    assertThat(server.api().get("/v1/sites/" + site.id() + "/automations/" + id, site.secretKey()).status()).isEqualTo(404);
  }

  @Test
  void browseRemindsOnceADayAndACartEndsIt() {
    TestSite site = TestSite.create(server.api());
    String auto = automation(site, "browse_abandoned", "Still like {{ product.name }}?", new JsonObject());
    TestSubscriber looker = subscribe(site, new JsonObject());
    TestSubscriber buyer = subscribe(site, new JsonObject());
    event(site, viewed(looker, "b1", "42", 90, true));
    event(site, viewed(buyer, "b1", "42", 90, true));
    event(site, new JsonObject().put("type", "cart.updated").put("subscriptionId", id(buyer)).put("data", new JsonObject()
        .put("cartId", "bc-1").put("items", new JsonArray().add(new JsonObject().put("productId", "b1").put("quantity", 1)))));
    pass(site, Duration.ofMinutes(2));
    assertThat(titles(looker)).containsExactly("Still like Boot b1?");
    assertThat(titles(buyer)).isEmpty();
    event(site, viewed(looker, "b2", "1", 50, true)); // the same day: no second reminder
    pass(site, Duration.ofHours(2));
    assertThat(titles(looker)).hasSize(1);
    CLOCK.advance(Duration.ofDays(1));
    event(site, viewed(looker, "b3", "1", 50, true)); // a day later: again
    pass(site, Duration.ofMinutes(2));
    assertThat(titles(looker)).containsExactly("Still like Boot b1?", "Still like Boot b3?");
    assertThat(stats(site, auto).getJsonObject("exited").getLong("carted")).isEqualTo(1);
  }

  @Test
  void aPriceDropAlertsOncePerLevelAndNeverForARise() {
    TestSite site = TestSite.create(server.api());
    automation(site, "price_drop", "{{ product.name }} now {{ product.price | money }} (was {{ product.previousPrice | money }})",
        new JsonObject());
    TestSubscriber s = subscribe(site, new JsonObject().put("locale", "en-US"));
    TestSubscriber other = subscribe(site, new JsonObject());
    event(site, viewed(s, "p1", "red", 100, true));
    event(site, viewed(other, "p1", "blue", 100, true)); // another variant
    event(site, updated("p1", "red", 120, true)); // a rise
    pass(site, Duration.ofMinutes(2));
    assertThat(titles(s)).isEmpty();
    event(site, updated("p1", "red", 80, true));
    event(site, updated("p1", "red", 80, true)); // the same level again: once
    pass(site, Duration.ofMinutes(2));
    assertThat(titles(s)).containsExactly("Boot p1 now €80.00 (was €100.00)");
    event(site, updated("p1", "red", 70, true)); // a new level below what they saw
    pass(site, Duration.ofMinutes(2));
    assertThat(titles(s)).hasSize(2);
    assertThat(titles(other)).isEmpty();
  }

  @Test
  void backInStockAlertsOncePerReturnPerVariantAndNotBuyers() {
    TestSite site = TestSite.create(server.api());
    automation(site, "back_in_stock", "{{ product.name }} is back", new JsonObject());
    TestSubscriber waiting = subscribe(site, new JsonObject());
    TestSubscriber otherVariant = subscribe(site, new JsonObject());
    TestSubscriber bought = subscribe(site, new JsonObject());
    TestSubscriber sawInStock = subscribe(site, new JsonObject());
    event(site, updated("s1", "M", 50, false));
    event(site, viewed(waiting, "s1", "M", 50, false));
    event(site, viewed(otherVariant, "s1", "L", 50, false));
    event(site, viewed(bought, "s1", "M", 50, false));
    event(site, viewed(sawInStock, "s1", "M", 50, true));
    event(site, new JsonObject().put("type", "order.completed").put("subscriptionId", id(bought)).put("data", new JsonObject()
        .put("orderId", "o-s1-" + site.id()).put("items", new JsonArray().add(new JsonObject().put("productId", "s1").put("quantity", 1)))));
    event(site, updated("s1", "M", 50, true));
    event(site, updated("s1", "M", 50, true)); // the catalogue saved again: no second alert
    pass(site, Duration.ofMinutes(2));
    assertThat(titles(waiting)).containsExactly("Boot s1 is back");
    assertThat(titles(otherVariant)).isEmpty();
    assertThat(titles(bought)).isEmpty();
    assertThat(titles(sawInStock)).isEmpty();
    // Out again, seen out of stock, back again: a new return, a new alert.
    event(site, updated("s1", "M", 50, false));
    event(site, viewed(waiting, "s1", "M", 50, false));
    CLOCK.advance(Duration.ofMinutes(30));
    event(site, updated("s1", "M", 50, true));
    pass(site, Duration.ofMinutes(2));
    assertThat(titles(waiting)).hasSize(2);
  }

  @Test
  void welcomePostPurchaseAndOrderStatusSeries() {
    TestSite site = TestSite.create(server.api());
    automation(site, "welcome", "Welcome to {{ site.name }}", new JsonObject());
    automation(site, "post_purchase", "Thanks for order {{ order.orderId }}", new JsonObject());
    String status = automation(site, "order_status", "Order {{ order.orderId }}: {{ order.status }}",
        new JsonObject().put("statuses", new JsonArray().add("shipped").add("delayed")));
    TestSubscriber s = subscribe(site, new JsonObject());
    pass(site, Duration.ofMinutes(2));
    assertThat(titles(s)).hasSize(1);
    assertThat(titles(s).get(0)).startsWith("Welcome to ");
    JsonObject order = new JsonObject().put("type", "order.completed").put("subscriptionId", id(s))
        .put("data", new JsonObject().put("orderId", "o-77").put("total", 20).put("currency", "EUR"));
    event(site, order.copy());
    event(site, order.copy()); // the same order again: one thank-you
    for (String st : new String[] {"shipped", "outForDelivery", "shipped", "delayed"}) {
      event(site, new JsonObject().put("type", "order.updated").put("subscriptionId", id(s))
          .put("data", new JsonObject().put("orderId", "o-77").put("status", st)));
    }
    pass(site, Duration.ofMinutes(2));
    assertThat(titles(s).subList(1, titles(s).size())).containsExactlyInAnyOrder("Thanks for order o-77", "Order o-77: shipped",
        "Order o-77: delayed");
    assertThat(stats(site, status).getLong("entered")).isEqualTo(2);
  }

  @Test
  void missingDataIsSuppressedAndCountedDefaultsCoverEmptyAndBlankAndReceiptsCount() {
    TestSite site = TestSite.create(server.api());
    String auto = automation(site, "welcome", "Hi {{ subscriber.attributes.firstName }}", new JsonObject());
    String withDefault = automation(site, "welcome", "Hello {{ subscriber.attributes.firstName | default: \"there\" }}", new JsonObject());
    TestSubscriber nameless = subscribe(site, new JsonObject());
    TestSubscriber empty = subscribe(site, new JsonObject().put("firstName", ""));
    TestSubscriber blank = subscribe(site, new JsonObject().put("firstName", "   "));
    TestSubscriber named = subscribe(site, new JsonObject().put("firstName", "Ada"));
    pass(site, Duration.ofMinutes(2));
    assertThat(titles(nameless)).containsExactly("Hello there");
    assertThat(titles(empty)).contains("Hello there");
    assertThat(titles(blank)).contains("Hello there");
    assertThat(titles(named)).containsExactlyInAnyOrder("Hi Ada", "Hello Ada");
    for (TestSubscriber t : List.of(nameless, empty, blank, named)) {
      push.receivedFor(t.token()).forEach(p -> assertThat(p.plaintext()).doesNotContain("{{", "{%"));
    }
    JsonObject step = stats(site, auto).getJsonArray("steps").getJsonObject(0);
    assertThat(step.getJsonObject("suppressed").getLong("missingData")).isEqualTo(1);
    assertThat(step.getLong("accepted")).isEqualTo(3); // "" and "   " render as they are without a default

    // The service worker's receipts count into the step, once each.
    JsonObject receipt = new JsonObject().put("type", "notification.clicked").put("subscriptionId", id(named))
        .put("data", new JsonObject().put("automationId", withDefault).put("step", 1));
    for (int i = 0; i < 2; i++) {
      Reply r = server.api().postWithHeaders("/v1/sites/" + site.id() + "/events",
          Map.of("Origin", TestSite.ORIGIN, "Content-Type", "application/json"), receipt.encode());
      assertThat(r.status()).as(r.json().encode()).isEqualTo(202);
    }
    assertThat(stats(site, withDefault).getJsonArray("steps").getJsonObject(0).getLong("clicked")).isEqualTo(1);
    // A receipt for a step never sent, or for no subscription, counts nothing.
    Reply unsent = server.api().postWithHeaders("/v1/sites/" + site.id() + "/events", Map.of("Origin", TestSite.ORIGIN,
        "Content-Type", "application/json"), receipt.copy().put("data", new JsonObject().put("automationId", withDefault).put("step", 2)).encode());
    assertThat(unsent.errorField()).isEqualTo("data.step");
  }

  @Test
  void aDeletedAutomationsRunsEndAndSendNothing() {
    TestSite site = TestSite.create(server.api());
    String auto = automation(site, "browse_abandoned", "Still like {{ product.name }}?", new JsonObject());
    TestSubscriber looker = subscribe(site, new JsonObject());
    event(site, viewed(looker, "d1", "1", 10, true));
    assertThat(server.api().deleteWithToken("/v1/sites/" + site.id() + "/automations/" + auto, site.secretKey()).status()).isEqualTo(204);
    pass(site, Duration.ofMinutes(2));
    assertThat(titles(looker)).isEmpty();
    String run = RunStore.runId(auto, "browse:s:" + id(looker));
    assertThat(redis.send(Request.cmd(Command.HMGET).arg(Keys.run(site.id(), run)).arg("status").arg("reason")).toString())
        .isEqualTo("[ended, stopped]");
    assertThat(redis.send(Request.cmd(Command.EXISTS).arg(Keys.automation(site.id(), auto))).toLong()).as("no counters made again").isZero();
  }

  @Test
  void aTransactionalPushReachesEveryDeviceOfTheCustomerOnceAndAReplaySendsNothing() {
    TestSite site = TestSite.create(server.api());
    TestSubscriber phone = subscribe(site, new JsonObject().put("firstName", "Ada"));
    TestSubscriber laptop = subscribe(site, new JsonObject().put("firstName", "Ada"));
    TestSubscriber stranger = subscribe(site, new JsonObject());
    String customer = "tx-" + site.id().substring(0, 8);
    for (TestSubscriber s : List.of(phone, laptop)) {
      assertThat(server.api().patch("/v1/sites/" + site.id() + "/subscriptions/" + id(s), site.secretKey(),
          new JsonObject().put("customerId", customer)).status()).isEqualTo(200);
    }
    JsonObject body = new JsonObject().put("id", "ship-o-9").put("customerId", customer)
        .put("notification", new JsonObject().put("title", "{{ subscriber.attributes.firstName }}, order {{ order.orderId }} shipped")
            .put("url", "https://shop.example/orders/o-9"))
        .put("context", new JsonObject().put("order", new JsonObject().put("orderId", "o-9")));
    Reply sent = server.api().post("/v1/sites/" + site.id() + "/notifications", site.secretKey(), body);
    assertThat(sent.status()).as(sent.json().encode()).isEqualTo(202);
    assertThat(sent.json().getInteger("devices")).isEqualTo(2);
    // Due now: sent without moving the clock.
    Poll.until(() -> titles(phone).size() + titles(laptop).size(), n -> n == 2, Duration.ofSeconds(20), "both devices");
    Reply again = server.api().post("/v1/sites/" + site.id() + "/notifications", site.secretKey(), body);
    assertThat(again.json().getBoolean("duplicate")).isTrue();
    JsonObject outcome = Poll.until(() -> server.api().get("/v1/sites/" + site.id() + "/notifications/ship-o-9", site.secretKey()).json(),
        j -> "sent".equals(j.getString("status")), Duration.ofSeconds(20), "the push to end");
    assertThat(outcome.getJsonArray("devices").stream().map(d -> ((JsonObject) d).getString("outcome"))).containsOnly("accepted");
    pass(site, Duration.ofMinutes(5));
    assertThat(titles(phone)).containsExactly("Ada, order o-9 shipped");
    assertThat(titles(laptop)).containsExactly("Ada, order o-9 shipped");
    assertThat(titles(stranger)).isEmpty();
    JsonObject payload = new JsonObject(push.receivedFor(phone.token()).get(0).plaintext());
    assertThat(payload.getString("notificationId")).isEqualTo("ship-o-9");

    Reply missingRoot = server.api().post("/v1/sites/" + site.id() + "/notifications", site.secretKey(), new JsonObject()
        .put("subscriptionId", id(stranger)).put("notification", new JsonObject().put("title", "{{ order.orderId }}")));
    assertThat(missingRoot.errorField()).isEqualTo("notification");
    Reply both = server.api().post("/v1/sites/" + site.id() + "/notifications", site.secretKey(), body.copy().put("subscriptionId", id(phone)));
    assertThat(both.errorField()).isEqualTo("subscriptionId");
    assertThat(server.api().get("/v1/sites/" + site.id() + "/notifications/nope-nope", site.secretKey()).status()).isEqualTo(404);
  }
}
