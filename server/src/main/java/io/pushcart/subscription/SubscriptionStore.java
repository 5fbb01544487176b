package io.pushcart.subscription;

import io.pushcart.common.ClientError;
import io.pushcart.common.Tags;
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
import java.util.List;
import java.util.Optional;

/** Subscriptions in Redis: a hash each, the site's set of ids, and a set per tag (docs/redis-keys.md). */
public final class SubscriptionStore {
  private static final LuaScript SAVE = LuaScript.load("save_subscription");
  private static final LuaScript DELETE = LuaScript.load("delete_subscription");

  private final Redis redis;

  public SubscriptionStore(Redis redis) {
    this.redis = redis;
  }

  /** Creates or refreshes; true when the endpoint was already known. */
  public Future<Boolean> upsert(String siteId, Subscription s, Instant now) {
    return save(siteId, s.id(), List.of(s.endpoint(), s.p256dh(), s.auth()), s.tags(), List.of(), s.attributes(), now)
        .map(r -> r == 1L);
  }

  /** Adds and removes tags and merges attributes; false when there is no such subscription. */
  public Future<Boolean> update(String siteId, String id, List<String> addTags, List<String> removeTags,
                                JsonObject attributes, Instant now) {
    return save(siteId, id, List.of("", "", ""), addTags, removeTags, attributes, now).map(r -> r != 0L);
  }

  /** save_subscription.lua; {@code keys} is endpoint, p256dh, auth (empty for a change). */
  private Future<Long> save(String siteId, String id, List<String> keys, List<String> addTags, List<String> removeTags,
                            JsonObject attributes, Instant now) {
    List<String> args = new ArrayList<>(List.of(id));
    args.addAll(keys);
    args.addAll(List.of(now.toString(), new JsonArray(addTags).encode(), new JsonArray(removeTags).encode(),
        attributes.encode(), Keys.tagPrefix(siteId), Keys.zonePrefix(siteId), String.valueOf(Tags.MAX_PER_SUBSCRIPTION)));
    return SAVE.run(redis, List.of(Keys.subscription(siteId, id), Keys.site(siteId, Keys.Part.SUBSCRIPTIONS)), args)
        .map(r -> {
          if (r.toLong() < 0) {
            throw ClientError.invalid("tags", "a subscription may carry at most " + Tags.MAX_PER_SUBSCRIPTION + " tags");
          }
          return r.toLong();
        });
  }

  /** Deletes the subscription if it still has this endpoint (any endpoint when empty); true when it did. */
  public Future<Boolean> deleteIfEndpoint(String siteId, String subscriptionId, String endpoint) {
    return DELETE.run(redis,
        List.of(Keys.subscription(siteId, subscriptionId), Keys.site(siteId, Keys.Part.SUBSCRIPTIONS)),
        List.of(subscriptionId, Keys.tagPrefix(siteId), Keys.zonePrefix(siteId), endpoint))
        .map(r -> r.toLong() == 1L);
  }

  /** The subscription as stored (without its keys), or empty. */
  public Future<Optional<JsonObject>> find(String siteId, String subscriptionId) {
    return redis.send(Request.cmd(Command.HGETALL)
        .arg(Keys.subscription(siteId, subscriptionId))).map(h -> {
          if (h == null || !h.containsKey("endpoint")) {
            return Optional.empty();
          }
          return Optional.of(new JsonObject().put("id", subscriptionId)
              .put("endpoint", h.get("endpoint").toString())
              .put("tags", new JsonArray(h.get("tags").toString()))
              .put("attributes", new JsonObject(h.get("attributes").toString()))
              .put("createdAt", h.get("createdAt").toString())
              .put("lastSeen", h.get("lastSeen").toString()));
        });
  }

  public Future<Boolean> exists(String siteId, String subscriptionId) {
    return redis.send(Request.cmd(Command.EXISTS)
        .arg(Keys.subscription(siteId, subscriptionId))).map(Response::toLong).map(n -> n == 1L);
  }
}
