package io.pushcart.ratelimit;

import io.pushcart.redis.Keys;
import io.pushcart.redis.LuaScript;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import java.util.List;

/**
 * The fixed-window counters of browser requests in Redis (rate_limit.lua): one per site, action
 * and minute, and one per client address too. Shared by every instance on the same Redis; each
 * expires on its own just after its minute.
 */
public final class RateLimitStore {
  private static final LuaScript ADMIT = LuaScript.standalone("rate_limit");

  /** What rate_limit.lua decided. */
  public enum Verdict { ADMITTED, ADDRESS_OVER, SITE_OVER }

  private final Redis redis;

  public RateLimitStore(Redis redis) {
    this.redis = redis;
  }

  /**
   * Counts the request in window {@code window} unless the address's or the site's counter is
   * already at its limit (0: not counted); the counters it makes live {@code ttlMillis}.
   */
  public Future<Verdict> admit(String siteId, String action, long window, String address, int perAddress, int perSite,
                               long ttlMillis) {
    List<String> keys = List.of(Keys.addressRate(siteId, action, window, address), Keys.siteRate(siteId, action, window));
    return ADMIT.run(redis, keys, List.of(String.valueOf(perAddress), String.valueOf(perSite), String.valueOf(ttlMillis)))
        .map(r -> Verdict.values()[r.toInteger()]);
  }
}
