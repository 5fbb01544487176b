package io.pushcart.delivery;

import io.pushcart.webpush.PushRequest;
import io.vertx.core.Future;
import java.time.Clock;

/**
 * One message's request to its push service, as it leaves ({@link SendStep} holds its permit): not
 * sent while that service asked every sender to back off (a deferral) nor once the message has
 * expired (a lapse); else sent with its TTL cut to the time left, timed for the metrics, its answer
 * classified ({@link RetryPolicy}) and a back-off it asks for shared with every instance
 * ({@link SharedPauses}).
 */
final class PushAttempt {
  private final PushClient client;
  private final OriginLimiter limiter;
  private final SharedPauses pauses;
  private final RetryPolicy retries;
  private final DeliveryMetrics metrics;
  private final Clock clock;

  PushAttempt(PushClient client, OriginLimiter limiter, SharedPauses pauses, RetryPolicy retries, DeliveryMetrics metrics, Clock clock) {
    this.client = client;
    this.limiter = limiter;
    this.pauses = pauses;
    this.retries = retries;
    this.metrics = metrics;
    this.clock = clock;
  }

  /**
   * The outcome of sending, or a deferral when the push service asked everyone to back off, or a
   * lapse when the campaign expired meanwhile. The TTL is set here, as the message leaves.
   */
  Future<Outcome> send(String origin, String id, PushRequest request, int attempt, Expiry expiry) {
    long now = clock.millis();
    long left = expiry.secondsLeft(now);
    if (left < 1) {
      return Future.succeededFuture(expiry.lapsed(id, attempt));
    }
    long paused = limiter.pausedUntil(origin, now);
    if (paused > 0) {
      return Future.succeededFuture(expiry.check(retries.deferred(id, attempt, paused)));
    }
    PushRequest sent = left < Integer.MAX_VALUE && left < request.ttlSeconds() ? request.withTtl((int) left) : request;
    return timed(origin, sent)
        .map(response -> {
          long backOff = retries.backOffUntil(response);
          if (backOff > 0) {
            pauses.pause(origin, backOff);
          }
          return retries.classify(id, attempt, response);
        })
        .otherwise(err -> retries.onNetworkError(id, attempt, err))
        .map(expiry::check);
  }

  private Future<PushResponse> timed(String origin, PushRequest request) {
    long start = System.nanoTime();
    return client.send(request)
        .onSuccess(r -> metrics.answered(origin, r.status(), System.nanoTime() - start))
        .onFailure(err -> metrics.networkError(origin, System.nanoTime() - start));
  }
}
