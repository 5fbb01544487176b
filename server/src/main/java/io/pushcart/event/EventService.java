package io.pushcart.event;

import io.pushcart.automation.AutomationRuns;
import io.pushcart.automation.InFlightWait;
import io.pushcart.automation.ProductAlerts;
import io.pushcart.automation.Transactional;
import io.pushcart.common.ClientError;
import io.pushcart.engagement.Attribution;
import io.pushcart.customer.CustomerStore;
import io.pushcart.metrics.Metrics;
import io.pushcart.site.Site;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Accepting events (MARKETING.md §3) from stores' backends (the secret key: any type, batches of
 * up to 100) and from shoppers' browsers (their own subscription's cart, checkout, product views
 * and the service worker's receipts). An event with an {@code id} counts once however often it
 * is sent; {@code occurredAt} orders the facts it stamps, whatever order events arrive in.
 */
public final class EventService {
  static final int MAX_BATCH = 100;

  private final EventStore store;
  private final CustomerStore customers;
  private final AutomationRuns automations;
  private final ProductAlerts products;
  private final InFlightWait inFlight;
  private final Attribution attribution;
  private final Clock clock;

  public EventService(EventStore store, CustomerStore customers, AutomationRuns automations, ProductAlerts products,
                      InFlightWait inFlight, Attribution attribution, Clock clock) {
    this.inFlight = inFlight;
    this.attribution = attribution;
    this.store = store;
    this.customers = customers;
    this.automations = automations;
    this.products = products;
    this.clock = clock;
  }

  private static final String UNKNOWN = "unknown_subscription";

  /** What recording one event did: "recorded", "duplicate" or "unknown_subscription", and an order's {@code alreadySent}. */
  private record Result(String outcome, JsonArray alreadySent) {
    Result(String outcome) {
      this(outcome, new JsonArray());
    }
  }

  /**
   * {@code POST /events}: one event, or {@code {"events": [...]}} (secret only). Every event is
   * checked before any is recorded. The reply says, per event, whether it was recorded or a
   * repeat of an id already seen.
   */
  public Future<JsonObject> accept(Site site, JsonObject body, boolean withSecret) {
    try {
      return acceptChecked(site, body, withSecret);
    } catch (ClientError e) {
      Metrics.event("any", "refused");
      throw e;
    }
  }

