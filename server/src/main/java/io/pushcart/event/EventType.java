package io.pushcart.event;

import io.pushcart.common.ClientError;
import java.util.Arrays;
import java.util.Optional;

/**
 * What a store or a shopper's browser reports (MARKETING.md §3): commerce events, which feed the
 * automations and the subscribers' commerce facts, and the service worker's receipts, which
 * feed campaign stats ({@link #receiptStat()}). Each type says who may send it and which fact
 * it stamps.
 */
public enum EventType {
  CART_UPDATED("cart.updated", Sender.BROWSER_OR_SECRET, "lastCartAt", null),
  CHECKOUT_STARTED("checkout.started", Sender.BROWSER_OR_SECRET, "lastCartAt", null),
  PRODUCT_VIEWED("product.viewed", Sender.BROWSER_OR_SECRET, "lastViewedProductAt", null),
  ORDER_COMPLETED("order.completed", Sender.SECRET, "lastOrderAt", null),
  ORDER_UPDATED("order.updated", Sender.SECRET, null, null),
  ORDER_REFUNDED("order.refunded", Sender.SECRET, null, null),
  PRODUCT_UPDATED("product.updated", Sender.SECRET_NO_SUBSCRIBER, null, null),
  NOTIFICATION_DELIVERED("notification.delivered", Sender.BROWSER_OR_SECRET, null, "delivered"),
  NOTIFICATION_CLICKED("notification.clicked", Sender.BROWSER_OR_SECRET, null, "clicked"),
  NOTIFICATION_CLOSED("notification.closed", Sender.BROWSER_OR_SECRET, null, "closed");

  /** Who may send a type, and about whom. */
  public enum Sender {
    /** A shopper's browser for its own subscription, or the store's backend. */
    BROWSER_OR_SECRET,
    /** The store's backend only (the secret key). */
    SECRET,
    /** The store's backend only, about no subscriber (a catalogue change). */
    SECRET_NO_SUBSCRIBER
  }

  public final String wire;
  public final Sender sender;
  private final String fact;
  private final String receiptStat;

  EventType(String wire, Sender sender, String fact, String receiptStat) {
    this.wire = wire;
    this.sender = sender;
    this.fact = fact;
    this.receiptStat = receiptStat;
  }

  /** The campaign counter a receipt increments; empty for commerce events. */
  public Optional<String> receiptStat() {
    return Optional.ofNullable(receiptStat);
  }

  /** The subscriber fact (hash field) this event stamps with its occurredAt. */
  public Optional<String> fact() {
    return Optional.ofNullable(fact);
  }

  public static EventType parse(String value, String path) {
    return Arrays.stream(values()).filter(t -> t.wire.equals(value)).findFirst()
        .orElseThrow(() -> ClientError.invalid(path, path + " must be one of "
            + String.join(", ", Arrays.stream(values()).map(t -> t.wire).toList())));
  }
}
