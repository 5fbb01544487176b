package io.pushcart.campaign;

import io.pushcart.common.ClientError;
import io.pushcart.common.Ids;
import io.pushcart.segment.AudienceReader;
import io.pushcart.segment.SegmentStore;
import io.pushcart.site.Site;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/** Creating, changing, cancelling and listing campaigns, and reading their progress. */
public final class CampaignService {
  private final CampaignStore store;
  private final SegmentStore segments;
  private final AudienceReader reader;
  private final Clock clock;
  private final Consumer<String> announceWork;

  /** @param announceWork told the site id once a campaign is stored or rescheduled (ActiveSites.WORK_ADDRESS) */
  public CampaignService(CampaignStore store, SegmentStore segments, AudienceReader reader, Clock clock,
                         Consumer<String> announceWork) {
    this.store = store;
    this.segments = segments;
    this.reader = reader;
    this.clock = clock;
    this.announceWork = announceWork;
  }

  /** A created campaign: its stored form, plus warnings for the marketer. */
  public record Created(StoredCampaign campaign, List<String> warnings) {
  }

  public Future<Created> create(Site site, JsonObject body) {
    Instant now = clock.instant();
    CampaignRequest.Parsed parsed = CampaignRequest.parse(site.id(), Ids.random(12), body, now);
    Campaign campaign = parsed.campaign();
    List<Wave> waves = campaign.waves(site.timezone(), now);
    return checkSegment(site.id(), campaign.audience())
        .compose(v -> store.create(campaign, waves, !campaign.timing().scheduled(now)))
        .onSuccess(v -> announceWork.accept(site.id()))
        .compose(v -> find(site.id(), campaign.id()))
        .map(stored -> new Created(stored, parsed.warnings()));
  }

  /**
   * {@code PATCH}: the fields given replace the stored ones (null removes an optional one), and
   * the whole definition is checked again as at creation. Only while the campaign is scheduled.
   */
  public Future<Created> update(Site site, String campaignId, JsonObject patch) {
    for (String field : patch.fieldNames()) {
      if (!CampaignRequest.FIELDS.contains(field)) {
        return Future.failedFuture(ClientError.invalid(field, "a campaign has no field " + field + " to change; PATCH takes "
            + String.join(", ", CampaignRequest.FIELDS)));
      }
    }
    return find(site.id(), campaignId).compose(stored -> {
      if (stored.status() != CampaignStatus.SCHEDULED) {
        return Future.failedFuture(notScheduled(campaignId, stored.status().wire()));
      }
      JsonObject merged = stored.definition();
      patch.forEach(e -> {
        if (e.getValue() == null) {
          merged.remove(e.getKey());
        } else {
          merged.put(e.getKey(), e.getValue());
        }
      });
      Instant now = clock.instant();
      CampaignRequest.Parsed parsed = CampaignRequest.parse(site.id(), campaignId, merged, now);
      Campaign campaign = parsed.campaign();
      // A time moved to now (or sendAt removed) makes the one wave due at once: it fires on the next poll.
      List<Wave> waves = campaign.waves(site.timezone(), now);
      return checkSegment(site.id(), campaign.audience())
          .compose(v -> store.reschedule(campaign, waves))
          .onSuccess(refused -> announceWork.accept(site.id()))
          .compose(refused -> afterChange(site.id(), campaignId, refused, status -> notScheduled(campaignId, status)))
          .map(updated -> new Created(updated, parsed.warnings()));
    });
  }

  private static ClientError notScheduled(String campaignId, String status) {
    return ClientError.conflict("campaign " + campaignId + " is " + status + ": only a scheduled campaign can be changed"
        + ("sending".equals(status) ? " (cancel it to stop what is left to send)" : ""));
  }

  /** Cancels a scheduled campaign, or stops a sending one: what was sent stays counted, the rest is not sent. */
  public Future<StoredCampaign> cancel(Site site, String campaignId) {
    return checkedId(campaignId)
        .compose(v -> store.cancel(site.id(), campaignId, clock.instant()))
        .compose(refused -> afterChange(site.id(), campaignId, refused, status -> ClientError.conflict("campaign "
            + campaignId + " is " + status + ": only a scheduled or sending campaign can be cancelled")));
  }

  /**
   * The campaign after a state-guarded write; when the write was refused, 404 if the campaign is
   * gone ({@code refused} holds ""), else the conflict {@code refusal} makes of the status found.
   */
  private Future<StoredCampaign> afterChange(String siteId, String campaignId, Optional<String> refused,
                                             Function<String, ClientError> refusal) {
    if (refused.isEmpty()) {
      return find(siteId, campaignId);
    }
    return Future.failedFuture(refused.get().isEmpty() ? ClientError.notFound("campaign " + campaignId) : refusal.apply(refused.get()));
  }

