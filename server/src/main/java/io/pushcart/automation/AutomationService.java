package io.pushcart.automation;

import io.pushcart.campaign.Audience;
import io.pushcart.common.ClientError;
import io.pushcart.common.Ids;
import io.pushcart.segment.SegmentStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Automations (MARKETING.md §4): their definitions (create, list, read with stats, change,
 * delete), and what commerce events do to their runs — start or refresh them, end them, and for
 * an order, wait for the messages its runs had already handed to a push service.
 */
public final class AutomationService {
  public static final int MAX_PER_SITE = 100;
  /**
   * How long an order's answer waits for cart messages already handed to a push service: longer
   * than a push request may take (30 s), so that when it answers, nothing more will arrive.
   */
  public static final Duration IN_FLIGHT_WAIT = Duration.ofSeconds(35);
  /** The runs an order ends: every series it makes pointless. */
  static final Set<Trigger> ENDED_BY_ORDER = EnumSet.of(Trigger.CART_ABANDONED, Trigger.BROWSE_ABANDONED);

  private final AutomationStore store;
  private final RunStore runs;
  private final Clock clock;
  /** How old a read of a site's automation versions may be when an event uses it. */
  static final long FRESH_MS = 100;
  /** Site → automation id → the parsed automation at a version ({@link #automations}). */
  private final Map<String, Map<String, Cached>> cache = new HashMap<>();
  /** Site → System.nanoTime() of the last read of its versions. */
  private final Map<String, Long> versionsReadAt = new HashMap<>();

  private final ProductWatch products;

  private final SegmentStore segments;

  public AutomationService(AutomationStore store, RunStore runs, SegmentStore segments, io.vertx.redis.client.Redis redis,
                           Clock clock) {
    this.store = store;
    this.segments = segments;
    this.runs = runs;
    this.products = new ProductWatch(redis);
    this.clock = clock;
  }

  /**
   * A restock is announced again to its viewers when the store repeats its update within this
   * time (a retry after a lost answer): each viewer's run key holds the restock's number, so
   * nobody hears of it twice.
   */
  static final Duration RESTOCK_REPEAT = Duration.ofMinutes(10);

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
    versionsReadAt.remove(site);
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
    versionsReadAt.remove(site);
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

  /** A commerce event as the automations see it: whom it concerns and what it says. */
  public record Event(String type, List<String> subscriptions, Optional<String> customer, Instant occurredAt, JsonObject data) {
  }

  /**
   * What an event ends, before it is recorded: an order ends the cart and browse runs of its
   * cart, customer and subscriptions, and its answer waits for what they had in flight (listed
   * as {@code alreadySent}); an emptied cart ends its cart's runs; a cart update ends browse runs.
   */
  public Future<JsonArray> beforeRecording(String site, Event e) {
    long now = clock.millis();
    Optional<String> cart = Optional.ofNullable(e.data().getString("cartId"));
    return switch (e.type()) {
      case "order.completed" -> automations(site).compose(all -> runs.exit(site, "converted", ENDED_BY_ORDER, cart, e.customer(),
              e.subscriptions(), Optional.of(e.occurredAt().toEpochMilli()), now, ids(all), likelyRuns(all, cart, e)))
          .compose(inFlight -> runs.awaitSettled(site, inFlight, IN_FLIGHT_WAIT));
      // (A deleted automation's runs end when their step comes: no call for a trigger no automation has.)
      case "cart.updated" -> automations(site).compose(all -> isEmpty(e.data().getJsonArray("items"))
              ? any(all, Trigger.CART_ABANDONED) ? runs.exit(site, "emptied", Set.of(Trigger.CART_ABANDONED), cart, Optional.empty(),
                  List.of(), Optional.empty(), now, ids(all), likelyRuns(all, cart, e)) : Future.succeededFuture(List.<RunStore.InFlight>of())
              : any(all, Trigger.BROWSE_ABANDONED) ? runs.exit(site, "carted", Set.of(Trigger.BROWSE_ABANDONED), Optional.empty(),
                  e.customer(), e.subscriptions(), Optional.empty(), now, ids(all), likelyRuns(all, cart, e))
                  : Future.succeededFuture(List.<RunStore.InFlight>of()))
          .map(inFlight -> new JsonArray());
      case "product.updated" -> productUpdated(site, e).map(v -> new JsonArray());
      default -> Future.succeededFuture(new JsonArray());
    };
  }

  /**
   * A catalogue change, before it is recorded (so that a retry of a lost answer does it again,
   * idempotently): the viewers of the variant hear of a price below the one they saw (once per
   * price level) and of its return to stock if they saw it out of stock (once per return), unless
   * they bought it.
   */
  private Future<Void> productUpdated(String site, Event e) {
    long now = clock.millis();
    return products.updated(site, e.data(), now).compose(stock -> enabled(site).compose(all -> {
      List<Automation> drops = all.stream().filter(a -> a.trigger() == Trigger.PRICE_DROP).toList();
      boolean restocked = stock.inStock() && stock.restocks() > 0 && now - stock.restockedAtMillis() <= RESTOCK_REPEAT.toMillis();
      List<Automation> restocks = restocked ? all.stream().filter(a -> a.trigger() == Trigger.BACK_IN_STOCK).toList() : List.of();
      Object price = e.data().getValue("price");
      if (restocks.isEmpty() && (drops.isEmpty() || !(price instanceof Number))) {
        return Future.succeededFuture();
      }
      return announce(site, e, drops, restocks, stock.restocks(), price instanceof Number n ? n.doubleValue() : Double.NaN, now, 0);
    }));
  }

