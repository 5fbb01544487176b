package io.pushcart.automation;

import io.pushcart.common.ClientError;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;

/**
 * What starts an automation's run (MARKETING.md §4), which data its messages may use, and its
 * re-entry policy: when a run of the same key (a cart, a shopper's browsing, an order) may start
 * again after one ended.
 */
public enum Trigger {
  /** A cart with items; one run per cart, refreshed by every newer update; again only after the cart was emptied. */
  CART_ABANDONED("cart_abandoned", "cart", Reentry.AFTER_EMPTIED),
  /** A product view with no cart or order after it; a shopper gets it at most once a day. */
  BROWSE_ABANDONED("browse_abandoned", "product", Reentry.daily()),
  PRICE_DROP("price_drop", "product", Reentry.NEVER),
  BACK_IN_STOCK("back_in_stock", "product", Reentry.NEVER),
  /** A new subscription: once per subscription. */
  WELCOME("welcome", null, Reentry.NEVER),
  /** An order: once per order. */
  POST_PURCHASE("post_purchase", "order", Reentry.NEVER),
  /** An order's status change: once per order and status. */
  ORDER_STATUS("order_status", "order", Reentry.NEVER);

  /** When a run of a key that ended may start again. */
  public record Reentry(String wire) {
    static final Reentry AFTER_EMPTIED = new Reentry("emptied");
    static final Reentry NEVER = new Reentry("never");

    static Reentry daily() {
      return new Reentry(String.valueOf(Duration.ofDays(1).toMillis()));
    }
  }

  /** The roots every template may use. */
  static final Set<String> COMMON_ROOTS = Set.of("subscriber", "site");

  public final String wire;
  /** The root the trigger's event data is under in templates (cart, product, order), or null. */
  public final String dataRoot;
  public final Reentry reentry;

  Trigger(String wire, String dataRoot, Reentry reentry) {
    this.wire = wire;
    this.dataRoot = dataRoot;
    this.reentry = reentry;
  }

  /** The template roots this trigger's messages may use. */
  Set<String> roots() {
    return dataRoot == null ? COMMON_ROOTS : Set.of("subscriber", "site", dataRoot);
  }

  static Trigger parse(String value, String path) {
    return Arrays.stream(values()).filter(t -> t.wire.equals(value)).findFirst()
        .orElseThrow(() -> ClientError.invalid(path, path + " must be one of "
            + String.join(", ", Arrays.stream(values()).map(t -> t.wire).toList())));
  }
}
