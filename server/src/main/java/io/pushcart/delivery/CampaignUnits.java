package io.pushcart.delivery;

import io.pushcart.campaign.CampaignStatus;
import io.pushcart.campaign.StoredCampaign;
import io.pushcart.campaign.Variants;
import io.pushcart.personalize.MessageTemplate;
import io.pushcart.personalize.Personalization;
import io.pushcart.subscription.StoredSubscriber;
import io.pushcart.webpush.PushOptions;
import io.pushcart.webpush.Urgency;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
      // An A/B test's rest is sent only after the test was decided: read past the cache until it shows the choice.
      boolean undecided = campaign.abTestJson().isPresent() && campaign.sentToRest().isEmpty();
      return (undecided ? campaigns.fresh(unit.siteId(), unit.campaignId()) : Future.succeededFuture(campaign))
          .compose(current -> send((WorkUnit.Send) unit, current == null ? campaign : current, lease));
    });
  }

  private Future<Void> send(WorkUnit.Send unit, StoredCampaign campaign, StreamWorker.Lease lease) {
    Messages messages = new Messages(unit.siteId(), campaign);
    return (messages.personalized() ? siteNames.of(unit.siteId()) : Future.succeededFuture(""))
        // Asked as each message is about to leave: a cancel, a take-over or a shutdown stops the rest.
        .compose(name -> send.run(unit, new CampaignDispatch(unit.siteId(), campaign, messages, name),
            () -> lease.mayContinue().compose(mine -> !mine
                ? Future.succeededFuture(false) : campaigns.get(unit.siteId(), unit.campaignId()).map(CampaignUnits::sending))));
  }

  /**
   * What a campaign's messages say: one notification, or one per variant, each with its payload
   * and template. Which variant a subscriber gets is {@link Variants#variantOf}'s to say.
   */
  private static final class Messages {
    private final String campaignId;
    private final Optional<Variants> variants;
    private final Optional<String> sentToRest;
    private final Map<String, MessageTemplate> templates = new HashMap<>();
    private final Map<String, byte[]> payloads = new HashMap<>();

    Messages(String siteId, StoredCampaign campaign) {
      this.campaignId = campaign.id();
      this.variants = campaign.variants(siteId);
      this.sentToRest = campaign.sentToRest();
      if (variants.isEmpty()) {
        add("", campaign.payload());
      } else {
        variants.get().list().forEach(v -> add(v.name(), v.payload()));
      }
    }

    private void add(String variant, String payload) {
      templates.put(variant, MessageTemplate.compile(new JsonObject(payload), "notification."));
      payloads.put(variant, payload.getBytes(StandardCharsets.UTF_8));
    }

    boolean personalized() {
      return templates.values().stream().anyMatch(MessageTemplate::personalized);
    }

    /** How many of the subscription's indexed fields the messages read (0 when none is personalized). */
    int subscriberFields() {
      return templates.values().stream().filter(MessageTemplate::personalized)
          .mapToInt(t -> StoredSubscriber.fieldsFor(t.subscriberFields())).max().orElse(0);
    }

    /** The subscriber's variant ('' without variants). Undecided for the rest (it cannot be): the first, as without a winner. */
    String variantOf(String subscriptionId) {
      if (variants.isEmpty()) {
        return "";
      }
      Variants.Variant v = variants.get().variantOf(campaignId, subscriptionId, sentToRest);
      return (v == null ? variants.get().list().get(0) : v).name();
    }

    MessageTemplate template(String variant) {
      return templates.get(variant);
    }

    byte[] payload(String variant) {
      return payloads.get(variant);
    }
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
    private final Messages messages;
    private final String siteName;
    private final PushOptions options;

    CampaignDispatch(String siteId, StoredCampaign campaign, Messages messages, String siteName) {
      this.siteId = siteId;
      this.campaign = campaign;
      this.messages = messages;
      this.siteName = siteName;
      this.options = new PushOptions(campaign.ttl(), Urgency.fromHeaderValue(campaign.urgency()).orElse(Urgency.NORMAL),
          campaign.topic().orElse(null));
    }

    @Override
    public PushOptions options(ProgressStore.Claimed claimed) {
      return options;
    }

    @Override
    public Expiry expiry() {
      return campaign.expiresAt().map(at -> new Expiry(at.toEpochMilli())).orElse(Expiry.NEVER);
    }

    @Override
    public Future<List<ProgressStore.Claimed>> claim(WorkUnit.Send unit, boolean zones) {
      return progress.claimDue(unit, Math.max(messages.subscriberFields(), zones ? ProgressStore.ZONE_FIELDS : 0));
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
      String variant = messages.variantOf(claimed.id());
      MessageTemplate template = messages.template(variant);
      return !template.personalized() ? Payload.of(messages.payload(variant)) : Payload.of(Personalization.payload(template,
          claimed.subscriber() == null ? Map.of() : claimed.subscriber().toContext(claimed.id()), siteName, Map.of(), new JsonObject(), null));
    }

    @Override
    public Future<?> record(List<Outcome> outcomes, String report) {
      return progress.record(siteId, campaign.id(), outcomes, o -> messages.variantOf(o.subscriptionId()), report,
          clock.instant().toString());
    }
  }
}