  private Future<Void> announce(String site, Event e, List<Automation> drops, List<Automation> restocks, long restock, double price,
                                long now, int offset) {
    String product = e.data().getString("productId") + ":" + e.data().getString("variantId", "");
    return products.viewers(site, e.data(), now, offset).compose(page -> {
      List<Future<String>> entries = new java.util.ArrayList<>();
      for (ProductWatch.Viewer v : page.viewers()) {
        List<String> subs = List.of(v.subscriptionId());
        for (Automation a : drops) {
          if (v.priceSeen().isPresent() && price < v.priceSeen().get()) {
            JsonObject data = e.data().copy().put("previousPrice", v.priceSeen().get());
            entries.add(runs.enter(site, new RunStore.Entry(a, "price:" + v.subscriptionId() + ":" + product + ":" + price, subs,
                Optional.empty(), Optional.empty(), data, e.occurredAt().toEpochMilli(), false), now));
          }
        }
        for (Automation a : restocks) {
          if (v.sawOutOfStock()) {
            entries.add(runs.enter(site, new RunStore.Entry(a, "stock:" + v.subscriptionId() + ":" + product + ":" + restock, subs,
                Optional.empty(), Optional.empty(), e.data(), e.occurredAt().toEpochMilli(), false), now));
          }
        }
      }
      return Future.all(entries).compose(v -> page.read() < ProductWatch.PAGE ? Future.succeededFuture()
          : announce(site, e, drops, restocks, restock, price, now, offset + page.read()));
    });
  }

  /** A customer's runs as the export shows them (MARKETING.md §1). */
  public Future<JsonArray> exportRuns(String site, String customer, List<String> subscriptions) {
    return runs.runsOf(site, Optional.of(customer), subscriptions).compose(ids -> runs.readAll(site, ids)).map(hashes -> {
      JsonArray out = new JsonArray();
      for (io.vertx.redis.client.Response h : hashes) {
        if (h == null || h.size() == 0) {
          continue;
        }
        JsonObject run = new JsonObject();
        for (String f : List.of("automation", "trigger", "status", "reason", "step", "phase", "cart")) {
          if (h.get(f) != null && !h.get(f).toString().isEmpty()) {
            run.put(f.equals("automation") ? "automationId" : f, h.get(f).toString());
          }
        }
        run.put("startedAt", Instant.ofEpochMilli(Long.parseLong(h.get("startedAt").toString())).toString());
        if (h.get("data") != null) {
          run.put("data", new JsonObject(h.get("data").toString()));
        }
        out.add(run);
      }
      return out;
    });
  }

  /**
   * A customer's erase, for the automations: their runs, run indexes and order markers, the
   * products they viewed and bought, and their receipts in the automations' step counts.
   */
  public Future<Void> eraseRuns(String site, String customer, List<String> subscriptions) {
    return runs.runsOf(site, Optional.of(customer), subscriptions)
        .compose(ids -> runs.erase(site, ids, Optional.of(customer), subscriptions, clock.millis()))
        .compose(v -> Future.all(subscriptions.stream().map(s -> products.forget(site, s)).toList()))
        .compose(v -> store.forgetReceipts(site, subscriptions));
  }

  /** {@code welcome}: a new subscription starts the welcome series (once per subscription). */
  public Future<Void> subscribed(String site, String subscriptionId) {
    long now = clock.millis();
    return enabled(site).compose(all -> {
      List<Future<String>> entries = new java.util.ArrayList<>();
      all.stream().filter(a -> a.trigger() == Trigger.WELCOME).forEach(a -> entries.add(runs.enter(site, new RunStore.Entry(a,
          "welcome:" + subscriptionId, List.of(subscriptionId), Optional.empty(), Optional.empty(), new JsonObject(), now, false), now)));
      return Future.all(entries).mapEmpty();
    });
  }

  /**
   * What an event starts, once recorded (a repeated event id starts nothing: it is not recorded
   * again); product views and purchases are noted for the price-drop and back-in-stock triggers.
   */
  public Future<Void> afterRecording(String site, Event e) {
    long at = e.occurredAt().toEpochMilli();
    JsonObject data = e.data();
    Future<Void> noted = switch (e.type()) {
      case "product.viewed" -> products.viewed(site, e.subscriptions(), data, at);
      case "order.completed" -> products.bought(site, e.subscriptions(), data.getJsonArray("items"));
      default -> Future.succeededFuture();
    };
    return noted.compose(n -> enabled(site)).compose(all -> {
      Future<Void> chain = Future.succeededFuture();
      for (Automation a : all) {
        Optional<RunStore.Entry> entry = entry(a, e, data, at);
        if (entry.isPresent()) {
          chain = chain.compose(v -> runs.enter(site, entry.get(), clock.millis()).mapEmpty());
        }
      }
      return chain;
    });
  }

