package io.pushcart.subscription;

import io.pushcart.common.ClientError;
import io.pushcart.common.Ids;
import io.pushcart.engagement.Report;
import io.pushcart.site.Identity;
import io.pushcart.site.Site;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;

/** Registering browsers' push subscriptions. */
public final class SubscriptionService {
  private final SubscriptionStore store;
  private final EndpointPolicy policy;
  private final Clock clock;
  private final Report report;

  public SubscriptionService(SubscriptionStore store, EndpointPolicy policy, Report report, Clock clock) {
    this.report = report;
    this.store = store;
    this.policy = policy;
    this.clock = clock;
  }

  /** The outcome of a registration: the stable id, and whether the endpoint was new. */
  public record Registered(String id, boolean created) {
  }

  /**
   * {@code PATCH /subscriptions/{id}}: tags, attributes and the linked customer. {@code withSecret}
   * says the store's backend sent it; a browser's {@code customerId} needs the signature that only
   * the store's backend can make ({@link Identity}).
   */
  public Future<Void> update(Site site, String id, JsonObject body, boolean withSecret) {
    SubscriptionRequest.Change change = SubscriptionRequest.parseChange(body, withSecret);
    if (change.customerId() != null && !withSecret) {
      Identity.checkSigned(site, change.customerId(), change.signature());
    }
    // Kept in the attributes, where the segment rules read it (StoredSubscriber).
    JsonObject attributes = change.customerId() == null ? change.attributes()
        : change.attributes().copy().put("customerId", change.customerId());
    return checkedId(id).compose(v -> store.update(site.id(), id, change.addTags(), change.removeTags(),
            attributes, clock.instant()))
        .compose(found -> found ? Future.succeededFuture() : Future.failedFuture(ClientError.notFound("subscription " + id)));
  }

  /** Unsubscribe: the subscription and its tag memberships are removed. */
  public Future<Void> delete(Site site, String id) {
    return checkedId(id).compose(v -> store.deleteIfEndpoint(site.id(), id, ""))
        .compose(found -> found ? report.count(site, clock.instant(), "lost", 1)
            : Future.failedFuture(ClientError.notFound("subscription " + id)));
  }

  /** What the site knows of one subscriber (never its keys). */
  public Future<JsonObject> find(Site site, String id) {
    return checkedId(id).compose(v -> store.find(site.id(), id))
        .compose(found -> found.<Future<JsonObject>>map(json -> Future.succeededFuture(withCustomerId(json)))
            .orElseGet(() -> Future.failedFuture(ClientError.notFound("subscription " + id))));
  }

  /** MARKETING.md §1: {@code customerId} when linked, from where it is stored unless the store already showed it. */
  private static JsonObject withCustomerId(JsonObject json) {
    JsonObject attributes = json.getJsonObject("attributes");
    if (!json.containsKey("customerId") && attributes != null && attributes.getValue("customerId") instanceof String customerId) {
      json.put("customerId", customerId);
    }
    return json;
  }

  private static Future<Void> checkedId(String id) {
    return Ids.looksLikeId(id) ? Future.succeededFuture() : Future.failedFuture(ClientError.notFound("subscription " + id));
  }

  /** Registers a subscription; {@code userAgent} (may be null) says which browser it is. */
  public Future<Registered> register(Site site, JsonObject body, String userAgent) {
    Subscription subscription = SubscriptionRequest.parse(body, policy);
    // The key it was made with is the one its messages must be signed with (RFC 8292 §3.2): the
    // site's current one unless the snippet says otherwise (a subscription older than a rotation).
    String vapidKey = SubscriptionRequest.applicationServerKey(body).orElse(site.vapidPublicKey());
    Device device = Device.of(userAgent, URI.create(subscription.endpoint()));
    Instant now = clock.instant();
    return store.upsert(site.id(), subscription, device, now, site.maxSubscriptions(), vapidKey)
        .compose(existed -> (existed ? Future.<Void>succeededFuture() : report.count(site, now, "gained", 1))
            .map(new Registered(subscription.id(), !existed)));
  }
}
