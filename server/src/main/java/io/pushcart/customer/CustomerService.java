package io.pushcart.customer;

import io.pushcart.common.ClientError;
import io.pushcart.site.Identity;
import io.pushcart.site.Site;
import io.pushcart.subscription.SubscriptionService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A store's customer (MARKETING.md §1): export everything kept of them, change every one of
 * their subscriptions at once, and erase them (GDPR).
 */
public final class CustomerService {
  private final CustomerStore store;
  private final SubscriptionService subscriptions;
  private final Runs runs;

  /** What the automations keep of a customer (automation/AutomationService), seen from here without depending on it. */
  public interface Runs {
    Future<JsonArray> export(String site, String customerId, List<String> subscriptions);

    Future<Void> erase(String site, String customerId, List<String> subscriptions);
  }

  public CustomerService(CustomerStore store, SubscriptionService subscriptions, Runs runs) {
    this.runs = runs;
    this.store = store;
    this.subscriptions = subscriptions;
  }

  /** {@code GET /customers/{id}}: the customer's subscriptions (attributes, tags), automation runs and stored events. */
  public Future<JsonObject> export(Site site, String customerId) {
    String id = checked(customerId);
    return store.subscriptions(site.id(), id).compose(ids -> {
      if (ids.isEmpty()) {
        return Future.failedFuture(ClientError.notFound("customer " + id + " (no subscription is linked to it)"));
      }
      Future<List<Optional<JsonObject>>> subs = Future.all(ids.stream().map(s -> subscriptions.find(site, s)
          .map(Optional::of).otherwise(Optional.empty())).toList()).map(all -> all.list());
      return subs.compose(found -> runs.export(site.id(), id, ids).compose(runList -> store.events(site.id(), id, new HashSet<>(ids))
          .map(events -> new JsonObject()
              .put("customerId", id)
              .put("subscriptions", new JsonArray(found.stream().flatMap(Optional::stream).toList()))
              .put("runs", runList)
              .put("events", new JsonArray(events)))));
    });
  }

  /** {@code PATCH /customers/{id}} {@code {tags: {add, remove}, attributes}}: applied to each of the customer's subscriptions. */
  public Future<JsonObject> update(Site site, String customerId, JsonObject body) {
    String id = checked(customerId);
    for (String key : body.fieldNames()) {
      if (!key.equals("tags") && !key.equals("attributes")) {
        throw ClientError.invalid(key, "a customer's PATCH takes tags and attributes; unknown field " + key);
      }
    }
    return store.subscriptions(site.id(), id).compose(ids -> {
      if (ids.isEmpty()) {
        return Future.failedFuture(ClientError.notFound("customer " + id + " (no subscription is linked to it)"));
      }
      Future<Void> chain = Future.succeededFuture();
      for (String s : ids) {
        chain = chain.compose(v -> subscriptions.update(site, s, body, true)
            .recover(err -> err instanceof ClientError e && e.kind() == ClientError.Kind.NOT_FOUND
                ? Future.succeededFuture() : Future.failedFuture(err)));
      }
      return chain.map(v -> new JsonObject().put("customerId", id).put("subscriptions", ids.size()));
    });
  }

  /**
   * {@code DELETE /customers/{id}}: every subscription (and its index entries), its automation runs
   * and what automations kept of it, its events, what campaigns kept of it, and the customer's set. Idempotent: erasing an unknown customer succeeds.
   */
  public Future<Void> erase(Site site, String customerId) {
    String id = checked(customerId);
    return store.subscriptions(site.id(), id).compose(ids -> {
      Set<String> all = new HashSet<>(ids);
      Future<Void> chain = Future.succeededFuture();
      for (String s : ids) {
        chain = chain.compose(v -> subscriptions.delete(site, s).recover(err -> err instanceof ClientError
            ? Future.succeededFuture() : Future.failedFuture(err)));
      }
      return chain.compose(v -> runs.erase(site.id(), id, ids))
          .compose(v -> store.deleteEvents(site.id(), id, all))
          .compose(v -> all.isEmpty() ? Future.<Void>succeededFuture() : store.forgetInCampaigns(site.id(), all))
          .compose(v -> store.deleteSet(site.id(), id));
    });
  }

  private static String checked(String customerId) {
    return Identity.customerId(customerId, "customerId");
  }
}
