package io.pushcart.event;

import io.pushcart.automation.AutomationRuns;
import io.pushcart.automation.Transactional;
import io.pushcart.common.ClientError;
import io.pushcart.engagement.Attribution;
import io.pushcart.common.Ids;
import io.pushcart.common.JsonFields;
import io.pushcart.customer.CustomerStore;
import io.pushcart.metrics.Metrics;
import io.pushcart.site.Identity;
import io.pushcart.site.Site;
import io.pushcart.subscription.SubscriptionStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Accepting events (MARKETING.md §3) from stores' backends (the secret key: any type, batches of
 * up to 100) and from shoppers' browsers (their own subscription's cart, checkout, product views
 * and the service worker's receipts). An event with an {@code id} counts once however often it
 * is sent; {@code occurredAt} orders the facts it stamps, whatever order events arrive in.
 */
public final class EventService {
  static final int MAX_DATA_BYTES = 32 * 1024;
  static final int MAX_BATCH = 100;
  /** How far ahead of our clock an occurredAt may be (a store's clock may run a little fast). */
  static final Duration MAX_AHEAD = Duration.ofMinutes(5);
  private static final Set<String> FIELDS = Set.of("id", "type", "subscriptionId", "customerId", "occurredAt", "data");

  private final EventStore store;
  private final SubscriptionStore subscriptions;
  private final CustomerStore customers;
  private final AutomationRuns automations;
  private final Attribution attribution;
  private final Clock clock;

  public EventService(EventStore store, SubscriptionStore subscriptions, CustomerStore customers, AutomationRuns automations,
                      Attribution attribution, Clock clock) {
    this.attribution = attribution;
    this.store = store;
    this.subscriptions = subscriptions;
    this.customers = customers;
    this.automations = automations;
    this.clock = clock;
  }

  /** What recording one event did: "recorded", "duplicate" or "unknown_subscription", and an order's {@code alreadySent}. */
  private record Result(String outcome, JsonArray alreadySent) {
    Result(String outcome) {
      this(outcome, new JsonArray());
    }
  }

