package io.pushcart.delivery;

import io.pushcart.campaign.CampaignStatus;
import io.pushcart.campaign.StoredCampaign;
import io.pushcart.personalize.MessageTemplate;
import io.pushcart.personalize.Personalization;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import io.pushcart.webpush.PushOptions;
import io.pushcart.webpush.Urgency;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;

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
  private final ProgressStore progress;
  private final SiteNames siteNames;
  private final Clock clock;

  CampaignUnits(CampaignCache campaigns, WorkQueue queue, ScanStep scan, SendStep send, ProgressStore progress, SiteNames siteNames,
                Clock clock) {
    this.siteNames = siteNames;
    this.campaigns = campaigns;
    this.queue = queue;
    this.scan = scan;
    this.send = send;
    this.progress = progress;
    this.clock = clock;
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
      if (unit instanceof WorkUnit.Scan s) {
        return scan.run(s, campaign);
      }
      MessageTemplate template = MessageTemplate.compile(new JsonObject(campaign.payload()), "notification.");
      return (template.personalized() ? siteNames.of(unit.siteId()) : Future.succeededFuture(""))
          // Asked as each message is about to leave: a cancel, a take-over or a shutdown stops the rest.
          .compose(name -> send.run((WorkUnit.Send) unit, new CampaignDispatch(unit.siteId(), campaign, template, name),
              () -> lease.mayContinue().compose(mine -> !mine
                  ? Future.succeededFuture(false) : campaigns.get(unit.siteId(), unit.campaignId()).map(CampaignUnits::sending))));
    });
  }

  private static boolean sending(StoredCampaign campaign) {
    return campaign != null && campaign.status() == CampaignStatus.SENDING;
  }

  /** Drops cached campaigns too old to be used again. */
  void evictStale() {
    campaigns.evictStale();
  }

  /**
   * A campaign's send unit: one payload for all, or one per subscriber when it has merge fields;
   * claimed with mark_due.lua, recorded with record_outcomes.lua.
   */
  private final class CampaignDispatch implements Dispatch {
    private final String siteId;
    private final StoredCampaign campaign;
    private final MessageTemplate template;
    private final String siteName;
    private final byte[] payload;
    private final PushOptions options;

    CampaignDispatch(String siteId, StoredCampaign campaign, MessageTemplate template, String siteName) {
      this.siteId = siteId;
      this.campaign = campaign;
      this.template = template;
      this.siteName = siteName;
      this.payload = campaign.payload().getBytes(StandardCharsets.UTF_8);
      this.options = new PushOptions(campaign.ttl(), Urgency.fromHeaderValue(campaign.urgency()).orElse(Urgency.NORMAL),
          campaign.topic().orElse(null));
    }

    @Override
    public PushOptions options(ProgressStore.Claimed claimed) {
      return options;
    }

    @Override
    public SendStep.Expiry expiry() {
      return campaign.expiresAt().map(at -> new SendStep.Expiry(at.toEpochMilli())).orElse(SendStep.Expiry.NEVER);
    }

    @Override
    public Future<List<ProgressStore.Claimed>> claim(WorkUnit.Send unit, boolean zones) {
      return progress.claimDue(unit, template.personalized() ? ProgressStore.SUBSCRIBER_FIELDS.size()
          : zones ? ProgressStore.ZONE_FIELDS : 0);
    }

    @Override
    public boolean ignoresCap(ProgressStore.Claimed claimed) {
      return campaign.exemptions().ignoreCap();
    }

    @Override
    public boolean ignoresQuietHours(ProgressStore.Claimed claimed) {
      return campaign.exemptions().ignoreQuietHours();
    }

    @Override
    public boolean waitsWhenCapped() {
      return false;
    }

    @Override
    public Payload payload(ProgressStore.Claimed claimed) {
      return !template.personalized() ? Payload.of(payload) : Payload.of(Personalization.payload(template,
          claimed.subscriber() == null ? Map.of() : claimed.subscriber().toContext(claimed.id()), siteName, Map.of(), new JsonObject(), null));
    }

    @Override
    public Future<?> record(List<Outcome> outcomes) {
      return progress.record(siteId, campaign.id(), outcomes, clock.instant().toString());
    }
  }
}
