package io.pushcart;

import io.pushcart.api.ApiVerticle;
import io.pushcart.campaign.ActiveSites;
import io.pushcart.config.Config;
import io.pushcart.delivery.DeliveryMetrics;
import io.pushcart.delivery.DeliveryVerticle;
import io.pushcart.redis.EmbeddedRedis;
import io.pushcart.redis.RedisConnector;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.pushcart.webpush.CryptoProvider;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.Optional;

/**
 * One running Pushcart: its Redis (embedded unless a URL is configured), the HTTP API verticles
 * and the delivery workers. {@link Main} starts one for the command line; tests start one
 * in-process.
 */
public final class Pushcart {
  private final Vertx vertx;
  private final Optional<EmbeddedRedis> embedded;
  private final String redisUrl;
  private final CryptoProvider crypto;

  private Pushcart(Vertx vertx, Optional<EmbeddedRedis> embedded, String redisUrl, CryptoProvider crypto) {
    this.vertx = vertx;
    this.embedded = embedded;
    this.redisUrl = redisUrl;
    this.crypto = crypto;
  }

  /** Starts everything; blocks the calling thread (never an event loop) until the API listens. */
  public static Pushcart start(Config config, String adminToken, Clock clock) {
    return start(config, adminToken, clock, DeliveryMetrics.NONE);
  }

  public static Pushcart start(Config config, String adminToken, Clock clock, DeliveryMetrics metrics) {
    Optional<EmbeddedRedis> embedded = config.redisUrl().isEmpty()
        ? Optional.of(EmbeddedRedis.start(config.dataDir())) : Optional.empty();
    String redisUrl = config.redisUrl().orElseGet(() -> embedded.get().url());
    CryptoProvider crypto = CryptoProvider.best();
    Vertx vertx = Vertx.vertx();
    int cores = Runtime.getRuntime().availableProcessors();
    Future<?> deployed = checkRedis(vertx, config, redisUrl, clock)
        .compose(ok -> vertx.deployVerticle(() -> new DeliveryVerticle(config, redisUrl, crypto, metrics, clock),
            new DeploymentOptions().setInstances(config.deliveryInstances()))
        .compose(id -> vertx.deployVerticle(() -> new ApiVerticle(config, adminToken,
                v -> Services.create(v, config, redisUrl, crypto, clock)),
            new DeploymentOptions().setInstances(cores))));
    try {
      deployed.toCompletionStage().toCompletableFuture().get();
    } catch (Exception e) {
      vertx.close();
      embedded.ifPresent(EmbeddedRedis::close);
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new IllegalStateException("Pushcart did not start: " + cause.getMessage(), cause);
    }
    return new Pushcart(vertx, embedded, redisUrl, crypto);
  }

  /**
   * Fails start-up with a clear message when Redis cannot be reached or refuses us (wrong
   * password); brings keys an earlier version wrote up to date.
   */
  private static Future<Void> checkRedis(Vertx vertx, Config config, String redisUrl, Clock clock) {
    Redis redis = RedisConnector.create(vertx, config, redisUrl);
    return redis.send(Request.cmd(Command.PING))
        .compose(pong -> new ActiveSites(redis).adoptLegacy(clock.millis()))
        .eventually(() -> redis.close())
        .recover(err -> Future.failedFuture(new IllegalStateException("cannot use Redis at "
            + Config.redactUrl(redisUrl) + ": " + err.getMessage(), err)));
  }

  public String redisUrl() {
    return redisUrl;
  }

  public boolean redisIsEmbedded() {
    return embedded.isPresent();
  }

  public String cryptoProvider() {
    return crypto.name();
  }

  /**
   * Graceful stop: the API closes, delivery workers finish and acknowledge the units in hand
   * (queued work stays in Redis for the next instance), then the embedded Redis flushes and exits.
   */
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get();
    } catch (Exception e) {
      // closing anyway
    } finally {
      embedded.ifPresent(EmbeddedRedis::close);
    }
  }
}
