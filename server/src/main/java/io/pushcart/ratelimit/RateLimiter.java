package io.pushcart.ratelimit;

import io.pushcart.common.ClientError;
import io.pushcart.common.Unavailable;
import io.pushcart.config.Config;
import io.pushcart.metrics.Metrics;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Rate limits of the browser-facing routes, per client address and per site, over fixed
 * one-minute windows counted in Redis (so every instance sees the same counts). A fixed window
 * lets up to twice a limit through across a window's edge; that is enough to stop a flood, and
 * costs one small script per request (docs/configuration.md#rate-limits, docs/operations.md).
 *
 * <p>When Redis cannot answer, the request fails as {@link Unavailable} (503), as every route
 * does: it needs that Redis anyway. Any other failure of the limiter is a bug of ours, and the
 * request is let through unlimited (fail open): a broken limiter must not stop shoppers from
 * subscribing. That is logged, at most once a minute.
 */
public final class RateLimiter {
  static final long WINDOW_MS = 60_000;
  /** A counter outlives its window by this much, for instances whose clocks are a little behind. */
  static final long CLOCK_SLACK_MS = 5_000;
  private static final Logger LOG = Logger.getLogger(RateLimiter.class.getName());

  private final Config.RateLimits limits;
  private final RateLimitStore store;
  private final Clock clock;
  private final AtomicLong lastWarned = new AtomicLong(-WINDOW_MS);

  public RateLimiter(Config.RateLimits limits, RateLimitStore store, Clock clock) {
    this.limits = limits;
    this.store = store;
    this.clock = clock;
  }

  /**
   * Succeeds when this request of {@code action} from {@code address} (ClientAddress's form) to
   * the site is within its limits, and counts it; fails with a 429 {@link ClientError} otherwise.
   */
  public Future<Void> admit(BrowserAction action, String siteId, String address) {
    Config.Limit limit = limitOf(action);
    if (limit.off()) {
      return Future.succeededFuture();
    }
    long now = clock.millis();
    long window = Math.floorDiv(now, WINDOW_MS);
    long left = (window + 1) * WINDOW_MS - now;
    return store.admit(siteId, action.key, window, address, limit.perAddress(), limit.perSite(), left + CLOCK_SLACK_MS)
        .recover(err -> Unavailable.in(err) ? Future.failedFuture(err) : failOpen(action, err))
        .onSuccess(verdict -> {
          if (verdict != RateLimitStore.Verdict.ADMITTED) {
            Metrics.rateLimited(action.key, verdict == RateLimitStore.Verdict.ADDRESS_OVER ? "address" : "site");
          }
        })
        .compose(verdict -> switch (verdict) {
          case ADMITTED -> Future.succeededFuture();
          case ADDRESS_OVER -> Future.failedFuture(ClientError.rateLimited("too many " + action.described
              + " from your address to this site: at most " + limit.perAddress() + " a minute; try again in "
              + seconds(left) + " s", seconds(left)));
          case SITE_OVER -> Future.failedFuture(ClientError.rateLimited("too many " + action.described
              + " to this site from all addresses: at most " + limit.perSite() + " a minute; try again in "
              + seconds(left) + " s", seconds(left)));
        });
  }

  private Config.Limit limitOf(BrowserAction action) {
    return switch (action) {
      case SUBSCRIPTION -> limits.subscriptions();
      case EVENT -> limits.events();
      case PUBLIC_SITE -> limits.publicSite();
    };
  }

  private Future<RateLimitStore.Verdict> failOpen(BrowserAction action, Throwable err) {
    long now = clock.millis();
    long last = lastWarned.get();
    if (now - last >= WINDOW_MS && lastWarned.compareAndSet(last, now)) {
      LOG.warning("rate limit of " + action.key + " requests not checked, request let through: " + err.getMessage());
    }
    return Future.succeededFuture(RateLimitStore.Verdict.ADMITTED);
  }

  /** Whole seconds to the window's end, rounded up: a client that waits that long is in the next window. */
  private static long seconds(long millis) {
    return Math.max(1, (millis + 999) / 1000);
  }
}
