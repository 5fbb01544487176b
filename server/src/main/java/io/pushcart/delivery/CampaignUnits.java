package io.pushcart.delivery;

import io.pushcart.campaign.CampaignStatus;
import io.pushcart.campaign.StoredCampaign;
import io.vertx.core.Future;

/**
 * Runs the units of a campaign's fan-out for the stream worker: a scan unit reads a page of the
 * audience ({@link ScanStep}), a send unit sends a page of messages ({@link SendStep}). A unit
 * whose campaign is no longer sending (cancelled, completed, deleted), or that cannot be read,
 * is acknowledged unrun.
 */
final class CampaignUnits implements StreamWorker.UnitRunner {
  private final CampaignCache campaigns;
  private final WorkQueue queue;
  private final ScanStep scan;
  private final SendStep send;

  CampaignUnits(CampaignCache campaigns, WorkQueue queue, ScanStep scan, SendStep send) {
    this.campaigns = campaigns;
    this.queue = queue;
    this.scan = scan;
    this.send = send;
  }

  @Override
  public Future<Void> run(WorkUnit unit, StreamWorker.Lease lease) {
    if (unit instanceof WorkUnit.Unreadable) {
      return queue.ack(unit); // never block the stream with an entry no one can run
    }
    return campaigns.get(unit.siteId(), unit.campaignId()).compose(campaign -> {
      if (!sending(campaign)) {
        return queue.ack(unit);
      }
      return unit instanceof WorkUnit.Scan s ? scan.run(s, campaign)
          // Asked as each message is about to leave: a cancel, a take-over or a shutdown stops the rest.
          : send.run((WorkUnit.Send) unit, campaign, () -> lease.mayContinue().compose(mine -> !mine
              ? Future.succeededFuture(false) : campaigns.get(unit.siteId(), unit.campaignId()).map(CampaignUnits::sending)));
    });
  }

  private static boolean sending(StoredCampaign campaign) {
    return campaign != null && campaign.status() == CampaignStatus.SENDING;
  }

  /** Drops cached campaigns too old to be used again. */
  void evictStale() {
    campaigns.evictStale();
  }
}
