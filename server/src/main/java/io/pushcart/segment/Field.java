package io.pushcart.segment;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What a rule leaf compares: a built-in field of a subscription (MARKETING.md §1) with its
 * type, or a custom attribute ({@code attributes.<key>}) typed by the rule's own value.
 */
public sealed interface Field {
  /**
   * How a field's values compare. ANY is the type of a custom attribute's {@code exists} and
   * {@code notExists}: a value of any type counts.
   */
  enum Type { STRING, NUMBER, BOOLEAN, TIME, ANY }

  /** The field as written in a rule ({@code browser}, {@code attributes.tier}). */
  String path();

  /** A built-in field: its type, and for a closed set its allowed values. */
  enum Builtin implements Field {
    BROWSER("browser", Type.STRING, "chrome", "firefox", "safari", "edge", "samsung", "opera", "other"),
    OS("os", Type.STRING, "android", "ios", "windows", "macos", "linux", "chromeos", "other"),
    DEVICE_TYPE("deviceType", Type.STRING, "mobile", "tablet", "desktop"),
    LOCALE("locale", Type.STRING),
    TIMEZONE("timezone", Type.STRING),
    COUNTRY("country", Type.STRING),
    CUSTOMER_ID("customerId", Type.STRING),
    SUBSCRIBED_AT("subscribedAt", Type.TIME),
    LAST_SEEN_AT("lastSeenAt", Type.TIME),
    LAST_DELIVERED_AT("lastDeliveredAt", Type.TIME),
    LAST_CLICKED_AT("lastClickedAt", Type.TIME),
    LAST_CART_AT("lastCartAt", Type.TIME),
    LAST_ORDER_AT("lastOrderAt", Type.TIME),
    LAST_VIEWED_PRODUCT_AT("lastViewedProductAt", Type.TIME),
    ORDER_COUNT("orderCount", Type.NUMBER);

    private final String wire;
    private final Type type;
    private final List<String> allowed;

    Builtin(String wire, Type type, String... allowed) {
      this.wire = wire;
      this.type = type;
      this.allowed = List.of(allowed);
    }

    @Override
    public String path() {
      return wire;
    }

    public Type type() {
      return type;
    }

    /** The values a closed field may take; empty when any value of its type is fine. */
    public List<String> allowed() {
      return allowed;
    }

    static Optional<Builtin> named(String name) {
      return Arrays.stream(values()).filter(b -> b.wire.equals(name)).findFirst();
    }

    static List<String> names() {
      return Arrays.stream(values()).map(b -> b.wire).toList();
    }
  }

  /** A custom attribute of the subscription, {@code attributes.<key>}. */
  record Attribute(String key) implements Field {
    @Override
    public String path() {
      return "attributes." + key;
    }
  }
}
