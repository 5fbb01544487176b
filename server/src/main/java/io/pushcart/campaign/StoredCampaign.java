package io.pushcart.campaign;

import io.pushcart.engagement.AbDecision;
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
    Optional<JsonArray> variantsJson,
    Optional<JsonObject> abTestJson,
    Optional<JsonObject> abResult,
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
    java.util.Map<String, Long> counters = counters(h); // every stat: counter, read once for the totals, revenue and variants
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
        opt(h, "variants").map(JsonArray::new),
        opt(h, "abTest").map(JsonObject::new),
        opt(h, "abResult").map(JsonObject::new),
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
            num(h, "stat:held"), num(h, "stat:delivered"), num(h, "stat:clicked"), num(h, "stat:closed"), suppressed(h),
            num(h, "stat:conversions"), CampaignStats.revenue(counters, "stat:"), variantStats(counters, opt(h, "variants").map(JsonArray::new))));
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

  /** {@code stat:v:<name>:<stat>} counters by variant, every variant listed (0 where none counted yet). */
  private static java.util.Map<String, JsonObject> variantStats(java.util.Map<String, Long> h, Optional<JsonArray> variants) {
    java.util.Map<String, JsonObject> out = new java.util.LinkedHashMap<>();
    variants.ifPresent(list -> list.forEach(v -> {
      JsonObject counters = new JsonObject();
      String name = ((JsonObject) v).getString("name");
      CampaignStats.VARIANT_STATS.forEach(stat -> counters.put(stat, h.getOrDefault("stat:v:" + name + ":" + stat, 0L)));
      out.put(name, counters.put("revenue", CampaignStats.revenue(h, "stat:v:" + name + ":")));
    }));
    return out;
  }

  /** The hash's numeric counters ({@code stat:...}) by field. */
  private static java.util.Map<String, Long> counters(Response h) {
    java.util.Map<String, Long> out = new java.util.HashMap<>();
    for (String key : h.getKeys()) {
      if (key.startsWith("stat:")) {
        out.put(key, h.get(key).toLong());
      }
    }
    return out;
  }

  /** The audience, for evaluation at send time. */
  public Audience audience() {
    return Audience.parse(audienceJson);
  }

  /** The variants with their payloads (empty for a campaign without), for sending. */
  public Optional<Variants> variants(String siteId) {
    return variantsJson.isEmpty() ? Optional.empty() : CampaignRequest.variants(siteId, id, definition());
  }

  /** The variant an A/B test chose for the rest of the audience, once decided. */
  public Optional<String> sentToRest() {
    return abResult.map(r -> r.getString("sentToRest"));
  }

  /**
   * An A/B test's decision from the variants' counters now (engagement.AbDecision's method): the
   * JSON kept as {@code abResult} — {@code winner} (null when none), {@code sentToRest},
   * {@code decidedAt} and the evidence.
   */
  public JsonObject decideAbTest(Instant now) {
    String metric = abTestJson.orElseThrow().getString("metric", "clicked");
    String events = metric.equals("converted") ? "conversions" : "clicked";
    List<AbDecision.Arm> arms = stats.variants().entrySet().stream()
        .map(e -> new AbDecision.Arm(e.getKey(), e.getValue().getLong("accepted"), e.getValue().getLong(events))).toList();
    AbDecision.Result r = AbDecision.decide(arms, metric);
    return new JsonObject().put("winner", r.winner().orElse(null)).put("sentToRest", r.sentToRest())
        .put("decidedAt", now.toString()).mergeIn(r.evidence());
  }

  /** The definition as it was given (what a PATCH applies to). */
  JsonObject definition() {
    JsonObject json = new JsonObject().put("name", name).put("kind", kind).put("audience", audienceJson)
        .put("ttl", ttl).put("urgency", urgency);
    if (variantsJson.isPresent()) {
      json.put("variants", variantsJson.get().copy());
      abTestJson.ifPresent(t -> json.put("abTest", t.copy()));
    } else {
      json.put("notification", notification);
    }
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
    abResult.ifPresent(r -> json.put("winner", r.getValue("winner")).put("abResult", r.copy()));
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
