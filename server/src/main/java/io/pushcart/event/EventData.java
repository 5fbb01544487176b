package io.pushcart.event;

import io.pushcart.automation.RunStore;
import io.pushcart.common.ClientError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code data} of each event type (MARKETING.md §3), checked field by field: a wrong type or
 * a missing required field is a 400 naming its path ({@code events[3].data.items[0].price}).
 * Fields not listed are kept as sent (a store may add its own, for its templates).
 */
final class EventData {
  private enum Kind { TEXT, URL, NUMBER, MONEY, COUNT, BOOLEAN, CURRENCY, ITEMS, STATUS }

  private record Spec(String name, Kind kind, boolean required) {
  }

  static final int MAX_ITEMS = 100;
  private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
  private static final Set<String> STATUSES = Set.of("shipped", "outForDelivery", "delivered", "delayed", "cancelled");
  private static final List<Spec> ITEM = List.of(new Spec("productId", Kind.TEXT, true), new Spec("variantId", Kind.TEXT, false),
      new Spec("name", Kind.TEXT, false), new Spec("quantity", Kind.COUNT, false), new Spec("price", Kind.MONEY, false),
      new Spec("imageUrl", Kind.URL, false), new Spec("url", Kind.URL, false));
  private static final List<Spec> PRODUCT = List.of(new Spec("productId", Kind.TEXT, true),
      new Spec("variantId", Kind.TEXT, false), new Spec("name", Kind.TEXT, false), new Spec("price", Kind.MONEY, false),
      new Spec("currency", Kind.CURRENCY, false), new Spec("inStock", Kind.BOOLEAN, false), new Spec("imageUrl", Kind.URL, false),
      new Spec("url", Kind.URL, false));
  private static final Map<EventType, List<Spec>> SPECS = Map.of(
      EventType.CART_UPDATED, List.of(new Spec("cartId", Kind.TEXT, true), new Spec("items", Kind.ITEMS, true),
          new Spec("total", Kind.MONEY, false), new Spec("currency", Kind.CURRENCY, false), new Spec("checkoutUrl", Kind.URL, false)),
      EventType.CHECKOUT_STARTED, List.of(new Spec("cartId", Kind.TEXT, true)),
      EventType.PRODUCT_VIEWED, PRODUCT,
      EventType.PRODUCT_UPDATED, PRODUCT,
      EventType.ORDER_COMPLETED, List.of(new Spec("orderId", Kind.TEXT, true), new Spec("cartId", Kind.TEXT, false),
          new Spec("total", Kind.MONEY, false), new Spec("currency", Kind.CURRENCY, false), new Spec("items", Kind.ITEMS, false)),
      EventType.ORDER_UPDATED, List.of(new Spec("orderId", Kind.TEXT, true), new Spec("status", Kind.STATUS, true),
          new Spec("trackingUrl", Kind.URL, false), new Spec("message", Kind.TEXT, false)),
      EventType.ORDER_REFUNDED, List.of(new Spec("orderId", Kind.TEXT, true), new Spec("amount", Kind.MONEY, true),
          new Spec("currency", Kind.CURRENCY, false)));

  private EventData() {
  }

  /** Checks {@code data} of an event of {@code type}; {@code path} is where it stands ("data", "events[2].data"). */
  static void check(EventType type, JsonObject data, String path) {
    if (type.receiptStat().isPresent()) {
      if (data.containsKey("automationId")) {
        check(data, List.of(new Spec("automationId", Kind.TEXT, true), new Spec("step", Kind.COUNT, true),
            new Spec("variant", Kind.TEXT, false), new Spec("run", Kind.TEXT, false)), path);
        // The run the message belonged to, as its payload named it: one of this automation's.
        if (data.getValue("run") instanceof String r && !RunStore.isRunReference(data.getString("automationId"), r)) {
          throw ClientError.invalid(path + ".run", path + ".run is the run the message belonged to, as its payload named it");
        }
        if (data.getValue("variant") instanceof String v && !v.matches("[A-Za-z0-9_-]{1,32}")) {
          throw ClientError.invalid(path + ".variant", path + ".variant is the name of the step's variant the message carried");
        }
        if (data.getValue("step") instanceof Number n && (n.intValue() < 1 || n.intValue() > 10)) {
          throw ClientError.invalid(path + ".step", path + ".step must be the step's number, 1 to 10");
        }
      } else if (data.containsKey("notificationId")) {
        check(data, List.of(new Spec("notificationId", Kind.TEXT, true)), path);
      } else {
        check(data, List.of(new Spec("campaignId", Kind.TEXT, true)), path);
      }
      return;
    }
    check(data, SPECS.get(type), path);
  }

  private static void check(JsonObject data, List<Spec> specs, String path) {
    for (Spec spec : specs) {
      Object value = data.getValue(spec.name());
      String at = path + "." + spec.name();
      if (value == null) {
        if (spec.required()) {
          throw ClientError.invalid(at, at + " is required");
        }
        continue;
      }
      switch (spec.kind()) {
        case TEXT, URL -> {
          int max = spec.kind() == Kind.URL ? 2048 : 500;
          if (!(value instanceof String s) || s.isEmpty() || s.length() > max) {
            throw ClientError.invalid(at, at + " must be a string of 1 to " + max + " characters");
          }
          if (spec.kind() == Kind.URL && !s.startsWith("https://") && !s.startsWith("http://")) {
            throw ClientError.invalid(at, at + " must be an http(s) URL");
          }
        }
        case NUMBER, MONEY -> {
          if (!(value instanceof Number n) || !Double.isFinite(n.doubleValue()) || n.doubleValue() < 0) {
            throw ClientError.invalid(at, at + " must be a number, 0 or more (an amount in the currency's units, such as 49.90)");
          }
        }
        case COUNT -> {
          if (!(value instanceof Number n) || n.doubleValue() < 0 || n.doubleValue() != Math.floor(n.doubleValue())
              || n.doubleValue() > 1_000_000) {
            throw ClientError.invalid(at, at + " must be a whole number from 0 to 1000000");
          }
        }
        case BOOLEAN -> {
          if (!(value instanceof Boolean)) {
            throw ClientError.invalid(at, at + " must be true or false");
          }
        }
        case CURRENCY -> {
          if (!(value instanceof String s) || !CURRENCY.matcher(s).matches()) {
            throw ClientError.invalid(at, at + " must be an ISO 4217 code in capitals, such as EUR or INR");
          }
        }
        case STATUS -> {
          if (!(value instanceof String s) || !STATUSES.contains(s)) {
            throw ClientError.invalid(at, at + " must be one of " + String.join(", ", STATUSES.stream().sorted().toList()));
          }
        }
        case ITEMS -> {
          if (!(value instanceof JsonArray items) || items.size() > MAX_ITEMS) {
            throw ClientError.invalid(at, at + " must be a list of at most " + MAX_ITEMS + " items (empty: the cart was emptied)");
          }
          for (int i = 0; i < items.size(); i++) {
            if (!(items.getValue(i) instanceof JsonObject item)) {
              throw ClientError.invalid(at + "[" + i + "]", at + "[" + i + "] must be an object with productId, quantity, price ...");
            }
            check(item, ITEM, at + "[" + i + "]");
          }
        }
        default -> throw new IllegalStateException("unchecked kind " + spec.kind());
      }
    }
  }
}
