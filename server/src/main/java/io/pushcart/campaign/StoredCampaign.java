package io.pushcart.campaign;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Response;
import java.util.Optional;

/** A campaign as read back from its hash: definition, status and counters. */
public record StoredCampaign(
    String id,
    String name,
    String kind,
    Object audienceJson,
    JsonObject notification,
    String payload,
    int ttl,
    String urgency,
    Optional<String> topic,
    String driversJson,
    CampaignStatus status,
    String createdAt,
    Optional<String> completedAt,
    CampaignStats stats) {

  static StoredCampaign of(Response h) {
    return new StoredCampaign(
        str(h, "id"), str(h, "name"), str(h, "kind"),
        Json.decodeValue(str(h, "audience")),
        new JsonObject(str(h, "notification")),
        str(h, "payload"),
        Integer.parseInt(str(h, "ttl")),
        str(h, "urgency"),
        opt(h, "topic"),
        str(h, "drivers"),
        CampaignStatus.fromWire(str(h, "status")),
        str(h, "createdAt"),
        opt(h, "completedAt"),
        new CampaignStats(num(h, "stat:targeted"), num(h, "stat:accepted"), num(h, "stat:failed"),
            num(h, "stat:expired"), num(h, "stat:retried"), num(h, "stat:deferred"), num(h, "stat:delivered"),
            num(h, "stat:clicked"),
            num(h, "stat:closed")));
  }

  /** The audience, for evaluation at send time. */
  public AudiencePlan plan() {
    return new AudiencePlan(Audience.parse(audienceJson), AudiencePlan.parseDrivers(driversJson));
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("id", id).put("name", name).put("kind", kind)
        .put("audience", audienceJson).put("notification", notification).put("ttl", ttl).put("urgency", urgency)
        .put("status", status.wire()).put("createdAt", createdAt).put("stats", stats.toJson());
    topic.ifPresent(t -> json.put("topic", t));
    completedAt.ifPresent(t -> json.put("completedAt", t));
    return json;
  }

  private static String str(Response h, String field) {
    Response r = h.get(field);
    return r == null ? null : r.toString();
  }

  private static Optional<String> opt(Response h, String field) {
    return Optional.ofNullable(str(h, field));
  }

  private static long num(Response h, String field) {
    Response r = h.get(field);
    return r == null ? 0 : Long.parseLong(r.toString());
  }
}
