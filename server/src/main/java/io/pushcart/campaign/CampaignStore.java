package io.pushcart.campaign;

import io.pushcart.engagement.Exemptions;
import io.pushcart.redis.Keys;
import io.pushcart.redis.LuaScript;
import io.pushcart.redis.Scored;
import io.vertx.core.Future;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Campaigns in Redis: a hash each (definition, status, stats), the site's campaign index, and
 * the site's schedule of waves not yet due (docs/redis-keys.md).
 */
public final class CampaignStore {
  /** The consumer group of the site's work stream that delivery workers read in. */
  public static final String WORK_GROUP = "delivery";
  private static final LuaScript CREATE = LuaScript.load("create_campaign");
  private static final LuaScript RESCHEDULE = LuaScript.load("reschedule_campaign");
  private static final LuaScript CANCEL = LuaScript.load("cancel_campaign");
  /** The definition fields a rewrite may drop (given at creation, cleared by a PATCH). */
  private static final List<String> OPTIONAL_FIELDS = List.of("topic", "sendAt", "localTime", "expiresAt", "expiresAtMs",
      "ignoreCap", "ignoreQuietHours", "variants", "abTest");

  private final Redis redis;
  private final WorkIndex workIndex;

  public CampaignStore(Redis redis, WorkIndex workIndex) {
    this.redis = redis;
    this.workIndex = workIndex;
  }

  /**
   * Stores the campaign: sending (its first scan unit enqueued) when {@code now}, else scheduled
   * (its waves in the site's schedule).
   */
  public Future<Void> create(Campaign c, List<Wave> waves, boolean now) {
    List<String> fields = definitionFields(c, waves);
    fields.addAll(List.of("status", (now ? CampaignStatus.SENDING : CampaignStatus.SCHEDULED).wire(),
        "createdAt", c.createdAt().toString(), "scanDone", "0", "wavesLeft", String.valueOf(waves.size())));
    if (now) {
      fields.addAll(List.of("startedAt", c.createdAt().toString()));
    }
    CampaignStats.FIELDS.forEach(f -> fields.addAll(List.of(f, "0")));
    List<String> args = new ArrayList<>(List.of(c.id(), String.valueOf(c.createdAt().toEpochMilli()), WORK_GROUP));
    args.add(now ? "1" : "0");
    args.addAll(dueTimes(now ? waves.subList(1, waves.size()) : waves));
    args.addAll(fields);
    // The global active-site index is written first: should we stop between the two, a site is
    // polled that has no work, which is harmless; the reverse would strand the campaign.
    return workIndex.siteGetsWork(c.siteId(), c.createdAt().toEpochMilli())
        .compose(v -> CREATE.run(redis, List.of(Keys.campaign(c.siteId(), c.id()),
            Keys.site(c.siteId(), Keys.Part.CAMPAIGNS), Keys.site(c.siteId(), Keys.Part.WORK),
            Keys.site(c.siteId(), Keys.Part.SCHEDULE)), args))
        .mapEmpty();
  }

  /**
   * Replaces a scheduled campaign's definition and waves; the status that prevented it when it was
   * no longer scheduled (empty string: the campaign is gone).
   */
  public Future<Optional<String>> reschedule(Campaign c, List<Wave> waves) {
    List<String> fields = definitionFields(c, waves);
    fields.addAll(List.of("wavesLeft", String.valueOf(waves.size())));
    List<String> args = new ArrayList<>(List.of(c.id()));
    args.addAll(dueTimes(waves));
    List<String> given = IntStream.range(0, fields.size() / 2).mapToObj(i -> fields.get(2 * i)).toList();
    List<String> cleared = OPTIONAL_FIELDS.stream().filter(f -> !given.contains(f)).toList();
    args.add(String.valueOf(cleared.size()));
    args.addAll(cleared);
    args.addAll(fields);
    return RESCHEDULE.run(redis, List.of(Keys.campaign(c.siteId(), c.id()), Keys.site(c.siteId(), Keys.Part.SCHEDULE)), args)
        .map(r -> "ok".equals(r.toString()) ? Optional.empty() : Optional.of(r.toString()));
  }

  /** Cancels a scheduled or sending campaign; otherwise the status that prevented it ('' when gone). */
  public Future<Optional<String>> cancel(String siteId, String campaignId, Instant now) {
    return CANCEL.run(redis, List.of(Keys.campaign(siteId, campaignId), Keys.site(siteId, Keys.Part.SCHEDULE),
            Keys.site(siteId, Keys.Part.FINISHED)), List.of(campaignId, now.toString()))
        .map(r -> "ok".equals(r.toString()) ? Optional.empty() : Optional.of(r.toString()));
  }

