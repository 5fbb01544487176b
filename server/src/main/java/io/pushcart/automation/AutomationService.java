package io.pushcart.automation;

import io.pushcart.campaign.Audience;
import io.pushcart.common.ClientError;
import io.pushcart.common.Ids;
import io.pushcart.segment.SegmentStore;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;

/**
 * Automations (MARKETING.md §4): their definitions — create, list, read with stats, change,
 * delete. What events do to their runs is {@link AutomationRuns}'.
 */
public final class AutomationService {
  public static final int MAX_PER_SITE = 100;
  private final AutomationStore store;
  private final AutomationCache cache;
  private final SegmentStore segments;
  private final Clock clock;
  /** What events do to this service's automations' runs (sharing its cache of them). */
  public final AutomationRuns runs;
  /** What catalogue changes do: price-drop and back-in-stock runs (sharing the same cache). */
  public final ProductAlerts productAlerts;

  public AutomationService(AutomationStore store, RunStore runs, SegmentStore segments, Redis redis, Clock clock) {
    this.store = store;
    this.cache = new AutomationCache(store);
    this.segments = segments;
    this.clock = clock;
    ProductWatch products = new ProductWatch(redis);
    this.runs = new AutomationRuns(store, cache, runs, products, clock);
    this.productAlerts = new ProductAlerts(cache, runs, products, clock);
  }

  /** {@code POST /automations}: 201 with the stored automation. */
  public Future<JsonObject> create(String site, JsonObject body) {
    Automation a = Automation.parse(Ids.random(12), body);
    String now = clock.instant().toString();
    return checkSegment(site, a).compose(v -> store.versions(site)).compose(all -> all.size() >= MAX_PER_SITE
        ? Future.failedFuture(ClientError.conflict("a site may have at most " + MAX_PER_SITE + " automations: delete unused ones first"))
        : store.save(site, a, now, now)).compose(v -> changed(site, a.id()));
  }

  /** After a change made here: this instance's events see it at once. */
  private Future<JsonObject> changed(String site, String id) {
    cache.changed(site);
    return get(site, id);
  }

  /** An automation to a saved segment needs the segment to exist when it is saved. */
  private Future<Void> checkSegment(String site, Automation a) {
    if (a.audience().orElse(null) instanceof Audience.Segment segment) {
      return segments.find(site, segment.id()).compose(found -> found.isPresent() ? Future.<Void>succeededFuture()
          : Future.failedFuture(ClientError.invalid("audience.segment", "there is no segment " + segment.id()
              + " on this site: use an id from GET /segments")));
    }
    return Future.succeededFuture();
  }

  /** The automations whose audience is this segment (its deletion is refused while they exist). */
  public Future<List<String>> using(String site, String segmentId) {
    return store.list(site).map(all -> all.stream().map(AutomationStore.Stored::automation)
        .filter(a -> a.audience().orElse(null) instanceof Audience.Segment s && s.id().equals(segmentId)).map(Automation::id).toList());
  }

  public Future<JsonObject> list(String site) {
    return store.list(site).map(all -> new JsonObject().put("automations", new JsonArray(all.stream()
        .sorted(Comparator.comparing(AutomationStore.Stored::createdAt)).map(AutomationService::toJson).toList())));
  }

  public Future<JsonObject> get(String site, String id) {
    return found(site, id).map(AutomationService::toJson);
  }

  /** {@code PATCH}: the fields given replace the stored ones; live runs go on with the new steps. */
  public Future<JsonObject> update(String site, String id, JsonObject patch) {
    return found(site, id).compose(s -> {
      JsonObject merged = s.automation().toJson();
      for (String key : patch.fieldNames()) {
        if (!Automation.FIELDS.contains(key)) {
          throw ClientError.invalid(key, "an automation has " + String.join(", ", Automation.FIELDS) + "; unknown field " + key);
        }
        merged.put(key, patch.getValue(key));
      }
      Automation a = Automation.parse(id, merged);
      if (a.trigger() != s.automation().trigger()) {
        throw ClientError.invalid("trigger", "an automation's trigger cannot change: create another automation");
      }
      return checkSegment(site, a).compose(v -> store.save(site, a, s.createdAt(), clock.instant().toString()))
          .compose(v -> changed(site, id));
    });
  }

  public Future<Void> delete(String site, String id) {
    checkId(id);
    cache.changed(site);
    return store.delete(site, id).compose(found -> found ? Future.succeededFuture() : Future.failedFuture(notFound(id)));
  }

  private Future<AutomationStore.Stored> found(String site, String id) {
    checkId(id);
    return store.find(site, id).compose(s -> s.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(notFound(id))));
  }

  private static void checkId(String id) {
    if (!Ids.looksLikeId(id)) {
      throw notFound(id);
    }
  }

  private static ClientError notFound(String id) {
    return ClientError.notFound("automation " + id);
  }

  static JsonObject toJson(AutomationStore.Stored s) {
    return new JsonObject().put("id", s.automation().id()).mergeIn(s.automation().toJson())
        .put("createdAt", s.createdAt()).put("updatedAt", s.updatedAt()).put("stats", AutomationStore.stats(s));
  }
}
