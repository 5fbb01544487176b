package io.pushcart.event;

import io.pushcart.common.ClientError;
import io.pushcart.common.Ids;
import io.pushcart.common.JsonFields;
import io.pushcart.site.Identity;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;

/**
 * One event of {@code POST /events} checked (MARKETING.md §3), and whom it concerns: who may send
 * its type, the one subscription or customer it names, its time, its data per type.
 * {@code json} is its {@code data} as JSON text, encoded once; {@code path} where a reply about
 * it points ({@code events[3].} in a batch).
 */
record CheckedEvent(Optional<String> id, EventType type, Optional<String> subscriptionId, Optional<String> customerId,
                    Instant occurredAt, JsonObject data, String json, String path) {
  static final int MAX_DATA_BYTES = 32 * 1024;
  /** How far ahead of our clock an occurredAt may be (a store's clock may run a little fast). */
  static final Duration MAX_AHEAD = Duration.ofMinutes(5);
  private static final Set<String> FIELDS = Set.of("id", "type", "subscriptionId", "customerId", "occurredAt", "data");

  /** Checks {@code json}, an event a store's backend ({@code withSecret}) or a browser sent; a ClientError says what to fix. */
  static CheckedEvent parse(JsonObject json, String prefix, boolean withSecret, Instant now) {
    for (String key : json.fieldNames()) {
      if (!FIELDS.contains(key)) {
        throw ClientError.invalid(prefix + key, "an event has " + String.join(", ", FIELDS.stream().sorted().toList())
            + "; unknown field " + prefix + key);
      }
    }
    JsonFields f = JsonFields.at(json, prefix);
    EventType type = EventType.parse(f.requiredString("type", 64), prefix + "type");
    Optional<String> id = f.optionalString("id", 64);
    Optional<String> subscription = f.optionalString("subscriptionId", 64);
    Optional<String> customer = json.containsKey("customerId")
        ? Optional.of(Identity.customerId(json.getValue("customerId"), prefix + "customerId")) : Optional.empty();
    if (!withSecret && type.sender != EventType.Sender.BROWSER_OR_SECRET) {
      throw ClientError.forbidden(type.wire + " comes from the store's backend: send it with the secret key");
    }
    if (!withSecret && customer.isPresent()) {
      throw ClientError.forbidden("a browser sends events for its own subscription (subscriptionId), not for a customer");
    }
    if (type.sender == EventType.Sender.SECRET_NO_SUBSCRIBER) {
      if (subscription.isPresent() || customer.isPresent()) {
        throw ClientError.invalid(prefix + "type", type.wire + " is about the catalogue: send it without subscriptionId or customerId");
      }
    } else if (subscription.isPresent() == customer.isPresent()) {
      throw ClientError.invalid(prefix + "subscriptionId", "an event names exactly one of subscriptionId and customerId");
    } else if (type.receiptStat().isPresent() && subscription.isEmpty()) {
      throw ClientError.invalid(prefix + "subscriptionId", "a receipt names the subscriptionId that received the notification");
    }
    subscription.filter(s -> !Ids.looksLikeId(s)).ifPresent(s -> {
      throw ClientError.invalid(prefix + "subscriptionId", prefix + "subscriptionId is not a subscription id");
    });
    Instant occurredAt = f.optionalString("occurredAt", 64).map(t -> time(t, prefix + "occurredAt")).orElse(now);
    if (occurredAt.isAfter(now.plus(MAX_AHEAD))) {
      throw ClientError.invalid(prefix + "occurredAt", prefix + "occurredAt is in the future: send when the event happened");
    }
    JsonObject data = f.optionalObject("data").map(JsonFields::json).orElseGet(JsonObject::new);
    String encoded = data.encode();
    if (encoded.getBytes(StandardCharsets.UTF_8).length > MAX_DATA_BYTES) {
      throw ClientError.invalid(prefix + "data", prefix + "data is larger than " + MAX_DATA_BYTES + " bytes");
    }
    EventData.check(type, data, prefix + "data");
    return new CheckedEvent(id, type, subscription, customer, occurredAt, data, encoded, prefix);
  }

  private static Instant time(String text, String path) {
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw ClientError.invalid(path, path + " must be an RFC 3339 time such as 2026-11-29T10:15:00Z");
    }
  }
}
