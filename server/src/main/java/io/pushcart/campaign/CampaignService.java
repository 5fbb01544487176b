package io.pushcart.campaign;

import io.pushcart.common.ClientError;
import io.pushcart.common.Ids;
import io.pushcart.site.Site;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/** Creating campaigns and reading their progress. */
public final class CampaignService {
  private final CampaignStore store;
  private final Clock clock;

  public CampaignService(CampaignStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** A created campaign: its stored form, plus warnings for the marketer. */
  public record Created(StoredCampaign campaign, List<String> warnings) {
  }

  public Future<Created> create(Site site, JsonObject body) {
    CampaignRequest.Parsed parsed = CampaignRequest.parse(site.id(), body, clock.instant());
    Campaign campaign = parsed.campaign();
    return planFor(site.id(), campaign.audience())
        .compose(plan -> store.createAndStart(campaign, plan))
        .compose(v -> find(site.id(), campaign.id()))
        .map(stored -> new Created(stored, parsed.warnings()));
  }

  public Future<StoredCampaign> find(String siteId, String campaignId) {
    if (!Ids.looksLikeId(campaignId)) {
      return Future.failedFuture(ClientError.notFound("campaign " + campaignId));
    }
    return store.find(siteId, campaignId).compose(c -> c.<Future<StoredCampaign>>map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(ClientError.notFound("campaign " + campaignId))));
  }

  /** The campaign as the API shows it: definition, status, stats and why messages failed. */
  public Future<JsonObject> describe(String siteId, String campaignId) {
    return find(siteId, campaignId).compose(c -> store.failureReasons(siteId, campaignId)
        .map(reasons -> c.toJson().put("failures", reasons)));
  }

  private Future<AudiencePlan> planFor(String siteId, Audience audience) {
    if (audience instanceof Audience.TagRule rule) {
      if (!rule.any().isEmpty()) {
        return Future.succeededFuture(new AudiencePlan(audience, rule.any().stream().map(Optional::of).toList()));
      }
      if (!rule.all().isEmpty()) {
        // Scanning the rarest required tag's set touches the fewest members.
        return store.tagCardinalities(siteId, rule.all()).map(sizes -> {
          int rarest = IntStream.range(0, sizes.size()).boxed().min(Comparator.comparing(sizes::get)).orElseThrow();
          return new AudiencePlan(audience, List.of(Optional.of(rule.all().get(rarest))));
        });
      }
    }
    return Future.succeededFuture(new AudiencePlan(audience, List.of(Optional.empty())));
  }
}
