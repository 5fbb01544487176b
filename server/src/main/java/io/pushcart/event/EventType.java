package io.pushcart.event;

import io.pushcart.common.ClientError;
import java.util.Arrays;
import java.util.Optional;

/**
 * What a store or a shopper's browser reports. Commerce events feed the automations; the
 * service worker's receipts feed campaign stats ({@link #receiptStat()}).
 */
public enum EventType {
  CART_UPDATED("cart.updated", null),
  ORDER_COMPLETED("order.completed", null),
  PRODUCT_VIEWED("product.viewed", null),
  NOTIFICATION_DELIVERED("notification.delivered", "delivered"),
  NOTIFICATION_CLICKED("notification.clicked", "clicked"),
  NOTIFICATION_CLOSED("notification.closed", "closed");

  public final String wire;
  private final String receiptStat;

  EventType(String wire, String receiptStat) {
    this.wire = wire;
    this.receiptStat = receiptStat;
  }

  /** The campaign counter a receipt increments; empty for commerce events. */
  public Optional<String> receiptStat() {
    return Optional.ofNullable(receiptStat);
  }

  public static EventType parse(String value) {
    return Arrays.stream(values()).filter(t -> t.wire.equals(value)).findFirst()
        .orElseThrow(() -> ClientError.invalid("type", "type must be one of "
            + String.join(", ", Arrays.stream(values()).map(t -> t.wire).toList())));
  }
}
