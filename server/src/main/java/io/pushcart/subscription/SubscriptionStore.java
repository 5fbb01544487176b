package io.pushcart.subscription;

import io.pushcart.common.ClientError;
import io.pushcart.common.Tags;
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
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Subscriptions in Redis: a hash each, the site's set of ids, and the audience bitmaps (docs/redis-keys.md). */
public final class SubscriptionStore {
  private static final LuaScript SAVE = LuaScript.load("save_subscription");
  private static final LuaScript DELETE = LuaScript.load("delete_subscription");

  private final Redis redis;

  public SubscriptionStore(Redis redis) {
    this.redis = redis;
  }

  /** Creates or refreshes, with the browser it came from; true when the endpoint was already known. */
  public Future<Boolean> upsert(String siteId, Subscription s, Device device, Instant now) {
    return upsert(siteId, s, device, now, null, "");
  }

  /**
   * As {@link #upsert(String, Subscription, Device, Instant)}; a new one is refused (403) when the site holds {@code maxSubscriptions} already (null: no limit).
   */
  public Future<Boolean> upsert(String siteId, Subscription s, Device device, Instant now, Long maxSubscriptions,
                                 String vapidKey) {
    return save(siteId, s.id(), List.of(s.endpoint(), s.p256dh(), s.auth(), device.browser(), device.os(), device.deviceType(),
        vapidKey), s.tags(), List.of(), s.attributes(), now, maxSubscriptions).map(r -> r == 1L);
  }

  /** Adds and removes tags and merges attributes; false when there is no such subscription. */
  public Future<Boolean> update(String siteId, String id, List<String> addTags, List<String> removeTags,
                                JsonObject attributes, Instant now) {
    return save(siteId, id, List.of("", "", "", "", "", "", ""), addTags, removeTags, attributes, now, null).map(r -> r != 0L);
  }

  /**
   * save_subscription.lua; {@code keys} is endpoint, p256dh, auth, browser, os, device type, the
   * VAPID public key it was made with (all empty for a change; the key may be empty). The subscriber's country is derived from the attributes as they will be
   * stored (the stored ones with the new merged in), so those are read first. The script is given
   * the bitmaps the change most likely touches and names any other it needs (DeclaredKeys).
   */
  private Future<Long> save(String siteId, String id, List<String> keys, List<String> addTags, List<String> removeTags,
                            JsonObject attributes, Instant now, Long maxSubscriptions) {
    return redis.send(Request.cmd(Command.HGET).arg(Keys.subscription(siteId, id)).arg("attributes")).compose(stored -> {
      JsonObject merged = (stored == null ? new JsonObject() : new JsonObject(stored.toString())).mergeIn(attributes);
      String country = Countries.of(merged).orElse("");
      Set<String> guessed = new LinkedHashSet<>();
      guessed.add(Bitmaps.all(siteId));
      addTags.forEach(t -> guessed.add(Bitmaps.tag(siteId, t)));
      removeTags.forEach(t -> guessed.add(Bitmaps.tag(siteId, t)));
      List<String> device = keys.subList(3, 6);
      List<String> deviceFields = List.of("browser", "os", "deviceType");
      for (int i = 0; i < 3; i++) {
        if (!device.get(i).isEmpty()) {
          guessed.add(Bitmaps.value(siteId, deviceFields.get(i), device.get(i)));
          guessed.add(Bitmaps.has(siteId, deviceFields.get(i)));
        }
      }
      if (!country.isEmpty()) {
        guessed.add(Bitmaps.value(siteId, "country", country));
        guessed.add(Bitmaps.has(siteId, "country"));
      }
      if (merged.getValue("timezone") instanceof String zone) {
        guessed.add(Bitmaps.zone(siteId, zone));
      }
      merged.forEach(e -> guessed.addAll(Bitmaps.attribute(siteId, e.getKey(), e.getValue())));
      guessed.addAll(Bitmaps.time(siteId, "lastSeenAt"));
      if (stored == null) {
        guessed.addAll(Bitmaps.time(siteId, "subscribedAt"));
      }
      List<String> args = new ArrayList<>(List.of(id));
      args.addAll(keys.subList(0, 3));
      args.addAll(List.of(now.toString(), new JsonArray(addTags).encode(), new JsonArray(removeTags).encode(),
          attributes.encode(), Keys.bitmapPrefix(siteId), String.valueOf(Tags.MAX_PER_SUBSCRIPTION)));
      args.addAll(device);
      args.add(country);
      args.add(Keys.customerPrefix(siteId));
      args.add(maxSubscriptions == null ? "" : String.valueOf(maxSubscriptions));
      args.add(keys.get(6));
      if (attributes.getValue("customerId") instanceof String customer) {
        guessed.add(Keys.customer(siteId, customer));
      }
      return DeclaredKeys.run(redis, SAVE, fixedKeys(siteId, id), guessed, args);
    }).compose(r -> {
      if (r.toLong() == -1) {
        return Future.failedFuture(ClientError.invalid("tags", "a subscription may carry at most " + Tags.MAX_PER_SUBSCRIPTION + " tags"));
      }
      if (r.toLong() == -3) {
        return Future.failedFuture(new ClientError(ClientError.Kind.FORBIDDEN, "subscription_quota_reached", "this site holds "
            + maxSubscriptions + " subscriptions, its most (maxSubscriptions): no new one is accepted until some are removed"
            + " or the site's owner raises it", null));
      }
      return Future.succeededFuture(r.toLong());
    });
  }

