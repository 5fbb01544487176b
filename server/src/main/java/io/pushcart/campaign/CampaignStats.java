package io.pushcart.campaign;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A campaign's counters. {@code targeted}: messages the audience called for; then each ends as
 * {@code accepted} (the push service took it), {@code failed} (refused, or retries ran out),
 * {@code expired} (the subscription is gone: 404/410, and it was deleted) or {@code lapsed} (not
 * sent because the campaign's {@code expiresAt} came first, or its local time had passed in the
 * subscriber's zone). {@code retried} counts retry attempts; {@code deferred}, messages held back
 * while their push service asked us to back off; {@code held}, times a message waited for quiet
 * hours to end (or, in an automation step, for room under a frequency cap). {@code delivered}, {@code clicked} and
 * {@code closed} come from service-worker receipts, once per subscriber. {@code suppressed}: messages
 * not sent, by reason — a personalized one that lacked a value ({@code missingData}) or was too
 * large ({@code tooLarge}), one over a frequency cap ({@code capped}) or one that would expire
 * while quiet hours held it ({@code quietHours}); each also ends its subscriber's part of the campaign.
 * {@code conversions} and {@code revenue} (by currency): orders attributed to the campaign's
 * messages (engagement.Attribution), refunds subtracted. {@code variants}: for a campaign with
 * variants, each one's own counters ({@link #VARIANT_STATS}, conversions and revenue).
 */
public record CampaignStats(long targeted, long accepted, long failed, long expired, long lapsed, long retried,
                            long deferred, long held, long delivered, long clicked, long closed, java.util.Map<String, Long> suppressed,
                            long conversions, JsonObject revenue, java.util.Map<String, JsonObject> variants) {
  /** The counters kept per variant ({@code stat:v:<name>:<stat>}), shown under {@code variants.<name>}. */
  public static final List<String> VARIANT_STATS = List.of("accepted", "failed", "expired", "lapsed", "suppressed",
      "delivered", "clicked", "closed", "conversions");

  /** {@code <prefix>revenue:<currency>} counters (minor units) as {currency: amount}. */
  public static JsonObject revenue(java.util.Map<String, Long> counters, String prefix) {
    JsonObject out = new JsonObject();
    counters.forEach((k, v) -> {
      if (k.startsWith(prefix + "revenue:")) {
        String currency = k.substring((prefix + "revenue:").length());
        out.put(currency, io.pushcart.engagement.Attribution.amount(v, currency));
      }
    });
    return out;
  }

  /** The hash fields, in the order of the record's components. */
  public static final List<String> FIELDS = List.of(
      "stat:targeted", "stat:accepted", "stat:failed", "stat:expired", "stat:lapsed", "stat:retried", "stat:deferred",
      "stat:held", "stat:delivered", "stat:clicked", "stat:closed");

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("targeted", targeted).put("accepted", accepted).put("failed", failed)
        .put("expired", expired).put("lapsed", lapsed).put("retried", retried).put("deferred", deferred)
        .put("held", held)
        .put("delivered", delivered).put("clicked", clicked).put("closed", closed)
        .put("suppressed", new JsonObject(new java.util.LinkedHashMap<>(suppressed)))
        .put("conversions", conversions).put("revenue", revenue);
    if (!variants.isEmpty()) {
      JsonObject byName = new JsonObject();
      variants.forEach(byName::put);
      json.put("variants", byName);
    }
    return json;
  }
}
