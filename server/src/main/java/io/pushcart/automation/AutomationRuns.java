package io.pushcart.automation;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What happens to automation runs (MARKETING.md §4): commerce events and new subscriptions start
 * or refresh them and end them, and a customer's export and erase read and delete them.
 * Catalogue changes start theirs in {@link ProductAlerts}; an order's wait for the messages its
 * runs had already handed to a push service is {@link InFlightWait}'s.
 */
public final class AutomationRuns {
  /** The runs an order ends: every series it makes pointless. */
  static final Set<Trigger> ENDED_BY_ORDER = EnumSet.of(Trigger.CART_ABANDONED, Trigger.BROWSE_ABANDONED);
  private final AutomationStore store;
  private final AutomationCache cache;
  private final RunStore runs;
  private final ProductWatch products;
  private final Clock clock;

  AutomationRuns(AutomationStore store, AutomationCache cache, RunStore runs, ProductWatch products, Clock clock) {
    this.store = store;
    this.cache = cache;
    this.runs = runs;
    this.products = products;
    this.clock = clock;
  }

  /** A commerce event as the automations see it: whom it concerns and what it says. */
  public record Event(String type, List<String> subscriptions, Optional<String> customer, Instant occurredAt, JsonObject data) {
  }

  /**
   * What a commerce event does to runs, for record_events.lua: what it ends before it is recorded
   * ({@code exit}, null for nothing), the entries it starts or refreshes once recorded, and the
   * keys these name or most likely touch.
   */
  public record RunChanges(JsonObject exit, JsonArray enters, List<String> keys) {
    /** An event that changes no run. */
    public static RunChanges none() {
      return new RunChanges(null, new JsonArray(), List.of());
    }
  }

  /**
   * What each event does to runs (one read of the site's automations for all): an order ends the
   * cart and browse runs of its cart, customer and subscriptions (its answer then waits for what
   * they had in flight: {@link #settle}); an emptied cart ends its cart's runs; a cart update ends
   * browse runs. Then each enabled automation it triggers gets an entry.
   */
  public Future<List<RunChanges>> changes(String site, List<Event> events) {
    return cache.all(site).map(all -> {
      List<Automation> enabled = all.stream().filter(Automation::enabled).toList();
      List<RunChanges> out = new java.util.ArrayList<>(events.size());
      for (Event e : events) {
        List<String> keys = new java.util.ArrayList<>();
        JsonObject exit = exit(site, e, all, keys);
        JsonArray enters = new JsonArray();
        for (Automation a : enabled) {
          entry(a, e, e.data(), e.occurredAt().toEpochMilli()).ifPresent(entry -> enters.add(runs.entry(site, entry, keys)));
        }
        out.add(new RunChanges(exit, enters, keys));
      }
      return out;
    });
  }

  /** What event {@code e} ends, or null. (A deleted automation's runs end when their step comes: nothing for a trigger no automation has.) */
  private JsonObject exit(String site, Event e, List<Automation> all, List<String> keys) {
    Optional<String> cart = Optional.ofNullable(e.data().getString("cartId"));
    return switch (e.type()) {
      case "order.completed" -> runs.exit(site, "converted", ENDED_BY_ORDER, cart, cartRuns(all, cart), e.customer(), e.subscriptions(),
          Optional.of(e.occurredAt().toEpochMilli()), ids(all), likelyBrowseRuns(all, e), keys);
      case "cart.updated" -> isEmpty(e.data().getJsonArray("items"))
          ? any(all, Trigger.CART_ABANDONED) ? runs.exit(site, "emptied", Set.of(Trigger.CART_ABANDONED), cart, cartRuns(all, cart),
              Optional.empty(), List.of(), Optional.empty(), ids(all), likelyBrowseRuns(all, e), keys) : null
          : any(all, Trigger.BROWSE_ABANDONED) ? runs.exit(site, "carted", Set.of(Trigger.BROWSE_ABANDONED), Optional.empty(),
              List.of(), e.customer(), e.subscriptions(), Optional.empty(), ids(all), likelyBrowseRuns(all, e), keys) : null;
      default -> null;
    };
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
    return cache.enabled(site).compose(all -> {
      List<Future<String>> entries = new java.util.ArrayList<>();
      all.stream().filter(a -> a.trigger() == Trigger.WELCOME).forEach(a -> entries.add(runs.enter(site, new RunStore.Entry(a,
          "welcome:" + subscriptionId, List.of(subscriptionId), Optional.empty(), Optional.empty(), new JsonObject(), now, false), now)));
      return Future.all(entries).mapEmpty();
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

  /**
   * The ids of the browse runs an event about this shopper would end, if they exist (found through
   * index sets, so guessed up front; a cart's runs are named: {@link #cartRuns}).
   */
  private static List<String> likelyBrowseRuns(List<Automation> all, Event e) {
    return e.subscriptions().isEmpty() ? List.of() : all.stream().filter(a -> a.trigger() == Trigger.BROWSE_ABANDONED)
        .map(a -> RunStore.runId(a.id(), browseKey(e))).toList();
  }

  /**
   * The ids a cart's runs have, one per cart automation (a run's id is its automation's and its run
   * key's): what ends a cart's runs names them, so a cart needs no index set. (A deleted
   * automation's runs end when their step comes.)
   */
  private static List<String> cartRuns(List<Automation> all, Optional<String> cart) {
    return cart.isEmpty() ? List.of() : all.stream().filter(a -> a.trigger() == Trigger.CART_ABANDONED)
        .map(a -> RunStore.runId(a.id(), "cart:" + cart.get())).toList();
  }

  private static List<String> ids(List<Automation> all) {
    return all.stream().map(Automation::id).toList();
  }

  private static boolean any(List<Automation> all, Trigger trigger) {
    return all.stream().anyMatch(a -> a.trigger() == trigger);
  }
}
