package io.pushcart.subscription;

import io.pushcart.common.ClientError;
import io.pushcart.common.Tags;
import io.pushcart.common.Unavailable;
import io.pushcart.redis.Keys;
import io.pushcart.redis.LuaScript;
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

/** Subscriptions in Redis: a hash each, the site's set of ids, and a set per tag (docs/redis-keys.md). */
public final class SubscriptionStore {
  private static final LuaScript SAVE = LuaScript.load("save_subscription");
  private static final LuaScript DELETE = LuaScript.load("delete_subscription");

  /** Reads of a subscription before giving up on one that keeps changing under us. */
  private static final int MAX_READS = 5;

  private final Redis redis;

  public SubscriptionStore(Redis redis) {
    this.redis = redis;
  }

  /** Creates or refreshes, with the browser it came from; true when the endpoint was already known. */
  public Future<Boolean> upsert(String siteId, Subscription s, Device device, Instant now) {
    return save(siteId, s.id(), List.of(s.endpoint(), s.p256dh(), s.auth(), device.browser(), device.os(), device.deviceType()),
        s.tags(), List.of(), s.attributes(), now).map(r -> r == 1L);
  }

  /** Adds and removes tags and merges attributes; false when there is no such subscription. */
  public Future<Boolean> update(String siteId, String id, List<String> addTags, List<String> removeTags,
                                JsonObject attributes, Instant now) {
    return save(siteId, id, List.of("", "", "", "", "", ""), addTags, removeTags, attributes, now).map(r -> r != 0L);
  }

  /**
   * save_subscription.lua; {@code keys} is endpoint, p256dh, auth, browser, os, device type (all
   * empty for a change). The subscriber's country is derived from the attributes as they will be
   * stored (the stored ones with the new merged in). The
   * script is given every tag and zone set it may touch: the zone ones follow from the stored
   * zone, read first, and a concurrent change of it makes the script ask for a new read.
   */
  private Future<Long> save(String siteId, String id, List<String> keys, List<String> addTags, List<String> removeTags,
                            JsonObject attributes, Instant now) {
    return save(siteId, id, keys, addTags, removeTags, attributes, now, 0);
  }

  private Future<Long> save(String siteId, String id, List<String> keys, List<String> addTags, List<String> removeTags,
                            JsonObject attributes, Instant now, int reads) {
    return redis.send(Request.cmd(Command.HGET).arg(Keys.subscription(siteId, id)).arg("attributes")).compose(stored -> {
      // The zone it is in now (null: no subscription yet), and the one it will be in.
      String oldZone = stored == null ? null : zoneOf(stored.toString());
      Object given = attributes.getValue("timezone");
      String newZone = given instanceof String z ? z : oldZone == null ? "" : oldZone;
      Set<String> touched = new LinkedHashSet<>();
      addTags.forEach(t -> touched.add(Keys.tag(siteId, t)));
      removeTags.forEach(t -> touched.add(Keys.tag(siteId, t)));
      if (oldZone != null) {
        touched.add(Keys.zone(siteId, oldZone));
      }
      touched.add(Keys.zone(siteId, newZone));
      List<String> scriptKeys = new ArrayList<>(List.of(Keys.subscription(siteId, id), Keys.site(siteId, Keys.Part.SUBSCRIPTIONS),
          Keys.site(siteId, Keys.Part.SUBSCRIPTIONS_ADDED)));
      scriptKeys.addAll(touched);
      JsonObject merged = (stored == null ? new JsonObject() : new JsonObject(stored.toString())).mergeIn(attributes);
      List<String> args = new ArrayList<>(List.of(id));
      args.addAll(keys.subList(0, 3));
      args.addAll(List.of(now.toString(), new JsonArray(addTags).encode(), new JsonArray(removeTags).encode(),
          attributes.encode(), Keys.tagPrefix(siteId), Keys.zonePrefix(siteId), String.valueOf(Tags.MAX_PER_SUBSCRIPTION),
          oldZone == null ? "none" : "=" + oldZone));
      args.addAll(keys.subList(3, 6));
      args.add(Countries.of(merged).orElse(""));
      return SAVE.run(redis, scriptKeys, args);
    }).compose(r -> {
      if (r.toLong() == -2 && reads < MAX_READS) {
        return save(siteId, id, keys, addTags, removeTags, attributes, now, reads + 1);
      }
      if (r.toLong() == -1) {
        return Future.failedFuture(ClientError.invalid("tags", "a subscription may carry at most " + Tags.MAX_PER_SUBSCRIPTION + " tags"));
      }
      if (r.toLong() < 0) {
        return Future.failedFuture(new Unavailable("the subscription kept changing while it was being saved", null));
      }
      return Future.succeededFuture(r.toLong());
    });
  }

  /** The time zone in stored attributes JSON ('' when none). */
  private static String zoneOf(String attributesJson) {
    Object zone = new JsonObject(attributesJson).getValue("timezone");
    return zone instanceof String z ? z : "";
  }

  /** Deletes the subscription if it still has this endpoint (any endpoint when empty); true when it did. */
  public Future<Boolean> deleteIfEndpoint(String siteId, String subscriptionId, String endpoint) {
    return deleteIfEndpoint(siteId, subscriptionId, endpoint, 0);
  }

  /** Reads its tags and zone first: the script is given the sets it removes the id from. */
  private Future<Boolean> deleteIfEndpoint(String siteId, String subscriptionId, String endpoint, int reads) {
    String key = Keys.subscription(siteId, subscriptionId);
    return redis.send(Request.cmd(Command.HMGET).arg(key).arg("endpoint").arg("tags").arg("attributes")).compose(stored -> {
      if (stored.get(0) == null || (!endpoint.isEmpty() && !endpoint.equals(stored.get(0).toString()))) {
        return Future.succeededFuture(false);
      }
      String tags = stored.get(1) == null ? "" : stored.get(1).toString();
      String attributes = stored.get(2) == null ? "" : stored.get(2).toString();
      List<String> keys = new ArrayList<>(List.of(key, Keys.site(siteId, Keys.Part.SUBSCRIPTIONS)));
      if (!tags.isEmpty()) {
        new JsonArray(tags).forEach(t -> keys.add(Keys.tag(siteId, String.valueOf(t))));
      }
      keys.add(Keys.zone(siteId, attributes.isEmpty() ? "" : zoneOf(attributes)));
      return DELETE.run(redis, keys, List.of(subscriptionId, endpoint, tags, attributes)).compose(r -> r.toLong() == -2
          ? reads < MAX_READS ? deleteIfEndpoint(siteId, subscriptionId, endpoint, reads + 1)
              : Future.failedFuture(new Unavailable("the subscription kept changing while it was being deleted", null))
          : Future.succeededFuture(r.toLong() == 1L));
    });
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
          for (String field : List.of("browser", "os", "deviceType", "country", "lastDeliveredAt", "lastClickedAt")) {
            if (h.containsKey(field)) {
              json.put(field, h.get(field).toString());
            }
          }
          JsonObject attributes = json.getJsonObject("attributes");
          for (String field : List.of("locale", "timezone")) {
            if (attributes.getValue(field) instanceof String value) {
              json.put(field, value);
            }
          }
          return Optional.of(json);
        });
  }

  public Future<Boolean> exists(String siteId, String subscriptionId) {
    return redis.send(Request.cmd(Command.EXISTS)
        .arg(Keys.subscription(siteId, subscriptionId))).map(Response::toLong).map(n -> n == 1L);
  }
}
