package io.pushcart.redis;

import io.pushcart.config.Config;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;

/** Builds the Redis client from the configuration: standalone ({@code redis://}, {@code rediss://}) or Cluster. */
public final class RedisConnector {
  private RedisConnector() {
  }

  public static Redis create(Vertx vertx, Config config, String url) {
    RedisOptions options = new RedisOptions()
        .setType(config.redisCluster() ? RedisClientType.CLUSTER : RedisClientType.STANDALONE)
        .setMaxPoolSize(16)
        .setMaxPoolWaiting(4096)
        .setMaxWaitingHandlers(16_384);
    for (String endpoint : url.split(",")) {
      options.addConnectionString(endpoint.trim());
    }
    return Redis.createClient(vertx, options);
  }
}