  public Future<StoredCampaign> find(String siteId, String campaignId) {
    return checkedId(campaignId).compose(v -> store.find(siteId, campaignId))
        .compose(c -> c.<Future<StoredCampaign>>map(Future::succeededFuture)
            .orElseGet(() -> Future.failedFuture(ClientError.notFound("campaign " + campaignId))));
  }

  private static Future<Void> checkedId(String campaignId) {
    return Ids.looksLikeId(campaignId) ? Future.succeededFuture()
        : Future.failedFuture(ClientError.notFound("campaign " + campaignId));
  }

  /** The campaign as the API shows it: definition, status, stats and why messages failed. */
  public Future<JsonObject> describe(String siteId, String campaignId) {
    return find(siteId, campaignId).compose(c -> store.failureReasons(siteId, campaignId)
        .map(reasons -> c.toJson().put("failures", reasons)));
  }

  /**
   * {@code GET .../campaigns}: newest first, filtered by status and kind, a page at a time.
   * {@code {campaigns: [...], nextCursor}}, the cursor null after the last page.
   */
  public Future<JsonObject> list(Site site, CampaignQuery query) {
    JsonObject out = new JsonObject().put("campaigns", new JsonArray());
    return listFrom(site.id(), query, query.cursor(), 0, out);
  }

  private Future<JsonObject> listFrom(String siteId, CampaignQuery query, CampaignQuery.Cursor at, int examined,
                                      JsonObject out) {
    JsonArray found = out.getJsonArray("campaigns");
    int batch = Math.max(query.limit(), 50);
    return store.page(siteId, at.beforeMillis(), at.skip(), batch).compose(entries -> {
      CampaignQuery.Cursor position = at;
      for (CampaignStore.Listed entry : entries) {
        position = position.after(entry.createdMillis());
        Optional<StoredCampaign> c = entry.campaign().filter(query::matches);
        c.ifPresent(campaign -> found.add(campaign.toJson()));
        if (found.size() == query.limit()) {
          return Future.succeededFuture(out.put("nextCursor", position.encode()));
        }
      }
      int seen = examined + entries.size();
      if (entries.size() < batch) {
        return Future.succeededFuture(out.putNull("nextCursor"));
      }
      if (seen >= CampaignQuery.MAX_EXAMINED) {
        // A rare filter over a long history: answer what was found, and where to go on.
        return Future.succeededFuture(out.put("nextCursor", position.encode()));
      }
      return listFrom(siteId, query, position, seen, out);
    });
  }

  /**
   * {@code POST /audience/count} {@code {audience}}: exactly how many subscribers a campaign to
   * that audience sent now would target (the evaluation its fan-out makes).
   */
  public Future<JsonObject> countAudience(Site site, JsonObject body) {
    for (String key : body.fieldNames()) {
      if (!key.equals("audience")) {
        throw ClientError.invalid(key, "the body is {\"audience\": ...}; unknown field " + key);
      }
    }
    if (!body.containsKey("audience")) {
      throw ClientError.invalid("audience", "audience is required: \"all\", {\"segment\": id} or a rule");
    }
    Audience audience = Audience.parse(body.getValue("audience"));
    Instant now = clock.instant();
    return checkSegment(site.id(), audience).compose(v -> audience.resolve(site.id(), segments))
        .compose(rule -> reader.count(site.id(), rule, now, null))
        .map(n -> new JsonObject().put("count", n).put("countedAt", now.toString()));
  }

  /** A campaign to a saved segment needs the segment to exist when it is created or changed. */
  private Future<Void> checkSegment(String siteId, Audience audience) {
    if (audience instanceof Audience.Segment segment) {
      return segments.find(siteId, segment.id()).compose(found -> found.isPresent() ? Future.<Void>succeededFuture()
          : Future.failedFuture(ClientError.invalid("audience.segment", "there is no segment " + segment.id()
              + " on this site: use an id from GET /segments")));
    }
    return Future.succeededFuture();
  }

  /** The ids of the site's campaigns not yet done (scheduled or sending) that target segment {@code segmentId}. */
  public Future<List<String>> unfinishedUsing(String siteId, String segmentId) {
    return unfinishedUsing(siteId, segmentId, CampaignQuery.Cursor.START, new ArrayList<>());
  }

  private Future<List<String>> unfinishedUsing(String siteId, String segmentId, CampaignQuery.Cursor at, List<String> found) {
    int batch = 200;
    return store.page(siteId, at.beforeMillis(), at.skip(), batch).compose(entries -> {
      CampaignQuery.Cursor position = at;
      for (CampaignStore.Listed entry : entries) {
        position = position.after(entry.createdMillis());
        entry.campaign().filter(c -> c.status() == CampaignStatus.SCHEDULED || c.status() == CampaignStatus.SENDING)
            .filter(c -> new Audience.Segment(segmentId).toJson().equals(c.audienceJson()))
            .ifPresent(c -> found.add(c.id()));
      }
      return entries.size() < batch ? Future.succeededFuture(found) : unfinishedUsing(siteId, segmentId, position, found);
    });
  }
}
