package io.pushcart.campaign;

import io.pushcart.engagement.Exemptions;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Response;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

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
    Optional<Instant> sendAt,
    Optional<String> localTime,
    Optional<Instant> expiresAt,
    Exemptions exemptions,
    List<Wave> waves,
    List<Optional<String>> wavesFiredAt,
    CampaignStatus status,
    Optional<String> statusReason,
    String createdAt,
    Optional<String> startedAt,
    Optional<String> completedAt,
    Optional<String> cancelledAt,
    long parkedUnits,
    Optional<String> parkedReason,
    Optional<String> detailsDeletedAt,
    CampaignStats stats) {

  static StoredCampaign of(Response h) {
    List<Wave> waves = Wave.decode(str(h, "waves"));
    return new StoredCampaign(
        str(h, "id"), str(h, "name"), str(h, "kind"),
        Json.decodeValue(str(h, "audience")),
        new JsonObject(str(h, "notification")),
        str(h, "payload"),
        Integer.parseInt(str(h, "ttl")),
        str(h, "urgency"),
        opt(h, "topic"),
        opt(h, "sendAt").map(Instant::parse),
        opt(h, "localTime"),
        opt(h, "expiresAt").map(Instant::parse),
        new Exemptions("true".equals(str(h, "ignoreCap")), "true".equals(str(h, "ignoreQuietHours"))),
        waves,
        IntStream.range(0, waves.size()).mapToObj(i -> opt(h, "wave:" + i + ":firedAt")).toList(),
        CampaignStatus.fromWire(str(h, "status")),
        opt(h, "statusReason"),
        str(h, "createdAt"),
        opt(h, "startedAt"),
        opt(h, "completedAt"),
        opt(h, "cancelledAt"),
        num(h, "parkedUnits"),
        opt(h, "parkedReason"),
        opt(h, "detailsDeletedAt"),
        new CampaignStats(num(h, "stat:targeted"), num(h, "stat:accepted"), num(h, "stat:failed"),
            num(h, "stat:expired"), num(h, "stat:lapsed"), num(h, "stat:retried"), num(h, "stat:deferred"),
            num(h, "stat:held"), num(h, "stat:delivered"), num(h, "stat:clicked"), num(h, "stat:closed"), suppressed(h)));
  }

  /** {@code stat:suppressed:<reason>} counters: messages not sent, by reason (missingData, tooLarge). */
  private static java.util.Map<String, Long> suppressed(Response h) {
    java.util.Map<String, Long> out = new java.util.TreeMap<>();
    for (String key : h.getKeys()) {
      if (key.startsWith("stat:suppressed:")) {
        out.put(key.substring("stat:suppressed:".length()), h.get(key).toLong());
      }
    }
    return out;
  }

  /** The audience, for evaluation at send time. */
  public Audience audience() {
    return Audience.parse(audienceJson);
  }

  /** The definition as it was given (what a PATCH applies to). */
  JsonObject definition() {
    JsonObject json = new JsonObject().put("name", name).put("kind", kind).put("audience", audienceJson)
        .put("notification", notification).put("ttl", ttl).put("urgency", urgency);
    topic.ifPresent(t -> json.put("topic", t));
    sendAt.ifPresent(t -> json.put("sendAt", t.toString()));
    localTime.ifPresent(t -> json.put("localTime", t));
    expiresAt.ifPresent(t -> json.put("expiresAt", t.toString()));
    return exemptions.putJson(json, Exemptions.NONE);
  }

  public JsonObject toJson() {
    JsonObject json = definition().put("id", id).put("status", status.wire()).put("createdAt", createdAt);
    statusReason.ifPresent(r -> json.put("statusReason", r));
    startedAt.ifPresent(t -> json.put("startedAt", t));
    completedAt.ifPresent(t -> json.put("completedAt", t));
    cancelledAt.ifPresent(t -> json.put("cancelledAt", t));
    // Past PUSHCART_RETENTION_DAYS: per-subscriber progress, receipts and failure reasons are gone.
    detailsDeletedAt.ifPresent(t -> json.put("detailsDeletedAt", t));
    if (parkedUnits > 0) {
      // Work that failed on every try: the campaign cannot complete until someone looks.
      json.put("parked", new JsonObject().put("units", parkedUnits).put("reason", parkedReason.orElse("")));
    }
    if (localTime.isPresent()) {
      // Which instants the zones fall into, and which have been reached: stats grow wave by wave.
      JsonArray list = new JsonArray();
      for (int i = 0; i < waves.size(); i++) {
        Wave w = waves.get(i);
        JsonObject wave = new JsonObject().put("at", w.at().toString()).put("zones", w.zones().size());
        if (w.late()) {
          wave.put("late", true);
        }
        wavesFiredAt.get(i).ifPresent(t -> wave.put("firedAt", t));
        list.add(wave);
      }
      json.put("waves", list);
    }
    return json.put("stats", stats.toJson());
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