  /**
   * The keys every write of a subscription declares: its hash, the site's id set, ordinal
   * counter, free list, id table and registry of indexed attributes.
   */
  private static List<String> fixedKeys(String siteId, String id) {
    return List.of(Keys.subscription(siteId, id), Keys.site(siteId, Keys.Part.SUBSCRIPTIONS),
        Keys.site(siteId, Keys.Part.ORDINAL_SEQ), Keys.site(siteId, Keys.Part.ORDINALS_FREE), Keys.site(siteId, Keys.Part.IDS),
        Keys.site(siteId, Keys.Part.ATTRIBUTE_INDEX));
  }

  /**
   * Deletes the subscription, and its every index entry, if it still has this endpoint (any
   * endpoint when empty); true when it did.
   */
  public Future<Boolean> deleteIfEndpoint(String siteId, String subscriptionId, String endpoint) {
    List<String> guessed = new ArrayList<>(List.of(Bitmaps.all(siteId)));
    return DeclaredKeys.run(redis, DELETE, fixedKeys(siteId, subscriptionId), guessed,
        List.of(subscriptionId, endpoint, Keys.bitmapPrefix(siteId), Keys.customerPrefix(siteId))).map(r -> r.toLong() == 1L);
  }

  /** The subscription as stored (without its keys), or empty. */
  public Future<Optional<JsonObject>> find(String siteId, String subscriptionId) {
    return redis.send(Request.cmd(Command.HGETALL)
        .arg(Keys.subscription(siteId, subscriptionId))).map(h -> {
          if (h == null || !h.containsKey("endpoint")) {
            return Optional.empty();
          }
          JsonObject json = new JsonObject().put("id", subscriptionId)
              .put("endpoint", h.get("endpoint").toString())
              .put("tags", new JsonArray(h.get("tags").toString()))
              .put("attributes", new JsonObject(h.get("attributes").toString()))
              .put("subscribedAt", h.get("createdAt").toString())
              .put("lastSeenAt", h.get("lastSeen").toString())
              // The names of the first version, kept for existing callers.
              .put("createdAt", h.get("createdAt").toString())
              .put("lastSeen", h.get("lastSeen").toString());
          // MARKETING.md §1: derived fields, present once known (registrations before they were kept have none).
          for (String field : List.of("browser", "os", "deviceType", "country", "lastDeliveredAt", "lastClickedAt",
              "lastCartAt", "lastOrderAt", "lastViewedProductAt", "vapidKey")) {
            if (h.containsKey(field)) {
              json.put(field, h.get(field).toString());
            }
          }
          json.put("orderCount", h.containsKey("orderCount") ? h.get("orderCount").toLong() : 0L);
          JsonObject attributes = json.getJsonObject("attributes");
          for (String field : List.of("locale", "timezone")) {
            if (attributes.getValue(field) instanceof String value) {
              json.put(field, value);
            }
          }
          return Optional.of(json);
        });
  }

  /** The subscription as rules and templates read it, or empty when there is none. */
  public Future<Optional<StoredSubscriber>> subscriber(String siteId, String subscriptionId) {
    Request read = Request.cmd(Command.HMGET).arg(Keys.subscription(siteId, subscriptionId));
    StoredSubscriber.FIELDS.forEach(read::arg);
    return redis.send(read).map(r -> {
      List<String> values = new java.util.ArrayList<>();
      r.forEach(v -> values.add(v == null ? null : v.toString()));
      return Optional.ofNullable(StoredSubscriber.of(values));
    });
  }

  public Future<Boolean> exists(String siteId, String subscriptionId) {
    return redis.send(Request.cmd(Command.EXISTS)
        .arg(Keys.subscription(siteId, subscriptionId))).map(Response::toLong).map(n -> n == 1L);
  }
}
