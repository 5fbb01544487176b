package io.pushcart.redis;

import io.pushcart.config.Config;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Builds the Redis client from the configuration: standalone ({@code redis://}, {@code rediss://})
 * or Cluster (routed by {@link ClusterRouter}), behind {@link GuardedRedis} (bounded waits, one type for "Redis unavailable").
 */
public final class RedisConnector {
  /**
   * The client's pool logs each dropped connection as SEVERE "Unhandled Error" with a stack
   * trace (a Redis restart drops every pooled connection at once). The commands on those
   * connections fail as well, and those failures are what Pushcart reports: once per outage, as
   * Redis unavailable. Held here because JUL keeps loggers only weakly.
   */
  private static final Logger POOL_LOG = Logger.getLogger("io.vertx.redis.client.impl.RedisConnectionManager");

  static {
    POOL_LOG.setLevel(Level.OFF);
  }

  private RedisConnector() {
  }

  public static Redis create(Vertx vertx, Config config, String url) {
    List<String> endpoints = Arrays.stream(url.split(",")).map(String::trim).filter(e -> !e.isEmpty()).toList();
    Redis client = config.redisCluster()
        ? new ClusterRouter(endpoints, node -> standalone(vertx, node))
        : standalone(vertx, endpoints.get(0));
    return new GuardedRedis(client, config.redisTimeoutMillis());
  }

  /** A pooled client of one Redis server (in a cluster: of one node). */
  private static Redis standalone(Vertx vertx, String url) {
    return Redis.createClient(vertx, new RedisOptions()
        .setType(RedisClientType.STANDALONE)
        .setMaxPoolSize(16)
        .setMaxPoolWaiting(4096)
        .setMaxWaitingHandlers(16_384)
        .setConnectionString(url));
  }
}
