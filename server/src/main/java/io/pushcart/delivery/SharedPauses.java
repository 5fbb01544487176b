package io.pushcart.delivery;

import io.pushcart.metrics.Metrics;
import io.pushcart.redis.Keys;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.util.List;
import java.util.logging.Logger;

/**
 * A push service's "slow down" (429, WNS's 406, Retry-After) obeyed by every worker of every
 * instance, not only by the one that was answered: the pause is written to Redis
 * ({@code pc:pause:<origin>}, expiring with it), and each worker reads the pauses of the push
 * services it sends to a few times a second into its own {@link OriginLimiter}.
 */
final class SharedPauses {
  private static final Logger LOG = Logger.getLogger(SharedPauses.class.getName());
  private final Redis redis;
  private final OriginLimiter limiter;
  private final Clock clock;

  SharedPauses(Redis redis, OriginLimiter limiter, Clock clock) {
    this.redis = redis;
    this.limiter = limiter;
    this.clock = clock;
  }

  /**
   * Pauses {@code origin} here at once, and everywhere else at their next {@link #refresh}. Should
   * writing it fail, the others learn it from the push service themselves, as before.
   */
  void pause(String origin, long untilMillis) {
    Metrics.deliveryEvent("push_service_pause");
    limiter.pause(origin, untilMillis);
    long left = untilMillis - clock.millis();
    if (left > 0) {
      redis.send(Request.cmd(Command.SET).arg(Keys.originPause(origin)).arg(untilMillis).arg("PX").arg(left))
          .onFailure(err -> LOG.warning("sharing the pause of " + origin + " failed: " + err.getMessage()));
    }
  }

  /** Applies the pauses other workers have written for the push services this one sends to. */
  Future<Void> refresh() {
    List<String> origins = limiter.origins();
    if (origins.isEmpty()) {
      return Future.succeededFuture();
    }
    Request mget = Request.cmd(Command.MGET);
    origins.forEach(o -> mget.arg(Keys.originPause(o)));
    return redis.send(mget).map(values -> {
      for (int i = 0; i < origins.size(); i++) {
        Response until = values.get(i);
        if (until != null) {
          limiter.pause(origins.get(i), until.toLong());
        }
      }
      return null;
    });
  }
}
