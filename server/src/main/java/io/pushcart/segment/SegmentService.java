package io.pushcart.segment;

import io.pushcart.common.ClientError;
import io.pushcart.common.Ids;
import io.pushcart.common.JsonFields;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;

/** Saved segments (MARKETING.md §2): create, list, read (counted afresh), change, delete, and page through members. */
public final class SegmentService {
  public static final int MAX_PER_SITE = 1000;
  static final int DEFAULT_PAGE = 100;
  static final int MAX_PAGE = 1000;
  private static final Set<String> FIELDS = Set.of("name", "rule");

  private final SegmentStore store;
  private final AudienceReader reader;
  private final Clock clock;
  private final BiFunction<String, String, Future<List<String>>> campaignsUsing;

  /** @param campaignsUsing (site, segment) → the unfinished campaigns (ids) and automations ("automation id") targeting it */
  public SegmentService(SegmentStore store, AudienceReader reader, Clock clock,
                        BiFunction<String, String, Future<List<String>>> campaignsUsing) {
    this.store = store;
    this.reader = reader;
    this.clock = clock;
    this.campaignsUsing = campaignsUsing;
  }

  /** {@code POST /segments} {@code {name, rule}}: stored with its count now. */
  public Future<JsonObject> create(String site, JsonObject body) {
    checkFields(body);
    JsonFields f = JsonFields.of(body);
    String name = f.requiredString("name", 200);
    if (!body.containsKey("rule")) {
      throw ClientError.invalid("rule", "rule is required: a rule tree such as {\"all\": [{\"tag\": \"shoes\"}]}");
    }
    Object ruleJson = body.getValue("rule");
    Rule rule = RuleParser.parse(ruleJson, "rule");
    String now = clock.instant().toString();
    SavedSegment segment = new SavedSegment(Ids.random(12), name, rule, ruleJson, Optional.empty(), Optional.empty(), now, now);
    return store.size(site).compose(n -> n >= MAX_PER_SITE
            ? Future.failedFuture(ClientError.conflict("a site may have at most " + MAX_PER_SITE + " segments: delete unused ones first"))
            : counted(site, segment))
        .compose(s -> store.save(site, s).map(v -> s.toJson()));
  }

  /** Every segment, with the count it had when last counted. */
  public Future<JsonObject> list(String site) {
    return store.list(site).map(all -> new JsonObject().put("segments",
        new JsonArray(all.stream().map(SavedSegment::toJson).toList())));
  }

  /** One segment, counted now (and the count stored). */
  public Future<JsonObject> get(String site, String id) {
    return find(site, id).compose(s -> counted(site, s))
        .compose(s -> store.saveCount(site, id, s.count().orElseThrow(), s.countedAt().orElseThrow()).map(v -> s.toJson()));
  }

  /** {@code PATCH}: a new name, a new rule, or both; counted again. */
  public Future<JsonObject> update(String site, String id, JsonObject body) {
    checkFields(body);
    JsonFields f = JsonFields.of(body);
    Optional<String> name = f.optionalString("name", 200);
    Object ruleJson = body.getValue("rule");
    Rule rule = body.containsKey("rule") ? RuleParser.parse(ruleJson, "rule") : null;
    return find(site, id).compose(old -> {
      SavedSegment changed = new SavedSegment(id, name.orElse(old.name()), rule == null ? old.rule() : rule,
          rule == null ? old.ruleJson() : ruleJson, Optional.empty(), Optional.empty(), old.createdAt(), clock.instant().toString());
      return counted(site, changed);
    }).compose(s -> store.save(site, s).map(v -> s.toJson()));
  }

  /** Deletes it, unless a scheduled or sending campaign or an automation targets it (409 naming them). */
  public Future<Void> delete(String site, String id) {
    return find(site, id).compose(s -> campaignsUsing.apply(site, id)).compose(using -> using.isEmpty()
        ? store.delete(site, id).mapEmpty()
        : Future.failedFuture(ClientError.conflict("segment " + id + " is the audience of campaigns not yet done or of automations ("
            + String.join(", ", using) + "): cancel them or change their audience first")));
  }

  /**
   * {@code GET /segments/{id}/subscriptions?cursor=&limit=}: members in ordinal order,
   * {@code {subscriptions: [{id}], nextCursor}} (null after the last page).
   */
  public Future<JsonObject> members(String site, String id, String cursor, String limit) {
    long from = parseCursor(cursor);
    int pageSize = parseLimit(limit);
    return find(site, id).compose(s -> collect(site, s.rule(), clock.instant(), from, pageSize, new ArrayList<>(), 0));
  }

  /** Reads pages until {@code size} members or the end; a bounded number of reads, then answers with what it has. */
  private Future<JsonObject> collect(String site, Rule rule, Instant now, long from, int size, List<String> found, int reads) {
    return reader.page(site, rule, now, null, from, size - found.size()).compose(page -> {
      found.addAll(page.ids());
      if (page.last() || found.size() >= size || reads >= 20) {
        JsonArray subscriptions = new JsonArray(found.stream().map(i -> new JsonObject().put("id", i)).toList());
        return Future.succeededFuture(new JsonObject().put("subscriptions", subscriptions)
            .put("nextCursor", page.last() ? null : String.valueOf(page.next())));
      }
      return collect(site, rule, now, page.next(), size, found, reads + 1);
    });
  }

  private Future<SavedSegment> counted(String site, SavedSegment s) {
    Instant now = clock.instant();
    return reader.count(site, s.rule(), now, null).map(n -> s.counted(n, now.toString()));
  }

  private Future<SavedSegment> find(String site, String id) {
    if (!Ids.looksLikeId(id)) {
      return Future.failedFuture(ClientError.notFound("segment " + id));
    }
    return store.find(site, id).compose(found -> found.<Future<SavedSegment>>map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(ClientError.notFound("segment " + id))));
  }

  private static void checkFields(JsonObject body) {
    for (String key : body.fieldNames()) {
      if (!FIELDS.contains(key)) {
        throw ClientError.invalid(key, "a segment has name and rule; unknown field " + key);
      }
    }
  }

  private static long parseCursor(String cursor) {
    if (cursor == null || cursor.isEmpty()) {
      return 0;
    }
    try {
      long from = Long.parseLong(cursor);
      if (from >= 0) {
        return from;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ClientError.invalid("cursor", "cursor must be a nextCursor value from an earlier page, unchanged");
  }

  private static int parseLimit(String limit) {
    if (limit == null || limit.isEmpty()) {
      return DEFAULT_PAGE;
    }
    try {
      int n = Integer.parseInt(limit);
      if (n >= 1 && n <= MAX_PAGE) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ClientError.invalid("limit", "limit must be a whole number from 1 to " + MAX_PAGE);
  }
}
