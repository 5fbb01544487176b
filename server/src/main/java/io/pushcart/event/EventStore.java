package io.pushcart.event;

import io.pushcart.engagement.Report;
import io.pushcart.redis.DeclaredKeys;
import io.pushcart.redis.Keys;
import io.pushcart.redis.LuaScript;
import io.pushcart.segment.Bitmaps;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Events in Redis: receipts counted into campaign stats; commerce events stamped on the
 * subscribers they concern and appended to the site's event stream (capped at about
 * {@link #STREAM_MAX} entries: the newest are kept).
 */
public final class EventStore {
  /** The stream keeps about this many recent events per site; the automations read it as it grows. */
  static final int STREAM_MAX = 100_000;
  private static final LuaScript RECEIPT = LuaScript.load("record_receipt");
  private static final LuaScript RECORD = LuaScript.load("record_event");
  /** How long an event id (or an order id) is remembered: "at least 24 hours" (MARKETING.md §4). */
  static final long ID_MEMORY_SECONDS = 48 * 3600;
  /**
   * Commerce facts are stored in UTC with milliseconds always, so that record_event.lua can keep
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
   * step was never sent or the subscription does not exist.
   */
  public Future<Long> recordStepReceipt(String siteId, ZoneId zone, String automationId, int step, String variant, String stat,
                                        String subscriptionId, Instant now) {
    String automation = Keys.automation(siteId, automationId);
    return recordReceipt(siteId, zone, automation, automation + ":receipts", automation, "step:" + step + ":sent", "step:" + step + ":",
        "a:" + automationId, variant, stat, subscriptionId, now);
  }

  /** The same for a transactional push, whose counters are in its run: 1 counted, 0 a repeat, -1 no such push, -2 not sent to it. */
  public Future<Long> recordRunReceipt(String siteId, ZoneId zone, String runId, String stat, String subscriptionId, Instant now) {
    String run = Keys.run(siteId, runId);
    // The receipts set lives as long as an ended run is kept (lib.lua's RUN_KEEP_SECONDS).
    return recordReceipt(siteId, zone, run, run + ":receipts", run, "1.1:" + subscriptionId, "step:1:", "t", "", stat, subscriptionId, now).compose(n -> n != 1 ? Future.succeededFuture(n)
        : redis.send(Request.cmd(Command.EXPIRE).arg(run + ":receipts").arg(30L * 24 * 3600)).map(n));
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

  /** An event to record, with the subscriptions it concerns (resolved by the caller) and its idempotency key. */
  public record Record(EventType type, List<String> subscriptions, String customerId, Instant occurredAt, JsonObject data,
                       Optional<String> key, Instant now) {
  }

  /**
   * Records a commerce event (record_event.lua): its facts on each subscription it concerns,
   * their bitmaps, and the event in the stream; false when its key was seen before (nothing done).
   */
  public Future<Boolean> record(String siteId, Record r) {
    String stream = Keys.site(siteId, Keys.Part.EVENTS);
    List<String> keys = new ArrayList<>(List.of(stream, r.key().map(k -> Keys.eventKey(siteId, k)).orElse(stream)));
    r.subscriptions().forEach(id -> keys.add(Keys.subscription(siteId, id)));
    List<String> guessed = new ArrayList<>();
    r.type().fact().ifPresent(fact -> guessed.addAll(Bitmaps.time(siteId, fact)));
    boolean counts = r.type() == EventType.ORDER_COMPLETED;
    if (counts) {
      guessed.addAll(Bitmaps.builtinNumber(siteId, "orderCount"));
    }
    List<String> args = List.of(r.type().wire, new JsonArray(r.subscriptions()).encode(), r.customerId(),
        FACT_TIME.format(r.occurredAt()), r.data().encode(), Keys.bitmapPrefix(siteId), r.key().orElse(""),
        String.valueOf(STREAM_MAX), String.valueOf(r.subscriptions().size()), r.type().fact().orElse(""), counts ? "1" : "",
        r.now().toString(), String.valueOf(ID_MEMORY_SECONDS));
    return DeclaredKeys.run(redis, RECORD, keys, guessed, args).map(reply -> reply.toLong() == 1);
  }
}
