package io.pushcart.segment;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.common.Ids;
import io.pushcart.redis.EmbeddedRedis;
import io.pushcart.redis.Keys;
import io.pushcart.subscription.Device;
import io.pushcart.subscription.StoredSubscriber;
import io.pushcart.subscription.Subscription;
import io.pushcart.subscription.SubscriptionStore;
import io.pushcart.support.RunningPushcart;
import io.pushcart.support.TempDirs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The audience bitmaps and audience.lua against the rule itself: for hundreds of random rules
 * over every node type and operator, on subscribers written by the real subscription scripts,
 * the count and the pages equal the subscribers {@link Rule#matches} accepts when it reads each
 * one's stored fields. Times sit on both sides of every boundary hour, so the bit-sliced time
 * indexes are checked to the hour and the members they leave unsure to the millisecond.
 */
class AudienceReaderTest {
  private static final String SITE = "readertest";
  private static final Instant NOW = Instant.parse("2026-11-29T12:34:56.789Z");
  private static final List<String> TAGS = List.of("shoes", "bags", "gold", "sale", "optout");
  private static final List<Device> DEVICES = List.of(new Device("chrome", "android", "mobile"),
      new Device("safari", "ios", "mobile"), new Device("firefox", "windows", "desktop"), new Device("edge", "windows", "desktop"),
      new Device("samsung", "android", "tablet"), new Device("safari", "macos", "desktop"));
  private static final List<String> ZONES = List.of("Asia/Kolkata", "Europe/Berlin", "America/New_York", "");
  private static final List<String> TIERS = List.of("gold", "silver", "bronze");
  private static final int SUBSCRIBERS = 600;

  private static EmbeddedRedis redis;
  private static Vertx vertx;
  private static Redis client;
  private static AudienceReader reader;
  /** id → what a rule reads of it, as stored. */
  private static final Map<String, StoredSubscriber> stored = new LinkedHashMap<>();

  @BeforeAll
  static void register() throws Exception {
    redis = EmbeddedRedis.start(TempDirs.create("reader"), RunningPushcart.freePort(), List.of());
    vertx = Vertx.vertx();
    client = Redis.createClient(vertx, redis.url());
    reader = new AudienceReader(client);
    SubscriptionStore store = new SubscriptionStore(client);
    Random random = new Random(42);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < SUBSCRIBERS; i++) {
      String endpoint = "https://push.example.net/reader/" + i;
      List<String> tags = new ArrayList<>();
      TAGS.forEach(t -> {
        if (random.nextInt(3) == 0) {
          tags.add(t);
        }
      });
      JsonObject attributes = new JsonObject();
      String zone = ZONES.get(random.nextInt(ZONES.size()));
      if (!zone.isEmpty()) {
        attributes.put("timezone", zone);
      }
      if (random.nextInt(4) > 0) {
        attributes.put("tier", TIERS.get(random.nextInt(TIERS.size())));
      }
      if (random.nextBoolean()) {
        attributes.put("ltv", random.nextInt(1000) / 2.0);
      }
      if (random.nextInt(3) == 0) {
        attributes.put("vip", random.nextBoolean());
      }
      if (random.nextBoolean()) {
        attributes.put("birthday", NOW.minus(Duration.ofDays(random.nextInt(20_000))).toString());
      }
      Subscription s = new Subscription(Ids.derived(endpoint), endpoint, "k", "a", tags, attributes);
      // Subscribed some minutes to 60 days ago, seen since: times on both sides of every hour.
      Instant subscribed = NOW.minus(Duration.ofMinutes(random.nextInt(60 * 24 * 60)));
      await(store.upsert(SITE, s, DEVICES.get(random.nextInt(DEVICES.size())), subscribed));
      if (random.nextBoolean()) {
        Instant seen = subscribed.plus(Duration.ofMinutes(random.nextInt((int) Duration.between(subscribed, NOW).toMinutes() + 1)));
        await(store.update(SITE, s.id(), List.of(), List.of(), new JsonObject(), seen));
      }
      ids.add(s.id());
    }
    // Some change: tags added and removed, attributes (tier, ltv, time zone) changed or added.
    for (int i = 0; i < 120; i++) {
      String id = ids.get(random.nextInt(ids.size()));
      JsonObject change = new JsonObject().put("tier", TIERS.get(random.nextInt(TIERS.size())));
      if (random.nextBoolean()) {
        change.put("ltv", random.nextInt(1000) / 2.0);
      }
      if (random.nextInt(3) == 0) {
        change.put("timezone", ZONES.get(random.nextInt(ZONES.size() - 1)));
      }
      await(store.update(SITE, id, List.of(TAGS.get(random.nextInt(TAGS.size()))), List.of(TAGS.get(random.nextInt(TAGS.size()))),
          change, NOW.minus(Duration.ofMinutes(random.nextInt(60 * 24 * 10)))));
    }
    // Commerce facts from events: carts and orders at times on both sides of every hour, in
    // batches of 25 (one script call each, its bits written at its end; a subscription may be
    // stamped twice in one).
    io.pushcart.event.EventStore events = new io.pushcart.event.EventStore(client);
    List<io.pushcart.event.EventStore.Record> batch = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      String id = ids.get(random.nextInt(ids.size() / 4));
      boolean order = random.nextBoolean();
      Instant at = NOW.minus(Duration.ofMinutes(random.nextInt(60 * 24 * 60)));
      batch.add(new io.pushcart.event.EventStore.Record(order ? io.pushcart.event.EventType.ORDER_COMPLETED
          : io.pushcart.event.EventType.CART_UPDATED, List.of(id), true, "", at, "{}", java.util.Optional.of("e" + i),
          io.pushcart.automation.AutomationRuns.RunChanges.none()));
      if (batch.size() == 25) {
        await(events.record(SITE, List.copyOf(batch), NOW));
        batch.clear();
      }
    }
    // Some leave: their ordinals are freed and reused by the next ones.
    for (int i = 0; i < 40; i++) {
      String id = ids.remove(random.nextInt(ids.size()));
      assertThat(await(store.deleteIfEndpoint(SITE, id, ""))).isTrue();
    }
    for (int i = 0; i < 30; i++) {
      String endpoint = "https://push.example.net/reader/late/" + i;
      Subscription s = new Subscription(Ids.derived(endpoint), endpoint, "k", "a", List.of("shoes"), new JsonObject().put("tier", "gold"));
      await(store.upsert(SITE, s, DEVICES.get(0), NOW.minus(Duration.ofMinutes(i * 7L))));
      ids.add(s.id());
    }
    for (String id : ids) {
      Request r = Request.cmd(Command.HMGET).arg(Keys.subscription(SITE, id));
      StoredSubscriber.FIELDS.forEach(r::arg);
      Response values = await(client.send(r));
      List<String> v = new ArrayList<>();
      values.forEach(x -> v.add(x == null ? null : x.toString()));
      stored.put(id, StoredSubscriber.of(v));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    await(vertx.close());
    redis.close();
  }

  @Test
  void randomRulesCountAndPageExactlyTheirMembers() throws Exception {
    Random random = new Random(7);
    int exact = 0;
    for (int i = 0; i < 300; i++) {
      JsonObject json = node(random, 1);
      Rule rule = RuleParser.parse(json, "rule");
      check(rule, json.encode(), null);
      if (AudienceProgram.compile(SITE, rule, NOW, null).exact()) {
        exact++;
      }
    }
    assertThat(exact).as("rules answered by the bitmaps alone").isGreaterThan(50);
  }

  @Test
  void everyOperatorOnItsOwn() throws Exception {
    List<String> leaves = new ArrayList<>();
    for (String op : List.of("eq", "ne", "in", "nin", "exists", "notExists")) {
      for (String field : List.of("browser", "os", "deviceType", "country", "timezone")) {
        leaves.add(leafJson(new Random(op.hashCode()), field, op).encode());
      }
    }
    for (String op : List.of("eq", "ne", "in", "nin", "exists", "notExists", "startsWith", "contains")) {
      leaves.add(leafJson(new Random(op.hashCode()), "attributes.tier", op).encode());
      leaves.add(leafJson(new Random(op.hashCode()), "timezone", op).encode());
      leaves.add(leafJson(new Random(op.hashCode()), "locale", op).encode());
    }
    for (String op : List.of("gt", "gte", "lt", "lte", "eq", "ne", "in", "nin", "exists", "notExists")) {
      leaves.add(leafJson(new Random(op.hashCode()), "attributes.ltv", op).encode());
    }
    for (String op : List.of("withinLast", "notWithinLast", "before", "after", "gt", "gte", "lt", "lte", "eq", "ne", "exists",
        "notExists")) {
      for (String field : List.of("subscribedAt", "lastSeenAt", "lastClickedAt", "attributes.birthday")) {
        leaves.add(leafJson(new Random(op.hashCode() * 31 + field.hashCode()), field, op).encode());
      }
    }
    for (String leaf : leaves) {
      Rule rule = RuleParser.parse(new JsonObject(leaf), "rule");
      check(rule, leaf, null);
      check(new Rule.Not(rule), "not " + leaf, null);
    }
  }

  @Test
  void localTimeWavesKeepTheirZonesOnly() throws Exception {
    Rule rule = RuleParser.parse(new JsonObject("{\"any\": [{\"tag\": \"shoes\"}, {\"field\": \"attributes.ltv\", \"op\": \"gt\", \"value\": 200}]}"), "rule");
    check(rule, "any shoes, ltv", List.of("Asia/Kolkata", ""));
    check(new Rule.All(List.of()), "everyone", List.of("Europe/Berlin"));
  }

  private static void check(Rule rule, String what, List<String> zones) throws Exception {
    Set<String> expected = new HashSet<>();
    stored.forEach((id, s) -> {
      String zone = s.field(Field.Builtin.TIMEZONE) instanceof String z ? z : "";
      if (rule.matches(s, NOW) && (zones == null || zones.contains(zone))) {
        expected.add(id);
      }
    });
    assertThat(await(reader.count(SITE, rule, NOW, zones))).as("count of " + what).isEqualTo(expected.size());
    List<String> paged = new ArrayList<>();
    long from = 0;
    while (from >= 0) {
      AudienceReader.Page page = await(reader.page(SITE, rule, NOW, zones, from, 37));
      paged.addAll(page.ids());
      from = page.next();
    }
    assertThat(paged).as("pages of " + what).doesNotHaveDuplicates();
    assertThat(new HashSet<>(paged)).as("pages of " + what).isEqualTo(expected);
  }

  private static JsonObject node(Random random, int depth) {
    int kind = depth >= 4 ? 3 : random.nextInt(5);
    if (kind == 0 || kind == 1) {
      JsonArray children = new JsonArray();
      for (int i = random.nextInt(4); i >= 0; i--) {
        children.add(node(random, depth + 1));
      }
      return new JsonObject().put(kind == 0 ? "all" : "any", children);
    }
    if (kind == 2) {
      return new JsonObject().put("not", node(random, depth + 1));
    }
    if (random.nextInt(3) == 0) {
      return new JsonObject().put("tag", TAGS.get(random.nextInt(TAGS.size())));
    }
    List<String> fields = List.of("browser", "os", "deviceType", "country", "timezone", "subscribedAt", "lastSeenAt",
        "attributes.tier", "attributes.ltv", "attributes.vip", "attributes.birthday", "locale", "lastCartAt", "lastOrderAt",
        "orderCount");
    String field = fields.get(random.nextInt(fields.size()));
    List<String> ops = opsFor(field);
    return leafJson(random, field, ops.get(random.nextInt(ops.size())));
  }

  private static List<String> opsFor(String field) {
    return switch (field) {
      case "subscribedAt", "lastSeenAt", "attributes.birthday" -> List.of("withinLast", "notWithinLast", "before", "after",
          "gte", "lt", "eq", "ne", "exists", "notExists");
      case "lastCartAt", "lastOrderAt" -> List.of("withinLast", "notWithinLast", "before", "after", "gte", "lt", "exists",
          "notExists");
      case "attributes.ltv", "orderCount" -> List.of("gt", "gte", "lt", "lte", "eq", "ne", "in", "nin", "exists", "notExists");
      case "attributes.vip" -> List.of("eq", "ne", "exists", "notExists");
      case "browser", "os", "deviceType", "country" -> List.of("eq", "ne", "in", "nin", "exists", "notExists");
      default -> List.of("eq", "ne", "in", "nin", "exists", "notExists", "startsWith", "contains");
    };
  }

  private static final Map<String, List<String>> VALUES = new HashMap<>(Map.of(
      "browser", List.of("chrome", "safari", "firefox", "edge", "samsung", "opera"),
      "os", List.of("android", "ios", "windows", "macos", "linux"),
      "deviceType", List.of("mobile", "tablet", "desktop"),
      "country", List.of("IN", "DE", "US", "FR"),
      "timezone", List.of("Asia/Kolkata", "Europe/Berlin", "America/New_York", "Europe/Paris"),
      "attributes.tier", TIERS,
      "locale", List.of("en-US", "de-DE")));

  private static JsonObject leafJson(Random random, String field, String op) {
    JsonObject leaf = new JsonObject().put("field", field).put("op", op);
    boolean time = field.endsWith("At") || field.equals("attributes.birthday");
    Object value;
    if (op.equals("exists") || op.equals("notExists")) {
      return leaf;
    } else if (op.equals("withinLast") || op.equals("notWithinLast")) {
      value = List.of("PT30M", "PT5H", "PT5H30M", "P1D", "P2DT3H", "P7D", "P30D", "P90D").get(random.nextInt(8));
    } else if (time) {
      Instant at = NOW.minus(Duration.ofMinutes(random.nextInt(60 * 24 * 60)));
      value = random.nextBoolean() ? at.toString() : at.atOffset(java.time.ZoneOffset.ofHoursMinutes(5, 30)).toString();
      if (op.equals("in") || op.equals("nin")) {
        value = new JsonArray().add(value);
      }
    } else if (field.equals("orderCount")) {
      double v = random.nextInt(4);
      value = op.equals("in") || op.equals("nin") ? new JsonArray().add(v).add(2.0) : v;
    } else if (field.equals("attributes.ltv")) {
      double v = random.nextInt(1000) / 2.0;
      value = op.equals("in") || op.equals("nin") ? new JsonArray().add(v).add(250.0) : v;
    } else if (field.equals("attributes.vip")) {
      value = random.nextBoolean();
    } else {
      List<String> values = VALUES.get(field);
      String v = values.get(random.nextInt(values.size()));
      if (op.equals("startsWith") || op.equals("contains")) {
        v = v.substring(op.equals("startsWith") ? 0 : 1, Math.min(3, v.length()));
      }
      value = op.equals("in") || op.equals("nin") ? new JsonArray().add(v).add(values.get(random.nextInt(values.size()))) : v;
    }
    return leaf.put("value", value);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