  private static Optional<RunStore.Entry> entry(Automation a, Event e, JsonObject data, long at) {
    if (e.subscriptions().isEmpty()) {
      return Optional.empty();
    }
    return switch (a.trigger()) {
      case CART_ABANDONED -> e.type().equals("cart.updated") && !isEmpty(data.getJsonArray("items"))
          ? Optional.of(new RunStore.Entry(a, "cart:" + data.getString("cartId"), e.subscriptions(), e.customer(),
              Optional.of(data.getString("cartId")), withItemCount(data), at, true))
          : Optional.empty();
      case BROWSE_ABANDONED -> e.type().equals("product.viewed")
          ? Optional.of(new RunStore.Entry(a, browseKey(e), e.subscriptions(), e.customer(), Optional.empty(), data, at, true))
          : Optional.empty();
      case POST_PURCHASE -> e.type().equals("order.completed")
          ? Optional.of(new RunStore.Entry(a, "order:" + data.getString("orderId"), e.subscriptions(), e.customer(),
              Optional.empty(), withItemCount(data), at, false))
          : Optional.empty();
      case ORDER_STATUS -> e.type().equals("order.updated") && (a.statuses().isEmpty() || a.statuses().contains(data.getString("status")))
          ? Optional.of(new RunStore.Entry(a, "order:" + data.getString("orderId") + ":" + data.getString("status"), e.subscriptions(),
              e.customer(), Optional.empty(), data, at, false))
          : Optional.empty();
      default -> Optional.empty();
    };
  }

  /** The cart or order data with {@code itemCount}, the sum of the items' quantities (MARKETING.md §5). */
  static JsonObject withItemCount(JsonObject data) {
    JsonArray items = data.getJsonArray("items", new JsonArray());
    long count = 0;
    for (int i = 0; i < items.size(); i++) {
      Object item = items.getValue(i);
      if (item instanceof JsonObject o && o.getValue("quantity") instanceof Number n) {
        count += n.longValue();
      }
    }
    return data.copy().put("itemCount", count);
  }

  private static boolean isEmpty(JsonArray items) {
    return items == null || items.isEmpty();
  }

  /** A shopper's browse run key: the customer when known, else the subscription (the event names at least one). */
  private static String browseKey(Event e) {
    return "browse:" + e.customer().map(c -> "c:" + c).orElse("s:" + e.subscriptions().get(0));
  }

  /** The ids of the cart and browse runs an event about this cart and shopper would end, if they exist. */
  private static List<String> likelyRuns(List<Automation> all, Optional<String> cart, Event e) {
    List<String> out = new java.util.ArrayList<>();
    for (Automation a : all) {
      if (a.trigger() == Trigger.CART_ABANDONED && cart.isPresent()) {
        out.add(RunStore.runId(a.id(), "cart:" + cart.get()));
      } else if (a.trigger() == Trigger.BROWSE_ABANDONED && !e.subscriptions().isEmpty()) {
        out.add(RunStore.runId(a.id(), browseKey(e)));
      }
    }
    return out;
  }

  private static List<String> ids(List<Automation> all) {
    return all.stream().map(Automation::id).toList();
  }

  /**
   * The site's automations, enabled or not, as of one cheap read of their versions at most
   * {@link #FRESH_MS} old: those that changed are read again, the others come from this service's
   * cache (confined to its event loop). A batch of events costs one read here, and a change made
   * on another instance applies within {@link #FRESH_MS}; one made here, at once.
   */
  private Future<List<Automation>> automations(String site) {
    Long readAt = versionsReadAt.get(site);
    if (readAt != null && System.nanoTime() - readAt < FRESH_MS * 1_000_000) {
      Map<String, Cached> cached = cache.getOrDefault(site, Map.of());
      return Future.succeededFuture(cached.values().stream().map(Cached::automation).toList());
    }
    return store.versions(site).compose(versions -> {
      Map<String, Cached> cached = cache.computeIfAbsent(site, s -> new HashMap<>());
      cached.keySet().retainAll(versions.keySet());
      List<String> changed = versions.entrySet().stream()
          .filter(e -> !cached.containsKey(e.getKey()) || cached.get(e.getKey()).version() != e.getValue()).map(Map.Entry::getKey).toList();
      return store.read(site, changed).map(read -> {
        read.forEach(r -> cached.put(r.automation().id(), new Cached(versions.get(r.automation().id()), r.automation())));
        versionsReadAt.put(site, System.nanoTime());
        return cached.values().stream().map(Cached::automation).toList();
      });
    });
  }

  private Future<List<Automation>> enabled(String site) {
    return automations(site).map(all -> all.stream().filter(Automation::enabled).toList());
  }

  private static boolean any(List<Automation> all, Trigger trigger) {
    return all.stream().anyMatch(a -> a.trigger() == trigger);
  }

  private record Cached(long version, Automation automation) {
  }
}
