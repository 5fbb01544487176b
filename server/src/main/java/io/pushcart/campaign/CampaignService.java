package io.pushcart.campaign;

import io.pushcart.common.ClientError;
import io.pushcart.common.Ids;
import io.pushcart.site.Site;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.IntStream;

/** Creating, changing, cancelling and listing campaigns, and reading their progress. */
public final class CampaignService {
  private final CampaignStore store;
  private final Clock clock;
  private final Consumer<String> announceWork;

  /** @param announceWork told the site id once a campaign is stored or rescheduled (ActiveSites.WORK_ADDRESS) */
  public CampaignService(CampaignStore store, Clock clock, Consumer<String> announceWork) {
    this.store = store;
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
    List<Wave> waves = campaign.timing().waves(site.timezone(), now);
    return planFor(site.id(), campaign.audience())
        .compose(plan -> store.create(campaign, plan, waves, !campaign.timing().scheduled(now)))
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
      List<Wave> waves = campaign.timing().waves(site.timezone(), now);
      return planFor(site.id(), campaign.audience())
          .compose(plan -> store.reschedule(campaign, plan, waves))
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
