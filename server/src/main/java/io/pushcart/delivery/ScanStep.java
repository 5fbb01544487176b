package io.pushcart.delivery;

import io.pushcart.campaign.StoredCampaign;
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
  private final Clock clock;

  ScanStep(AudienceReader reader, SegmentStore segments, WorkQueue queue, Clock clock) {
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
    return campaign.audience().resolve(site, segments)
        .compose(rule -> reader.page(site, rule, now, zones, unit.from(), PAGE))
        .compose(page -> queue.commitScan(unit, page.ids(), page.next(), lapse, now.toString()))
        .mapEmpty();
  }
}
