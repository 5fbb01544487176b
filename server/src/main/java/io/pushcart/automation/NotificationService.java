package io.pushcart.automation;

import io.pushcart.common.ClientError;
import io.pushcart.customer.CustomerStore;
import io.pushcart.personalize.Personalization;
import io.pushcart.subscription.SubscriptionStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;

/**
 * Transactional pushes (MARKETING.md §4): {@code POST /notifications} sends one message to a
 * customer's or subscription's devices now, idempotent by {@code id}; {@code GET
 * /notifications/{id}} says how it ended on each device.
 */
public final class NotificationService {
  private final RunStore runs;
  private final SubscriptionStore subscriptions;
  private final CustomerStore customers;
  private final Consumer<String> announceWork;
  private final Clock clock;

  /** @param announceWork told the site id once a push is entered, so this instance's workers send it at once */
  public NotificationService(RunStore runs, SubscriptionStore subscriptions, CustomerStore customers, Consumer<String> announceWork,
                             Clock clock) {
    this.runs = runs;
    this.subscriptions = subscriptions;
    this.customers = customers;
    this.announceWork = announceWork;
    this.clock = clock;
  }

  /** 202 {@code {id, devices, duplicate}}: entered (or, for an id seen before, nothing done). */
  public Future<JsonObject> send(String site, JsonObject body) {
    Transactional t = Transactional.parse(body);
    Future<List<String>> devices = t.subscriptionId().isPresent()
        ? subscriptions.exists(site, t.subscriptionId().get()).compose(found -> found ? Future.succeededFuture(List.of(t.subscriptionId().get()))
            : Future.failedFuture(ClientError.notFound("subscription " + t.subscriptionId().get())))
        : customers.subscriptions(site, t.customerId().get());
    return devices.compose(ids -> (ids.isEmpty() ? Future.succeededFuture("none") : runs.enter(site, t, ids, clock.millis())).map(entered -> {
      if (entered.equals("started")) {
        announceWork.accept(site);
      }
      return new JsonObject().put("id", t.id()).put("devices", ids.size())
          .put("duplicate", !entered.equals("started") && !entered.equals("none"));
    }));
  }

  /**
   * {@code POST /preview} {@code {notification, subscriptionId, context?}}: the notification that
   * subscriber would get, rendered as it would be sent (MARKETING.md §5); a message
   * that would be suppressed says why ({@code suppressed: missingData|tooLarge, detail}).
   */
  public Future<JsonObject> preview(String site, String siteName, JsonObject body) {
    for (String key : body.fieldNames()) {
      if (!java.util.Set.of("notification", "subscriptionId", "context").contains(key)) {
        throw ClientError.invalid(key, "a preview has notification, subscriptionId and context; unknown field " + key);
      }
    }
    Transactional t = Transactional.parse(new JsonObject().put("subscriptionId", body.getValue("subscriptionId"))
        .put("notification", body.getValue("notification")).put("context", body.getValue("context", new JsonObject())));
    String id = t.subscriptionId().orElseThrow();
    return subscriptions.subscriber(site, id).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(ClientError.notFound("subscription " + id));
      }
      Personalization.Result r = Personalization.payload(t.step().template(), found.get().toContext(id), siteName, t.roots(),
          new JsonObject(), null);
      return Future.succeededFuture(r instanceof Personalization.Result.Payload p
          ? new JsonObject().put("notification", p.json()).put("bytes", p.bytes().length)
          : new JsonObject().put("suppressed", ((Personalization.Result.Suppressed) r).reason())
              .put("detail", ((Personalization.Result.Suppressed) r).detail()));
    });
  }

  /**
   * {@code {id, status: sending|sent, createdAt, devices: [{subscriptionId, outcome}], stats:
   * {delivered, clicked, closed}}}, outcome pending until it ends.
   */
  public Future<JsonObject> find(String site, String id) {
    if (id == null || id.isEmpty() || id.length() > 64) {
      throw ClientError.notFound("notification " + id);
    }
    return runs.read(site, Transactional.runIdOf(id)).compose(run -> {
      if (run == null || run.get("def") == null) {
        return Future.failedFuture(ClientError.notFound("notification " + id));
      }
      JsonArray devices = new JsonArray();
      String prefix = run.get("gen") + "." + 1 + ":";
      for (Object sub : new JsonArray(run.get("subs").toString())) {
        Response state = run.get(prefix + sub);
        String s = state == null ? "pending" : state.toString();
        devices.add(new JsonObject().put("subscriptionId", sub)
            .put("outcome", RunStore.settled(s) ? s : s.startsWith("h") ? "held" : "pending"));
      }
      boolean ended = "ended".equals(run.get("status").toString());
      JsonObject stats = new JsonObject(); // the service worker's receipts, once per device
      java.util.Map<String, Long> counters = new java.util.HashMap<>();
      for (String key : run.getKeys()) {
        if (key.startsWith("step:1:")) {
          counters.put(key, run.get(key).toLong());
        }
      }
      for (String stat : java.util.List.of("delivered", "clicked", "closed", "conversions")) {
        stats.put(stat, counters.getOrDefault("step:1:" + stat, 0L));
      }
      stats.put("revenue", io.pushcart.campaign.CampaignStats.revenue(counters, "step:1:"));
      return Future.succeededFuture(new JsonObject().put("id", id).put("status", ended ? "sent" : "sending")
          .put("createdAt", java.time.Instant.ofEpochMilli(Long.parseLong(run.get("startedAt").toString())).toString())
          .put("devices", devices).put("stats", stats));
    });
  }
}
