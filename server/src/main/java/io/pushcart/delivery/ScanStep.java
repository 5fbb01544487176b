package io.pushcart.delivery;

import io.pushcart.campaign.CampaignStore;
import io.pushcart.campaign.StoredCampaign;
import io.pushcart.campaign.Variants;
import java.util.Optional;
import io.pushcart.campaign.Wave;
import io.pushcart.segment.AudienceReader;
import io.pushcart.segment.SegmentStore;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * One page of a campaign wave's audience: the members from the unit's ordinal on, as
 * {@link AudienceReader} evaluates the audience (the same evaluation that counts it), committed
 * together with the next page's unit. A local-time wave keeps only the subscribers of its time
 * zones. Only one page of ids is ever in memory, and the position is a subscription ordinal,
 * which means the same in any Redis process holding the data (a restart, a failover).
 */
final class ScanStep {
  /** Candidates read per page: about this many ids per send unit. */
  static final int PAGE = 1000;

  private final AudienceReader reader;
  private final SegmentStore segments;
  private final WorkQueue queue;
  private final CampaignStore campaigns;
  private final Clock clock;

  ScanStep(AudienceReader reader, SegmentStore segments, WorkQueue queue, CampaignStore campaigns, Clock clock) {
    this.campaigns = campaigns;
    this.reader = reader;
    this.segments = segments;
    this.queue = queue;
    this.clock = clock;
  }

  Future<Void> run(WorkUnit.Scan unit, StoredCampaign campaign) {
    String site = unit.siteId();
    List<Wave> waves = campaign.waves();
    Wave wave = unit.wave() < waves.size() ? waves.get(unit.wave()) : null;
    if (wave == null && unit.wave() > 0) {
      return queue.ack(unit); // a unit we cannot place: never block the stream with it
    }
    List<String> zones = wave != null && wave.local() ? wave.zones() : null;
    Instant now = clock.instant();
    // Messages that may no longer go out are still counted, as lapsed: the stats say who was missed.
    boolean lapse = (wave != null && wave.late()) || campaign.expiresAt().filter(at -> !now.isBefore(at)).isPresent();
    Optional<Variants> variants = campaign.abTestJson().isPresent() ? campaign.variants(site) : Optional.empty();
    boolean rest = wave != null && wave.rest();
    // The rest of an A/B test is decided as its scan starts, before any of its messages exists.
    Future<Void> decided = rest && unit.from() == 0 && campaign.abResult().isEmpty()
        ? campaigns.keepAbResult(site, campaign.id(), campaign.decideAbTest(now)).mapEmpty() : Future.succeededFuture();
    return decided.compose(d -> campaign.audience().resolve(site, segments))
        .compose(rule -> reader.page(site, rule, now, zones, unit.from(), PAGE))
        .compose(page -> {
          // The test goes to its share of the audience; the rest wave meets the test's members again, and commit_scan skips them.
          List<String> ids = variants.isPresent() && !rest
              ? page.ids().stream().filter(id -> variants.get().inTest(campaign.id(), id)).toList() : page.ids();
          return queue.commitScan(unit, ids, page.next(), lapse, now.toString());
        })
        .mapEmpty();
  }
}
