package io.pushcart.campaign;

import io.pushcart.redis.Keys;
import io.pushcart.redis.LuaScript;
import io.vertx.core.Future;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Campaigns in Redis: a hash each (definition, status, stats) and the site's campaign index. */
public final class CampaignStore {
  /** The consumer group of the site's work stream that delivery workers read in. */
  public static final String WORK_GROUP = "delivery";
  private static final LuaScript CREATE = LuaScript.load("create_campaign");

  private final Redis redis;

  public CampaignStore(Redis redis) {
    this.redis = redis;
  }

  /** Stores the campaign with status sending and enqueues its fan-out. */
  public Future<Void> createAndStart(Campaign c, AudiencePlan plan) {
    List<String> fields = new ArrayList<>(List.of(
        "id", c.id(), "name", c.name(), "kind", c.kind().wire,
        "audience", Json.encode(c.audience().toJson()),
        "notification", c.notification().toJson().encode(), "payload", c.payload(),
        "ttl", String.valueOf(c.ttl()), "urgency", c.urgency().headerValue(),
        "drivers", plan.driversJson(), "status", CampaignStatus.SENDING.wire(),
        "createdAt", c.createdAt().toString(), "scanDone", "0"));
    c.topic().ifPresent(t -> fields.addAll(List.of("topic", t)));
    CampaignStats.FIELDS.forEach(f -> fields.addAll(List.of(f, "0")));
    List<String> args = new ArrayList<>(List.of(c.id(), String.valueOf(c.createdAt().toEpochMilli()), WORK_GROUP));
    args.addAll(fields);
    // The global work-site set is written first: should we stop between the two, a site is
    // polled that has no work, which is harmless; the reverse would strand the campaign.
    return redis.send(Request.cmd(Command.SADD).arg(Keys.WORK_SITES).arg(c.siteId()))
        .compose(v -> CREATE.run(redis, List.of(Keys.campaign(c.siteId(), c.id()),
            Keys.site(c.siteId(), Keys.Part.CAMPAIGNS), Keys.site(c.siteId(), Keys.Part.WORK)), args))
        .mapEmpty();
  }

  /** The campaign's stored fields, or empty when there is no such campaign. */
  public Future<Optional<StoredCampaign>> find(String siteId, String campaignId) {
    return redis.send(Request.cmd(Command.HGETALL).arg(Keys.campaign(siteId, campaignId)))
        .map(hash -> hash == null || !hash.containsKey("id") ? Optional.empty() : Optional.of(StoredCampaign.of(hash)));
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

  /** Sizes of tag sets, to pick the smallest as the scan driver. */
  public Future<List<Long>> tagCardinalities(String siteId, List<String> tags) {
    List<Request> requests = tags.stream().map(t -> Request.cmd(Command.SCARD).arg(Keys.tag(siteId, t))).toList();
    return redis.batch(requests).map(rs -> rs.stream().map(Response::toLong).toList());
  }
}
