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
import java.util.List;
import java.util.Optional;

/** Subscriptions in Redis: a hash each, the site's set of ids, and a set per tag (docs/redis-keys.md). */
public final class SubscriptionStore {
  private static final LuaScript UPSERT = LuaScript.load("upsert_subscription");
  private static final LuaScript DELETE = LuaScript.load("delete_subscription");
  private static final LuaScript UPDATE = LuaScript.load("update_subscription");

  private final Redis redis;

  public SubscriptionStore(Redis redis) {
    this.redis = redis;
  }

  /** Creates or refreshes; true when the endpoint was already known. */
  public Future<Boolean> upsert(String siteId, Subscription s, Instant now) {
    return UPSERT.run(redis,
        List.of(Keys.subscription(siteId, s.id()), Keys.site(siteId, Keys.Part.SUBSCRIPTIONS)),
        List.of(s.id(), s.endpoint(), s.p256dh(), s.auth(), now.toString(), new JsonArray(s.tags()).encode(),
            s.attributes().encode(), Keys.tagPrefix(siteId), String.valueOf(Tags.MAX_PER_SUBSCRIPTION)))
        .map(r -> {
          if (r.toLong() < 0) {
            throw tooManyTags();
          }
          return r.toLong() == 1L;
        });
  }

  private static ClientError tooManyTags() {
    return ClientError.invalid("tags", "a subscription may carry at most " + Tags.MAX_PER_SUBSCRIPTION + " tags");
  }

  /** Adds and removes tags and merges attributes; false when there is no such subscription. */
  public Future<Boolean> update(String siteId, String id, List<String> addTags, List<String> removeTags,
                                JsonObject attributes, Instant now) {
    return UPDATE.run(redis, List.of(Keys.subscription(siteId, id)),
            List.of(id, new JsonArray(addTags).encode(), new JsonArray(removeTags).encode(), attributes.encode(),
                now.toString(), Keys.tagPrefix(siteId), String.valueOf(Tags.MAX_PER_SUBSCRIPTION)))
        .map(r -> {
          if (r.toLong() < 0) {
            throw tooManyTags();
          }
          return r.toLong() == 1L;
        });
  }

  /** Deletes the subscription if it still has this endpoint (any endpoint when empty); true when it did. */
  public Future<Boolean> deleteIfEndpoint(String siteId, String subscriptionId, String endpoint) {
    return DELETE.run(redis,
        List.of(Keys.subscription(siteId, subscriptionId), Keys.site(siteId, Keys.Part.SUBSCRIPTIONS)),
        List.of(subscriptionId, Keys.tagPrefix(siteId), endpoint))
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
