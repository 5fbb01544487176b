package io.pushcart.delivery;

import io.pushcart.engagement.Engagement;
import io.pushcart.engagement.FrequencyCap;
import io.pushcart.redis.Keys;
import io.pushcart.redis.LuaScript;
import io.pushcart.segment.Field;
import io.pushcart.site.SiteStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A site's quiet hours and frequency caps, applied to a unit's claimed messages just before they
 * are encrypted (docs/engagement.md). Quiet hours first, in each subscriber's own time zone (the
 * site's when it has none): a message due inside them waits for their end, spread over the
 * following minute. Then the caps, checked and counted for the rest in one take_caps.lua call.
 * Both campaigns and automation steps come through here, and a held message's outcome is
 * decided here ({@link #outcomes}): waiting, or suppressed. One worker's site rules are read at
 * most once a {@link #MAX_AGE_MS}; confined to its event loop.
 */
final class EngagementGate {
  private static final LuaScript TAKE = LuaScript.load("take_caps");
  static final long MAX_AGE_MS = 1_000;
  /** Messages released at the end of quiet hours are spread over this long after it. */
  static final long SPREAD_MS = 60_000;
  static final String QUIET_HOURS = "quietHours";
  static final String CAPPED = "capped";

  /** Why a message does not leave now, and when it may. */
  record Held(long untilMillis, String reason) {
  }

  private final Redis redis;
  private final SiteStore sites;
  private final WorkerCache<Engagement.OfSite> cache = new WorkerCache<>(MAX_AGE_MS);

  EngagementGate(Redis redis, SiteStore sites) {
    this.redis = redis;
    this.sites = sites;
  }

  /** The site's rules as this worker last read them, at most {@link #MAX_AGE_MS} ago. */
  Future<Engagement.OfSite> rules(String siteId) {
    return cache.get(siteId, () -> sites.engagement(siteId));
  }

  void evictStale() {
    cache.evictStale();
  }

  /**
   * For each of {@code claimed} (in order), null when it may leave now (and is counted against the
   * caps, if it was not), else why and until when it is held.
   */
  Future<List<Held>> check(String siteId, Engagement.OfSite site, List<ProgressStore.Claimed> claimed, Dispatch dispatch,
                           long now) {
    Held[] held = new Held[claimed.size()];
    Engagement rules = site.rules();
    if (rules.quietHours().isPresent()) {
      Instant at = Instant.ofEpochMilli(now);
      Map<ZoneId, Optional<Instant>> ends = new HashMap<>(); // per zone: the few zones of a unit cost one computation each
      for (int i = 0; i < held.length; i++) {
        ProgressStore.Claimed c = claimed.get(i);
        if (dispatch.ignoresQuietHours(c)) {
          continue;
        }
        Optional<Instant> end = ends.computeIfAbsent(zoneOf(c, site.zone()), z -> rules.quietHours().get().endOfWindow(z, at));
        if (end.isPresent()) {
          held[i] = new Held(end.get().toEpochMilli() + spread(dispatch.subscriptionId(c)), QUIET_HOURS);
        }
      }
    }
    List<Integer> counted = new ArrayList<>();
    for (int i = 0; i < held.length; i++) {
      if (held[i] == null && claimed.get(i).uncounted() && rules.capped()) {
        counted.add(i);
      }
    }
    if (counted.isEmpty()) {
      return Future.succeededFuture(Arrays.asList(held));
    }
    List<String> keys = new ArrayList<>(counted.size());
    List<String> args = new ArrayList<>(counted.size() + 2);
    args.add(String.valueOf(now));
    args.add(rules.frequencyCap().stream().map(EngagementGate::cap).collect(Collectors.joining(" ")));
    for (int i : counted) {
      ProgressStore.Claimed c = claimed.get(i);
      keys.add(Keys.subscription(siteId, dispatch.subscriptionId(c)));
      args.add(dispatch.ignoresCap(c) ? "1" : "");
    }
    return TAKE.run(redis, keys, args).map(reply -> {
      for (int k = 0; k < counted.size(); k++) {
        long until = reply.get(k).toLong();
        if (until > 0) {
          held[counted.get(k)] = new Held(until, CAPPED);
        }
      }
      return Arrays.asList(held);
    });
  }

  /**
   * What each of {@code claimed} (in order) becomes instead of being sent now, or null when it
   * leaves now ({@link #check}). A held message waits until it may leave — a hold for one never
   * counted, a deferral for one sent before (a retry, a deferral) — unless it would expire first,
   * or is a campaign's over a cap (it does not wait for room): then it is suppressed, with the
   * reason.
   */
  Future<List<Outcome>> outcomes(String siteId, Engagement.OfSite site, List<ProgressStore.Claimed> claimed, Dispatch dispatch,
                                 long now, int attempt) {
    return check(siteId, site, claimed, dispatch, now).map(held -> {
      List<Outcome> out = new ArrayList<>(held.size());
      for (int i = 0; i < held.size(); i++) {
        Held h = held.get(i);
        ProgressStore.Claimed c = claimed.get(i);
        boolean dropped = h != null && h.reason().equals(CAPPED) && !dispatch.waitsWhenCapped();
        out.add(h == null ? null : dropped || h.untilMillis() >= dispatch.expiresAt(c)
            ? new Outcome(c.id(), Outcome.Kind.SUPPRESSED, attempt, 0, h.reason())
            : new Outcome(c.id(), c.uncounted() ? Outcome.Kind.HOLD : Outcome.Kind.DEFER, attempt, h.untilMillis(), h.reason()));
      }
      return out;
    });
  }

  private static String cap(FrequencyCap cap) {
    return cap.max() + ":" + cap.per().toMillis();
  }

  /** The subscriber's own zone, or the site's when it has none (or one this JVM does not know). */
  private static ZoneId zoneOf(ProgressStore.Claimed c, ZoneId site) {
    if (c.subscriber() != null && c.subscriber().field(Field.Builtin.TIMEZONE) instanceof String zone) {
      try {
        return ZoneId.of(zone);
      } catch (DateTimeException e) {
        return site;
      }
    }
    return site;
  }

  /** A subscription's place in the minute after quiet hours: fixed per subscription, even over it. */
  static long spread(String subscriptionId) {
    return Math.floorMod(subscriptionId.hashCode() * 0x9E3779B1L, SPREAD_MS);
  }
}
