package io.pushcart.delivery;

import io.pushcart.campaign.CampaignStore;
import io.pushcart.campaign.StoredCampaign;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * One worker's campaigns, each read at most once a {@link #MAX_AGE_MS}: every message asks
 * whether its campaign is still sending, so that a cancel stops it within that time. Callers
 * during a read share it. Confined to the worker's event loop.
 */
final class CampaignCache {
  static final long MAX_AGE_MS = 1_000;

  private record Cached(Future<StoredCampaign> campaign, long readAt) {
  }

  private final CampaignStore campaigns;
  private final Clock clock;
  private final Map<String, Cached> byId = new HashMap<>();

  CampaignCache(CampaignStore campaigns, Clock clock) {
    this.campaigns = campaigns;
    this.clock = clock;
  }

  /** The campaign, or null when it no longer exists. */
  Future<StoredCampaign> get(String siteId, String campaignId) {
    Cached cached = byId.get(campaignId);
    long age = cached == null ? -1 : clock.millis() - cached.readAt();
    if (age >= 0 && age < MAX_AGE_MS) {
      return cached.campaign();
    }
    Future<StoredCampaign> read = campaigns.find(siteId, campaignId).map(found -> found.orElse(null));
    byId.put(campaignId, new Cached(read, clock.millis()));
    read.onComplete(ar -> {
      if (ar.failed() || ar.result() == null) {
        byId.computeIfPresent(campaignId, (id, c) -> c.campaign() == read ? null : c); // read again next time
      }
    });
    return read;
  }

  /** The campaign as Redis holds it now (null when gone), past the cache; the cache keeps this read. */
  Future<StoredCampaign> fresh(String siteId, String campaignId) {
    Future<StoredCampaign> read = campaigns.find(siteId, campaignId).map(found -> found.orElse(null));
    read.onSuccess(c -> byId.put(campaignId, new Cached(read, clock.millis())));
    return read;
  }

  /** Drops the entries too old to be used again (campaigns that ended keep none). */
  void evictStale() {
    long now = clock.millis();
    byId.values().removeIf(c -> now - c.readAt() > MAX_AGE_MS);
  }
}
