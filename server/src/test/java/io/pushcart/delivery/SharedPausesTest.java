package io.pushcart.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.redis.EmbeddedRedis;
import io.pushcart.redis.Keys;
import io.pushcart.support.Poll;
import io.pushcart.support.TempDirs;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** One worker's "slow down" from a push service reaches the other workers through Redis. */
class SharedPausesTest {
  static final String ORIGIN = "https://fcm.googleapis.com";

  @Test
  void aPauseOneWorkerWasToldIsObeyedByAnotherAndEndsWithIt() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (EmbeddedRedis embedded = EmbeddedRedis.start(TempDirs.create("pauses"))) {
      Redis redis = Redis.createClient(vertx, embedded.url());
      Clock clock = Clock.systemUTC();
      OriginLimiter answered = new OriginLimiter(4);
      OriginLimiter other = new OriginLimiter(4);
      other.acquire(ORIGIN); // it sends to that push service too
      other.release(ORIGIN);
      SharedPauses here = new SharedPauses(redis, answered, clock);
      SharedPauses there = new SharedPauses(redis, other, clock);

      long until = clock.millis() + 60_000;
      here.pause(ORIGIN, until);
      assertThat(answered.pausedUntil(ORIGIN, clock.millis())).isEqualTo(until);
      Poll.until(() -> {
        try {
          there.refresh().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        return other.pausedUntil(ORIGIN, clock.millis());
      }, u -> u == until, Duration.ofSeconds(10), "the other worker to see the pause");

      long ttl = redis.send(Request.cmd(Command.PTTL).arg(Keys.originPause(ORIGIN)))
          .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS).toLong();
      assertThat(ttl).as("the key expires with the pause").isBetween(1L, 60_000L);
      redis.close();
    } finally {
      vertx.close();
    }
  }
}