  private static List<String> definitionFields(Campaign c, List<Wave> waves) {
    List<String> fields = new ArrayList<>(List.of(
        "id", c.id(), "name", c.name(), "kind", c.kind().wire,
        "audience", Json.encode(c.audience().toJson()),
        "notification", c.notification().toJson().encode(), "payload", c.payload(),
        "ttl", String.valueOf(c.ttl()), "urgency", c.urgency().headerValue(),
        "waves", Wave.encode(waves)));
    c.topic().ifPresent(t -> fields.addAll(List.of("topic", t)));
    Timing t = c.timing();
    t.sendAt().ifPresent(at -> fields.addAll(List.of("sendAt", at.toString())));
    t.localTime().ifPresent(time -> fields.addAll(List.of("localTime", t.localDate().map(d -> d + "T").orElse("") + time)));
    t.expiresAt().ifPresent(at -> fields.addAll(List.of("expiresAt", at.toString(), "expiresAtMs", String.valueOf(at.toEpochMilli()))));
    c.exemptions().putJson(new JsonObject(), Exemptions.NONE).forEach(e -> fields.addAll(List.of(e.getKey(), e.getValue().toString())));
    c.variants().ifPresent(v -> {
      JsonObject json = new JsonObject();
      v.putJson(json);
      json.forEach(e -> fields.addAll(List.of(e.getKey(), Json.encode(e.getValue()))));
    });
    return fields;
  }

  /**
   * Keeps an A/B test's decision, unless one was kept before (the first stands); the one kept.
   * Written before the rest's first send unit exists.
   */
  public Future<JsonObject> keepAbResult(String siteId, String campaignId, JsonObject result) {
    String key = Keys.campaign(siteId, campaignId);
    return redis.send(Request.cmd(Command.HSETNX).arg(key).arg("abResult").arg(result.encode()))
        .compose(set -> set.toInteger() == 1 ? Future.succeededFuture(result)
            : redis.send(Request.cmd(Command.HGET).arg(key).arg("abResult")).map(r -> new JsonObject(r.toString())));
  }

  /** The waves' count, then their due epoch millis (create_campaign.lua, reschedule_campaign.lua). */
  private static List<String> dueTimes(List<Wave> waves) {
    List<String> out = new ArrayList<>(List.of(String.valueOf(waves.size())));
    waves.forEach(w -> out.add(String.valueOf(w.at().toEpochMilli())));
    return out;
  }

  /** The campaign's stored fields, or empty when there is no such campaign. */
  public Future<Optional<StoredCampaign>> find(String siteId, String campaignId) {
    return redis.send(Request.cmd(Command.HGETALL).arg(Keys.campaign(siteId, campaignId)))
        .map(CampaignStore::parse);
  }

  /**
   * Up to {@code count} of the site's campaigns, newest first, starting {@code skip} entries into
   * those created at or before {@code beforeMillis}; each with its creation epoch millis.
   */
  public Future<List<Listed>> page(String siteId, long beforeMillis, long skip, int count) {
    Request range = Request.cmd(Command.ZRANGE).arg(Keys.site(siteId, Keys.Part.CAMPAIGNS)).arg(beforeMillis).arg("-inf")
        .arg("BYSCORE").arg("REV").arg("LIMIT").arg(skip).arg(count).arg("WITHSCORES");
    return redis.send(range).compose(r -> {
      List<Scored> listed = Scored.parse(r);
      if (listed.isEmpty()) {
        return Future.succeededFuture(List.<Listed>of());
      }
      List<Request> reads = listed.stream().map(e -> Request.cmd(Command.HGETALL).arg(Keys.campaign(siteId, e.member()))).toList();
      return redis.batch(reads).map(hashes -> {
        List<Listed> out = new ArrayList<>();
        for (int i = 0; i < listed.size(); i++) {
          out.add(new Listed(listed.get(i).score(), parse(hashes.get(i))));
        }
        return out;
      });
    });
  }

  /** An entry of the site's campaign index: its creation time, and the campaign (empty if gone). */
  public record Listed(long createdMillis, Optional<StoredCampaign> campaign) {
  }

  private static Optional<StoredCampaign> parse(Response hash) {
    return hash == null || !hash.containsKey("id") ? Optional.empty() : Optional.of(StoredCampaign.of(hash));
  }

  /** Why messages of this campaign failed: reason (status and the push service's words) → count. */
  public Future<JsonObject> failureReasons(String siteId, String campaignId) {
    return redis.send(Request.cmd(Command.HGETALL).arg(Keys.campaignFailures(siteId, campaignId))).map(hash -> {
      JsonObject reasons = new JsonObject();
      if (hash != null) {
        for (String reason : hash.getKeys()) {
          reasons.put(reason, hash.get(reason).toLong());
        }
      }
      return reasons;
    });
  }
}
