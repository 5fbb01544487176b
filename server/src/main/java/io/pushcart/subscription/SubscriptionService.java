package io.pushcart.subscription;

import io.pushcart.site.Site;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;

/** Registering browsers' push subscriptions. */
public final class SubscriptionService {
  private final SubscriptionStore store;
  private final EndpointPolicy policy;
  private final Clock clock;

  public SubscriptionService(SubscriptionStore store, EndpointPolicy policy, Clock clock) {
    this.store = store;
    this.policy = policy;
    this.clock = clock;
  }

  /** The outcome of a registration: the stable id, and whether the endpoint was new. */
  public record Registered(String id, boolean created) {
  }

  public Future<Registered> register(Site site, JsonObject body) {
    Subscription subscription = SubscriptionRequest.parse(body, policy);
    return store.upsert(site.id(), subscription, clock.instant())
        .map(existed -> new Registered(subscription.id(), !existed));
  }
}
