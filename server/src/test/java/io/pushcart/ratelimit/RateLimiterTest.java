package io.pushcart.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.common.ClientError;
import io.pushcart.common.Unavailable;
import io.pushcart.config.Config;
import io.pushcart.support.CapturedLog;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.types.NumberType;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

/** What the limiter does when its Redis call fails: a Redis outage is the API's 503; a bug lets the request through. */
class RateLimiterTest {
  static final Config.RateLimits LIMITS = new Config.RateLimits(new Config.Limit(60, 60_000), new Config.Limit(600, 0),
      Config.Limit.NONE);
  static final Clock CLOCK = Clock.fixed(Instant.parse("2030-01-01T10:00:20Z"), ZoneOffset.UTC);

  @Test
  void redisUnavailableFailsTheRequestAsUnavailable() {
    RateLimiter limiter = new RateLimiter(LIMITS, new RateLimitStore(failing(new Unavailable("Redis is unavailable: refused", null))), CLOCK);
    Future<Void> admitted = limiter.admit(BrowserAction.SUBSCRIPTION, "site12345678", "192.0.2.1");
    assertThat(admitted.failed()).isTrue();
    assertThat(Unavailable.in(admitted.cause())).as("rendered as 503 with Retry-After").isTrue();
  }

  @Test
  void anyOtherFailureLetsTheRequestThroughAndWarnsOnceAMinute() {
    try (CapturedLog log = new CapturedLog()) {
      RateLimiter limiter = new RateLimiter(LIMITS, new RateLimitStore(failing(new IllegalStateException("ERR script bug"))), CLOCK);
      for (int i = 0; i < 3; i++) {
        assertThat(limiter.admit(BrowserAction.EVENT, "site12345678", "192.0.2.1").succeeded()).isTrue();
      }
      assertThat(log.atLeast(Level.WARNING)).hasSize(1);
      assertThat(log.atLeast(Level.SEVERE)).isEmpty();
    }
  }

  @Test
  void anActionWithoutLimitsNeverAsksRedis() {
    AtomicInteger calls = new AtomicInteger();
    RateLimiter limiter = new RateLimiter(LIMITS, new RateLimitStore(stub(Future.succeededFuture(NumberType.create(1)), calls)), CLOCK);
    assertThat(limiter.admit(BrowserAction.PUBLIC_SITE, "site12345678", "192.0.2.1").succeeded()).isTrue();
    assertThat(calls).hasValue(0);
  }

  @Test
  void aRefusalSaysWhenTheWindowEnds() {
    RateLimiter limiter = new RateLimiter(LIMITS, new RateLimitStore(answering(1)), CLOCK);
    Future<Void> refused = limiter.admit(BrowserAction.SUBSCRIPTION, "site12345678", "192.0.2.1");
    ClientError error = (ClientError) refused.cause();
    assertThat(error.kind()).isEqualTo(ClientError.Kind.TOO_MANY_REQUESTS);
    assertThat(error.retryAfterSeconds()).as("10:00:20 → 10:01:00").isEqualTo(40);
    assertThat(error.getMessage()).contains("at most 60 a minute").contains("40 s");
  }

  private static Redis failing(Throwable err) {
    return stub(Future.failedFuture(err), new AtomicInteger());
  }

  private static Redis answering(int verdict) {
    return stub(Future.succeededFuture(NumberType.create(verdict)), new AtomicInteger());
  }

  private static Redis stub(Future<Response> reply, AtomicInteger calls) {
    return new Redis() {
      @Override
      public Future<RedisConnection> connect() {
        throw new UnsupportedOperationException();
      }

      @Override
      public Future<Void> close() {
        return Future.succeededFuture();
      }

      @Override
      public Future<Response> send(Request command) {
        calls.incrementAndGet();
        return reply;
      }

      @Override
      public Future<List<Response>> batch(List<Request> commands) {
        throw new UnsupportedOperationException();
      }
    };
  }
}
