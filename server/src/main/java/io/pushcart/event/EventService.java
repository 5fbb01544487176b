package io.pushcart.event;

import io.pushcart.common.ClientError;
import io.pushcart.common.Ids;
import io.pushcart.common.JsonFields;
import io.pushcart.site.Site;
import io.pushcart.subscription.SubscriptionStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/** Accepting events from stores and from shoppers' browsers. */
public final class EventService {
  static final int MAX_DATA_BYTES = 4096;

  private final EventStore store;
  private final SubscriptionStore subscriptions;
  private final Clock clock;

  public EventService(EventStore store, SubscriptionStore subscriptions, Clock clock) {
    this.store = store;
    this.subscriptions = subscriptions;
    this.clock = clock;
  }

  public Future<Void> accept(Site site, JsonObject body) {
    JsonFields f = JsonFields.of(body);
    String subscriptionId = f.requiredString("subscriptionId", 64);
    EventType type = EventType.parse(f.requiredString("type", 64));
    JsonObject data = f.optionalObject("data").map(JsonFields::json).orElseGet(JsonObject::new);
    if (data.encode().getBytes(StandardCharsets.UTF_8).length > MAX_DATA_BYTES) {
      throw ClientError.invalid("data", "data is larger than " + MAX_DATA_BYTES + " bytes");
    }
    if (!Ids.looksLikeId(subscriptionId)) {
      throw ClientError.invalid("subscriptionId", "subscriptionId is not a subscription id");
    }
    if (type.receiptStat().isPresent()) {
      String campaignId = JsonFields.at(data, "data.").requiredString("campaignId", 64);
      return store.recordReceipt(site.id(), campaignId, type.receiptStat().get(), subscriptionId, clock.instant())
          .compose(n -> n == -1 ? Future.failedFuture(ClientError.notFound("campaign " + campaignId))
              : n == -2 ? Future.failedFuture(ClientError.invalid("subscriptionId",
                  "campaign " + campaignId + " was not sent to subscription " + subscriptionId))
              : Future.succeededFuture());
    }
    return subscriptions.exists(site.id(), subscriptionId).compose(exists -> exists
        ? store.append(site.id(), subscriptionId, type, data, clock.instant())
        : Future.failedFuture(ClientError.notFound("subscription " + subscriptionId)));
  }
}