  private Future<JsonObject> acceptChecked(Site site, JsonObject body, boolean withSecret) {
    Instant now = clock.instant();
    if (body.containsKey("events")) {
      if (!withSecret) {
        throw ClientError.forbidden("batches of events come from the store's backend, with the secret key");
      }
      if (body.size() != 1 || !(body.getValue("events") instanceof JsonArray list) || list.isEmpty() || list.size() > MAX_BATCH) {
        throw ClientError.invalid("events", "events must be a list of 1 to " + MAX_BATCH + " events, and the body nothing else");
      }
      List<CheckedEvent> events = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        if (!(list.getValue(i) instanceof JsonObject e)) {
          throw ClientError.invalid("events[" + i + "]", "events[" + i + "] must be an event object");
        }
        events.add(CheckedEvent.parse(e, "events[" + i + "].", true, now));
      }
      return recordAll(site, events, true, now).map(results -> {
        JsonArray alreadySent = new JsonArray();
        results.forEach(r -> alreadySent.addAll(r.alreadySent()));
        List<String> outcomes = results.stream().map(Result::outcome).toList();
        return new JsonObject().put("accepted", outcomes.stream().filter("recorded"::equals).count())
            .put("duplicates", outcomes.stream().filter("duplicate"::equals).count())
            .put("results", new JsonArray(outcomes)).put("alreadySent", alreadySent);
      });
    }
    CheckedEvent e = CheckedEvent.parse(body, "", withSecret, now);
    return recordAll(site, List.of(e), false, now).map(results -> results.get(0)).map(r -> {
      if (r.outcome().equals(UNKNOWN)) {
        throw ClientError.notFound("subscription " + e.subscriptionId().orElse(""));
      }
      JsonObject reply = new JsonObject().put("accepted", true).put("duplicate", r.outcome().equals("duplicate"));
      return e.type() == EventType.ORDER_COMPLETED ? reply.put("alreadySent", r.alreadySent()) : reply;
    });
  }

  /**
   * Records events in their order: a receipt is counted in its campaign's (or automation step's)
   * stats on its own; the other events go to the store together, as many as follow one another
   * (one script call: EventStore), a catalogue change first announcing what it announces. Per
   * event "recorded", "duplicate" for an id seen before, or "unknown_subscription"; an order's
   * answer comes only once the runs it ended are ended and what they had in flight has finished
   * (its {@code alreadySent}). In a batch ({@code batch}), a receipt's 404 is its
   * "unknown_subscription" and the others go on; alone, it is the answer.
   */
  private Future<List<Result>> recordAll(Site site, List<CheckedEvent> events, boolean batch, Instant now) {
    List<Result> results = new ArrayList<>(events.size());
    Future<Void> chain = Future.succeededFuture();
    int from = 0;
    while (from < events.size()) {
      CheckedEvent first = events.get(from);
      if (first.type().receiptStat().isPresent()) {
        chain = chain.compose(v -> recordReceipt(site, first, now).recover(err -> batch && err instanceof ClientError c
            && c.kind() == ClientError.Kind.NOT_FOUND ? Future.succeededFuture(UNKNOWN) : Future.failedFuture(err)).map(outcome -> {
              Metrics.event(first.type().wire, outcome);
              results.add(new Result(outcome));
              return null;
            }));
        from++;
        continue;
      }
      int to = from + 1;
      while (to < events.size() && events.get(to).type().receiptStat().isEmpty() && events.get(to).type() != EventType.PRODUCT_UPDATED) {
        to++;
      }
      List<CheckedEvent> group = events.subList(from, to);
      chain = chain.compose(v -> record(site, group, now)).map(r -> {
        results.addAll(r);
        return null;
      });
      from = to;
    }
    return chain.map(v -> results);
  }

  /** Events that follow one another, none a receipt, only the first perhaps a catalogue change: recorded in one call. */
  private Future<List<Result>> record(Site site, List<CheckedEvent> events, Instant now) {
    CheckedEvent first = events.get(0);
    Future<Void> announced = first.type() == EventType.PRODUCT_UPDATED
        ? products.productUpdated(site.id(), runEvent(first, List.of())) : Future.succeededFuture();
    return announced.compose(v -> concerned(site, events)).compose(concerned -> {
      List<AutomationRuns.Event> runEvents = new ArrayList<>(events.size());
      for (int i = 0; i < events.size(); i++) {
        runEvents.add(runEvent(events.get(i), concerned.get(i)));
      }
      return automations.changes(site.id(), runEvents).compose(changes -> {
        List<EventStore.Record> records = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
          CheckedEvent e = events.get(i);
          records.add(new EventStore.Record(e.type(), concerned.get(i), e.subscriptionId().isPresent(), e.customerId().orElse(""),
              e.occurredAt(), e.json(), key(e), changes.get(i)));
        }
        return store.record(site.id(), records, now);
      }).compose(recorded -> {
        List<Future<Void>> notes = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
          if (recorded.outcomes().get(i).equals("recorded")) {
            CheckedEvent e = events.get(i);
            List<String> clicks = recorded.clicks().get(i);
            notes.add(products.recorded(site.id(), runEvents.get(i)).compose(v -> attribute(site, e, clicks, now)));
          }
        }
        return Future.all(notes).compose(v -> inFlight.settle(site.id(), recorded.inFlight())).map(alreadySent -> {
          List<Result> out = new ArrayList<>(events.size());
          for (int i = 0; i < events.size(); i++) {
            String outcome = recorded.outcomes().get(i);
            Metrics.event(events.get(i).type().wire, outcome);
            out.add(new Result(outcome, new JsonArray()));
          }
          for (int j = 0; j < alreadySent.size(); j++) {
            out.get(recorded.inFlightOf().get(j)).alreadySent().add(alreadySent.getValue(j));
          }
          return out;
        });
      });
    });
  }

  /**
   * The subscriptions each event concerns: the one it names (whose existence the store checks), or
   * its customer's (read once per customer), or none (a catalogue change).
   */
  private Future<List<List<String>>> concerned(Site site, List<CheckedEvent> events) {
    Map<String, Future<List<String>>> byCustomer = new HashMap<>();
    for (CheckedEvent e : events) {
      if (e.subscriptionId().isEmpty()) {
        e.customerId().ifPresent(c -> byCustomer.computeIfAbsent(c, id -> customers.subscriptions(site.id(), id)));
      }
    }
    return Future.all(new ArrayList<>(byCustomer.values())).map(v -> events.stream().map(e -> e.subscriptionId().map(List::of)
        .orElseGet(() -> e.customerId().map(c -> byCustomer.get(c).result()).orElse(List.of()))).toList());
  }

  private static AutomationRuns.Event runEvent(CheckedEvent e, List<String> subscriptions) {
    return new AutomationRuns.Event(e.type().wire, subscriptions, e.customerId(), e.occurredAt(), e.data());
  }

  /** The event's idempotency key: its id; an order without one still counts once, by its orderId. */
  private static Optional<String> key(CheckedEvent e) {
    return e.id().map(id -> "id:" + id).or(() -> e.type() == EventType.ORDER_COMPLETED
        ? Optional.of("order:" + e.data().getString("orderId")) : Optional.empty());
  }

  /**
   * An order's conversion for the notification clicked before it (its subscriptions' last clicks
   * as recording read them), or a refund's subtraction (engagement.Attribution).
   */
  private Future<Void> attribute(Site site, CheckedEvent e, List<String> clicks, Instant now) {
    return switch (e.type()) {
      case ORDER_COMPLETED -> attribution.orderCompleted(site.id(), site.timezone(), clicks, e.data(), e.occurredAt(),
          site.engagement().attributionWindow(), now).mapEmpty();
      case ORDER_REFUNDED -> attribution.orderRefunded(site.id(), site.timezone(), e.data(), now).mapEmpty();
      default -> Future.succeededFuture();
    };
  }

  private Future<String> recordReceipt(Site site, CheckedEvent e, Instant now) {
    String subscriptionId = e.subscriptionId().orElseThrow();
    String stat = e.type().receiptStat().get();
    if (e.data().containsKey("automationId")) {
      String automationId = e.data().getString("automationId");
      int step = e.data().getInteger("step");
      Optional<String> run = Optional.ofNullable(e.data().getString("run"));
      return store.recordStepReceipt(site.id(), site.timezone(), automationId, step, e.data().getString("variant", ""), run, stat,
              subscriptionId, now).compose(n -> receipt(n, "automation " + automationId, e.path() + (run.isPresent() ? "data.run" : "data.step"),
          "step " + step + " of automation " + automationId + run.map(r -> " in run " + r).orElse(""), subscriptionId));
    }
    if (e.data().containsKey("notificationId")) {
      String notificationId = e.data().getString("notificationId");
      return store.recordRunReceipt(site.id(), site.timezone(), Transactional.runIdOf(notificationId), stat, subscriptionId, now).compose(n -> receipt(n,
          "notification " + notificationId, e.path() + "subscriptionId", "notification " + notificationId, subscriptionId));
    }
    String campaignId = e.data().getString("campaignId");
    return store.recordReceipt(site.id(), site.timezone(), campaignId, stat, subscriptionId, now).compose(n -> receipt(n,
        "campaign " + campaignId, e.path() + "subscriptionId", "campaign " + campaignId, subscriptionId));
  }

  /**
   * What record_receipt.lua answered, for the reply: 1 "recorded", 0 "duplicate", -1 a 404 for
   * {@code what}, -2 a 400 at {@code field} ({@code message} was not sent to the subscription).
   */
  private static Future<String> receipt(long n, String what, String field, String message, String subscriptionId) {
    return n == -1 ? Future.failedFuture(ClientError.notFound(what))
        : n == -2 ? Future.failedFuture(ClientError.invalid(field, message + " was not sent to subscription " + subscriptionId))
        : Future.succeededFuture(n == 0 ? "duplicate" : "recorded");
  }
}
