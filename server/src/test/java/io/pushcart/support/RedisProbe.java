package io.pushcart.support;

import io.pushcart.redis.Keys;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Reads what the API does not show, straight from a test's Redis. */
public final class RedisProbe implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final Redis redis;

  public RedisProbe(String redisUrl) {
    redis = Redis.createClient(vertx, redisUrl);
  }

  /** Entries in the site's work stream: 0 once every unit has been run and acknowledged (they are deleted then). */
  public long workLeft(String siteId) {
    try {
      return redis.send(Request.cmd(Command.XLEN).arg(Keys.site(siteId, Keys.Part.WORK)))
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).toLong();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Any command, answered within 10 s. */
  public io.vertx.redis.client.Response send(Request request) {
    try {
      return redis.send(request).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Waits until the site's work stream is empty: nothing left that could still send. */
  public void awaitDrained(String siteId) {
    Poll.until(() -> workLeft(siteId), n -> n == 0, Duration.ofSeconds(60), "site " + siteId + "'s work to drain");
  }

  @Override
  public void close() {
    redis.close();
    vertx.close();
  }
}