  /** One event checked, and whom it concerns. */
  private record Event(Optional<String> id, EventType type, Optional<String> subscriptionId, Optional<String> customerId,
                       Instant occurredAt, JsonObject data, String path) {
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
      List<Event> events = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        if (!(list.getValue(i) instanceof JsonObject e)) {
          throw ClientError.invalid("events[" + i + "]", "events[" + i + "] must be an event object");
        }
        events.add(parse(e, "events[" + i + "].", true, now));
      }
      List<String> results = new ArrayList<>();
      JsonArray alreadySent = new JsonArray();
      Future<Void> chain = Future.succeededFuture();
      for (Event e : events) {
        chain = chain.compose(v -> record(site, e, now).recover(err -> err instanceof ClientError c
            && c.kind() == ClientError.Kind.NOT_FOUND ? Future.succeededFuture(new Result("unknown_subscription")) : Future.failedFuture(err))
            .map(r -> {
              results.add(r.outcome());
              alreadySent.addAll(r.alreadySent());
              return null;
            }));
      }
      return chain.map(v -> new JsonObject().put("accepted", results.stream().filter("recorded"::equals).count())
          .put("duplicates", results.stream().filter("duplicate"::equals).count())
          .put("results", new JsonArray(results)).put("alreadySent", alreadySent));
    }
    Event e = parse(body, "", withSecret, now);
    return record(site, e, now).map(r -> {
      JsonObject reply = new JsonObject().put("accepted", true).put("duplicate", r.outcome().equals("duplicate"));
      return e.type() == EventType.ORDER_COMPLETED ? reply.put("alreadySent", r.alreadySent()) : reply;
    });
  }

  private Event parse(JsonObject json, String prefix, boolean withSecret, Instant now) {
    for (String key : json.fieldNames()) {
      if (!FIELDS.contains(key)) {
        throw ClientError.invalid(prefix + key, "an event has " + String.join(", ", FIELDS.stream().sorted().toList())
            + "; unknown field " + prefix + key);
      }
    }
    JsonFields f = JsonFields.at(json, prefix);
    EventType type = EventType.parse(f.requiredString("type", 64), prefix + "type");
    Optional<String> id = f.optionalString("id", 64);
    Optional<String> subscription = f.optionalString("subscriptionId", 64);
    Optional<String> customer = json.containsKey("customerId")
        ? Optional.of(Identity.customerId(json.getValue("customerId"), prefix + "customerId")) : Optional.empty();
    if (!withSecret && type.sender != EventType.Sender.BROWSER_OR_SECRET) {
      throw ClientError.forbidden(type.wire + " comes from the store's backend: send it with the secret key");
    }
    if (!withSecret && customer.isPresent()) {
      throw ClientError.forbidden("a browser sends events for its own subscription (subscriptionId), not for a customer");
    }
    if (type.sender == EventType.Sender.SECRET_NO_SUBSCRIBER) {
      if (subscription.isPresent() || customer.isPresent()) {
        throw ClientError.invalid(prefix + "type", type.wire + " is about the catalogue: send it without subscriptionId or customerId");
      }
    } else if (subscription.isPresent() == customer.isPresent()) {
      throw ClientError.invalid(prefix + "subscriptionId", "an event names exactly one of subscriptionId and customerId");
    } else if (type.receiptStat().isPresent() && subscription.isEmpty()) {
      throw ClientError.invalid(prefix + "subscriptionId", "a receipt names the subscriptionId that received the notification");
    }
    subscription.filter(s -> !Ids.looksLikeId(s)).ifPresent(s -> {
      throw ClientError.invalid(prefix + "subscriptionId", prefix + "subscriptionId is not a subscription id");
    });
    Instant occurredAt = f.optionalString("occurredAt", 64).map(t -> time(t, prefix + "occurredAt")).orElse(now);
    if (occurredAt.isAfter(now.plus(MAX_AHEAD))) {
      throw ClientError.invalid(prefix + "occurredAt", prefix + "occurredAt is in the future: send when the event happened");
    }
    JsonObject data = f.optionalObject("data").map(JsonFields::json).orElseGet(JsonObject::new);
    if (data.encode().getBytes(StandardCharsets.UTF_8).length > MAX_DATA_BYTES) {
      throw ClientError.invalid(prefix + "data", prefix + "data is larger than " + MAX_DATA_BYTES + " bytes");
    }
    EventData.check(type, data, prefix + "data");
    return new Event(id, type, subscription, customer, occurredAt, data, prefix);
  }

  private static Instant time(String text, String path) {
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw ClientError.invalid(path, path + " must be an RFC 3339 time such as 2026-11-29T10:15:00Z");
    }
  }

  /**
   * "recorded", or "duplicate" for an id seen before; a receipt is counted in its campaign's (or
   * automation step's) stats instead. What the event ends among automation runs is done before it
   * is recorded, and what it starts after: an order's answer comes only once its runs are ended
   * and what they had in flight has finished (its {@code alreadySent}).
   */
  private Future<Result> record(Site site, Event e, Instant now) {
    if (e.type().receiptStat().isPresent()) {
      return recordReceipt(site, e, now).map(Result::new).onSuccess(result -> Metrics.event(e.type().wire, result.outcome()));
    }
    Future<List<String>> concerned = e.subscriptionId().isPresent()
        ? subscriptions.exists(site.id(), e.subscriptionId().get()).compose(found -> found
            ? Future.succeededFuture(List.of(e.subscriptionId().get()))
            : Future.failedFuture(ClientError.notFound("subscription " + e.subscriptionId().get())))
        : e.customerId().isPresent() ? customers.subscriptions(site.id(), e.customerId().get())
        : Future.succeededFuture(List.of());
    // An order without an event id still counts once: its orderId is the id.
    Optional<String> key = e.id().map(id -> "id:" + id).or(() -> e.type() == EventType.ORDER_COMPLETED
        ? Optional.of("order:" + e.data().getString("orderId")) : Optional.empty());
    return concerned.compose(ids -> {
      AutomationRuns.Event event = new AutomationRuns.Event(e.type().wire, ids, e.customerId(), e.occurredAt(), e.data());
      return automations.beforeRecording(site.id(), event).compose(alreadySent -> store.record(site.id(),
              new EventStore.Record(e.type(), ids, e.customerId().orElse(""), e.occurredAt(), e.data(), key, now))
          .compose(recorded -> recorded ? automations.afterRecording(site.id(), event)
              .compose(v -> attribute(site, e, ids, now)).map(new Result("recorded", alreadySent))
              : Future.succeededFuture(new Result("duplicate", alreadySent))));
    }).onSuccess(result -> Metrics.event(e.type().wire, result.outcome()));
  }

  /** An order's conversion for the notification clicked before it, or a refund's subtraction (engagement.Attribution). */
  private Future<Void> attribute(Site site, Event e, List<String> subscriptions, Instant now) {
    return switch (e.type()) {
      case ORDER_COMPLETED -> attribution.orderCompleted(site.id(), site.timezone(), subscriptions, e.data(), e.occurredAt(),
          site.engagement().attributionWindow(), now).mapEmpty();
      case ORDER_REFUNDED -> attribution.orderRefunded(site.id(), site.timezone(), e.data(), now).mapEmpty();
      default -> Future.succeededFuture();
    };
  }

  private Future<String> recordReceipt(Site site, Event e, Instant now) {
    String subscriptionId = e.subscriptionId().orElseThrow();
    String stat = e.type().receiptStat().get();
    if (e.data().containsKey("automationId")) {
      String automationId = e.data().getString("automationId");
      int step = e.data().getInteger("step");
      return store.recordStepReceipt(site.id(), site.timezone(), automationId, step, e.data().getString("variant", ""), stat,
              subscriptionId, now).compose(n -> receipt(n,
          "automation " + automationId, e.path() + "data.step", "step " + step + " of automation " + automationId, subscriptionId));
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
