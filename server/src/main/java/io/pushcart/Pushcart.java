package io.pushcart;

import io.pushcart.api.ApiVerticle;
import io.pushcart.config.Config;
import io.pushcart.config.ConfigException;
import io.pushcart.delivery.ActiveSites;
import io.pushcart.delivery.DeliveryMetrics;
import io.pushcart.delivery.DeliveryVerticle;
import io.pushcart.redis.EmbeddedRedis;
import io.pushcart.redis.RedisConnector;
import io.pushcart.site.KeyVault;
import io.pushcart.webpush.CryptoProvider;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

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
  private final AtomicBoolean draining;
  private final String deliveryDeployment;
  private final String apiDeployment;

  private Pushcart(Vertx vertx, Optional<EmbeddedRedis> embedded, String redisUrl, CryptoProvider crypto,
                   AtomicBoolean draining, String deliveryDeployment, String apiDeployment) {
    this.vertx = vertx;
    this.embedded = embedded;
    this.redisUrl = redisUrl;
    this.crypto = crypto;
    this.draining = draining;
    this.deliveryDeployment = deliveryDeployment;
    this.apiDeployment = apiDeployment;
  }

  /** Starts everything; blocks the calling thread (never an event loop) until the API listens. */
  public static Pushcart start(Config config, String adminToken, Clock clock) {
    return start(config, adminToken, clock, DeliveryMetrics.NONE);
  }

  public static Pushcart start(Config config, String adminToken, Clock clock, DeliveryMetrics metrics) {
    Optional<EmbeddedRedis> embedded = config.redisUrl().isEmpty()
        ? Optional.of(EmbeddedRedis.start(config.dataDir())) : Optional.empty();
    String redisUrl = config.redisUrl().orElseGet(() -> embedded.get().url());
    CryptoProvider crypto = CryptoProvider.named(config.cryptoProvider());
    Vertx vertx = Vertx.vertx();
    int cores = Runtime.getRuntime().availableProcessors();
    AtomicBoolean draining = new AtomicBoolean();
    Future<String> delivery = checkRedis(vertx, config, redisUrl, clock)
        .compose(ok -> vertx.deployVerticle(() -> new DeliveryVerticle(config, redisUrl, crypto, metrics, clock),
            new DeploymentOptions().setInstances(config.deliveryInstances())));
    Future<String> api = delivery.compose(id -> vertx.deployVerticle(() -> new ApiVerticle(config, adminToken,
            v -> Services.create(v, config, redisUrl, crypto, clock), draining::get),
        new DeploymentOptions().setInstances(cores)));
    try {
      api.toCompletionStage().toCompletableFuture().get();
    } catch (Exception e) {
      vertx.close();
      embedded.ifPresent(EmbeddedRedis::close);
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new IllegalStateException("Pushcart did not start: " + cause.getMessage(), cause);
    }
    return new Pushcart(vertx, embedded, redisUrl, crypto, draining, delivery.result(), api.result());
  }

  /**
   * Fails start-up with a clear message when Redis cannot be reached or refuses us (wrong
   * password); brings keys an earlier version wrote up to date.
   */
  private static Future<Void> checkRedis(Vertx vertx, Config config, String redisUrl, Clock clock) {
    Redis redis = RedisConnector.create(vertx, config, redisUrl);
    return redis.send(Request.cmd(Command.PING))
        .compose(pong -> new ActiveSites(redis).adoptLegacy(clock.millis()))
        .compose(v -> KeyVault.of(config.masterKey()).check(redis))
        .eventually(() -> redis.close())
        .recover(err -> Future.failedFuture(err instanceof ConfigException ? err : new IllegalStateException("cannot use Redis at "
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
   * Graceful stop, in this order: /ready answers 503 at once (load balancers stop sending us
   * traffic) while the API still serves; delivery workers take no new unit and finish the units
   * in hand, handing back whatever is left after PUSHCART_SHUTDOWN_GRACE_MS (DeliveryVerticle);
   * then the API stops accepting connections and lets the open requests complete; last, the
   * embedded Redis flushes and exits. Queued work stays in Redis for the next instance.
   */
  public void close() {
    if (draining.getAndSet(true)) {
      return; // already closed, or closing (a signal handler and a shutdown hook may both ask)
    }
    try {
      vertx.undeploy(deliveryDeployment)
          .transform(ar -> vertx.undeploy(apiDeployment))
          .toCompletionStage().toCompletableFuture().get();
    } catch (Exception e) {
      // closing anyway
    }
    try {
      // Awaited apart from the chain above: a continuation of it would be run on an event loop
      // that vertx.close() terminates, and never complete.
      vertx.close().toCompletionStage().toCompletableFuture().get();
    } catch (Exception e) {
      // closing anyway
    } finally {
      embedded.ifPresent(EmbeddedRedis::close);
    }
  }
}
