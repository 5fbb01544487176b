package io.pushcart.event;

import io.pushcart.automation.AutomationRuns;
import io.pushcart.automation.InFlight;
import io.pushcart.automation.RunStore;
import io.pushcart.common.Unavailable;
import io.pushcart.engagement.Report;
import io.pushcart.redis.DeclaredKeys;
import io.pushcart.redis.Keys;
import io.pushcart.redis.LuaScript;
import io.pushcart.segment.Bitmaps;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Response;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Events in Redis: receipts counted into campaign stats; commerce events stamped on the
 * subscribers they concern and appended to the site's event stream (capped at about
 * {@link #STREAM_MAX} entries: the newest are kept).
 */
public final class EventStore {
  /** The stream keeps about this many recent events per site; the automations read it as it grows. */
  static final int STREAM_MAX = 100_000;
  private static final LuaScript RECEIPT = LuaScript.load("record_receipt");
  private static final LuaScript RECORD = LuaScript.load("record_events");
  /** How long an event id (or an order id) is remembered: "at least 24 hours" (MARKETING.md §4). */
  static final long ID_MEMORY_SECONDS = 48 * 3600;
  /**
   * Commerce facts are stored in UTC with milliseconds always, so that record_events.lua can keep
   * the newest by comparing the text.
   */
  static final DateTimeFormatter FACT_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final Redis redis;

  public EventStore(Redis redis) {
    this.redis = redis;
  }

  /**
   * 1 counted (and a delivery or click stamped on the subscription), 0 a repeat, -1 no such
   * campaign, -2 the campaign did not target the subscription.
   */
  public Future<Long> recordReceipt(String siteId, ZoneId zone, String campaignId, String stat, String subscriptionId, Instant now) {
    return recordReceipt(siteId, zone, Keys.campaign(siteId, campaignId), Keys.campaignReceipts(siteId, campaignId),
        Keys.campaignProgress(siteId, campaignId), subscriptionId, "stat:", "c:" + campaignId, "", stat, subscriptionId, now);
  }

  /**
   * The same for a step of an automation: 1 counted, 0 a repeat, -1 no such automation, -2 that
   * step was never sent or the subscription does not exist. With the run the message belonged to
   * ({@link RunStore#runReference}, as its payload named it), it counts once per run and
   * subscription, kept in the run (a shopper's second cart counts again), and only if that run's
   * step was sent to the subscription; without it, once per step and subscription.
   */
  public Future<Long> recordStepReceipt(String siteId, ZoneId zone, String automationId, int step, String variant,
                                        Optional<String> run, String stat, String subscriptionId, Instant now) {
    String automation = Keys.automation(siteId, automationId);
    String prefix = "step:" + step + ":";
    if (run.isPresent()) {
      int dot = run.get().lastIndexOf('.');
      String hash = Keys.run(siteId, run.get().substring(0, dot));
      String state = run.get().substring(dot + 1) + "." + step + ":" + subscriptionId;
      return recordReceipt(siteId, zone, automation, hash, hash, state, prefix, "a:" + automationId, variant, stat, subscriptionId, now);
    }
    return recordReceipt(siteId, zone, automation, automation + ":receipts", automation, prefix + "sent", prefix,
        "a:" + automationId, variant, stat, subscriptionId, now);
  }

  /** The same for a transactional push, whose counters and receipts are in its run: 1 counted, 0 a repeat, -1 no such push, -2 not sent to it. */
  public Future<Long> recordRunReceipt(String siteId, ZoneId zone, String runId, String stat, String subscriptionId, Instant now) {
    String run = Keys.run(siteId, runId);
    return recordReceipt(siteId, zone, run, run, run, "1.1:" + subscriptionId, "step:1:", "t", "", stat, subscriptionId, now);
  }

  private Future<Long> recordReceipt(String siteId, ZoneId zone, String counters, String receipts, String progress, String sentField,
                                     String prefix, String source, String variant, String stat, String subscriptionId, Instant now) {
    List<String> guessed = switch (stat) {
      case "delivered" -> Bitmaps.time(siteId, "lastDeliveredAt");
      case "clicked" -> Bitmaps.time(siteId, "lastClickedAt");
      default -> List.of();
    };
    return DeclaredKeys.run(redis, RECEIPT, List.of(counters, receipts, progress, Keys.subscription(siteId, subscriptionId),
            Report.key(siteId, zone, now)), guessed,
        List.of(stat, subscriptionId, now.toString(), Keys.bitmapPrefix(siteId), prefix, sentField, source, variant))
        .map(Response::toLong);
  }

  /**
   * An event to record: the subscriptions it concerns (resolved by the caller; {@code named}: it
   * names its one subscription, which must exist), its data (JSON text), its idempotency key, and
   * what it does to runs.
   */
  public record Record(EventType type, List<String> subscriptions, boolean named, String customerId, Instant occurredAt,
                       String data, Optional<String> key, AutomationRuns.RunChanges runs) {
  }

  /**
   * What recording a batch did: per event "recorded", "duplicate" (its key was seen before) or
   * "unknown_subscription" (nothing done), and for a recorded order its subscriptions' last clicks
   * (their 'lastClick', '' for none; empty for other events: what engagement.Attribution needs); the
   * messages the runs it ended had in flight, and for each the index of the event that ended its run.
   */
  public record Recorded(List<String> outcomes, List<List<String>> clicks, List<InFlight> inFlight, List<Integer> inFlightOf) {
  }

  /** A batch of at most this many events is recorded in one call, so that one call stays short. */
  static final int MAX_PER_CALL = 100;
  /**
   * How many calls in a row may stop for keys they were not given without recording an event
   * before the store gives up (DeclaredKeys' bound): each event of a batch may need some (a repeat
   * customer's order meets the runs that shopper had before).
   */
  private static final int MAX_TRIES = 5;

  /**
   * Records commerce events in order, each in full before the next (record_events.lua): what it
   * ends among runs, once per key its facts on each subscription it concerns with their bitmaps
   * and the event in the stream, then the runs it starts. One script call for a batch, run again
   * from where it stopped when an event needs keys it was not given (the runs an order ends, a
   * bitmap it moves).
   */
  public Future<Recorded> record(String siteId, List<Record> records, Instant now) {
    if (records.size() > MAX_PER_CALL) {
      throw new IllegalArgumentException("at most " + MAX_PER_CALL + " events a call");
    }
    Set<String> keys = new LinkedHashSet<>(List.of(Keys.site(siteId, Keys.Part.EVENTS), Keys.site(siteId, Keys.Part.RUN_DUE)));
    List<String> args = new ArrayList<>(List.of(now.toString(), String.valueOf(now.toEpochMilli()), Keys.bitmapPrefix(siteId),
        String.valueOf(STREAM_MAX), String.valueOf(ID_MEMORY_SECONDS), String.valueOf(RunStore.INDEX_SECONDS), Keys.runPrefix(siteId),
        Keys.automationPrefix(siteId)));
    List<JsonObject> events = new ArrayList<>(records.size());
    Set<String> facts = new HashSet<>();
    for (Record r : records) {
      events.add(spec(siteId, r, args, keys));
      r.type().fact().ifPresent(facts::add);
      if (r.type() == EventType.ORDER_COMPLETED) {
        facts.add("orderCount");
      }
    }
    // The bitmaps a fact's stamp touches, guessed up front.
    for (String fact : facts) {
      keys.addAll(fact.equals("orderCount") ? Bitmaps.builtinNumber(siteId, fact) : Bitmaps.time(siteId, fact));
    }
    return record(events, 0, keys, args, new Recorded(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>()), 1);
  }

  private Future<Recorded> record(List<JsonObject> events, int from, Set<String> keys, List<String> shared, Recorded done, int attempt) {
    List<String> args = new ArrayList<>(shared.size() + 1);
    args.add(new JsonArray(events.subList(from, events.size())).encode());
    args.addAll(shared);
    return RECORD.run(redis, new ArrayList<>(keys), args).compose(reply -> {
      String outcomes = reply.get(0).toString();
      for (int i = 0; i < outcomes.length(); i++) {
        char c = outcomes.charAt(i);
        done.outcomes().add(c == 'r' ? "recorded" : c == 'd' ? "duplicate" : "unknown_subscription");
        done.clicks().add(reply.get(1).get(i).stream().map(Response::toString).toList());
      }
      int inFlight = reply.get(2).toInteger();
      for (int i = 3; i < 3 + 6 * inFlight; i += 6) {
        done.inFlight().add(new InFlight(reply.get(i + 1).toString(), reply.get(i + 2).toString(), reply.get(i + 3).toInteger(),
            reply.get(i + 4).toString(), reply.get(i + 5).toString()));
        done.inFlightOf().add(from + reply.get(i).toInteger() - 1);
      }
      int next = from + outcomes.length();
      if (next == events.size()) {
        return Future.succeededFuture(done);
      }
      int before = keys.size();
      for (int i = 3 + 6 * inFlight; i < reply.size(); i++) {
        keys.add(reply.get(i).toString());
      }
      if (keys.size() == before || (next == from && attempt >= MAX_TRIES)) {
        return Future.failedFuture(new Unavailable("the subscriptions or runs kept changing while the events were being recorded", null));
      }
      return record(events, next, keys, shared, done, next == from ? attempt + 1 : 1);
    });
  }

  /** Adds {@code value} to a script's arguments; its index there as Lua counts (ARGV[1] is the events' JSON). */
  private static int argument(List<String> args, String value) {
    args.add(value);
    return 1 + args.size();
  }

  /**
   * One event as record_events.lua reads it. Its data and the data of each run it enters are
   * arguments of their own, added to {@code args} (after the events' JSON, ARGV[1]) and named by
   * their index: no JSON inside the events' JSON, to be escaped here and parsed again in Redis.
   * The keys it names are added to {@code keys}.
   */
  private static JsonObject spec(String siteId, Record r, List<String> args, Set<String> keys) {
    List<String> subKeys = r.subscriptions().stream().map(id -> Keys.subscription(siteId, id)).toList();
    String marker = r.key().map(k -> Keys.eventKey(siteId, k)).orElse("");
    keys.addAll(subKeys);
    if (!marker.isEmpty()) {
      keys.add(marker);
    }
    keys.addAll(r.runs().keys());
    JsonObject spec = new JsonObject().put("type", r.type().wire).put("subs", new JsonArray(r.subscriptions()).encode())
        .put("first", r.subscriptions().isEmpty() ? "" : r.subscriptions().get(0)).put("subKeys", new JsonArray(subKeys))
        .put("known", r.named() ? "1" : "").put("customer", r.customerId()).put("at", FACT_TIME.format(r.occurredAt()))
        .put("data", argument(args, r.data())).put("id", r.key().orElse("")).put("marker", marker)
        .put("fact", r.type().fact().orElse("")).put("counts", r.type() == EventType.ORDER_COMPLETED ? "1" : "")
        .put("enters", r.runs().enters());
    for (int i = 0; i < r.runs().enters().size(); i++) {
      JsonObject entry = r.runs().enters().getJsonObject(i);
      entry.put("data", argument(args, entry.getString("data")));
    }
    if (r.runs().exit() != null) {
      spec.put("exit", r.runs().exit());
    }
    return spec;
  }
}
