package io.pushcart.subscription;

import io.pushcart.segment.Field;
import io.pushcart.segment.Rule;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A stored subscription as a segment rule reads it: its hash fields ({@link #FIELDS}, read
 * with one HMGET in that order) mapped to the names of MARKETING.md §1, the commerce facts
 * (lastCartAt, lastOrderAt, lastViewedProductAt, orderCount) included.
 */
public final class StoredSubscriber implements Rule.Subscriber {
  /** The hash fields a rule may need, in the order {@link #of} takes their values. */
  public static final List<String> FIELDS = List.of("tags", "attributes", "browser", "os", "deviceType", "country",
      "createdAt", "lastSeen", "lastDeliveredAt", "lastClickedAt", "lastCartAt", "lastOrderAt", "lastViewedProductAt",
      "orderCount");

  /** The subscriber fields a template may read from the first two of {@link #FIELDS} (tags and attributes) alone. */
  private static final Set<String> FROM_ATTRIBUTES = Set.of("id", "tags", "attributes", "locale", "timezone", "customerId");

  /**
   * How many of {@link #FIELDS} (a prefix) hold the subscriber fields named ({@code attributes},
   * {@code browser}, {@code *} for all): a template reading only attributes and tags needs two.
   */
  public static int fieldsFor(Set<String> read) {
    return FROM_ATTRIBUTES.containsAll(read) ? 2 : FIELDS.size();
  }

  private final Set<String> tags = new HashSet<>();
  private final JsonObject attributes;
  private final List<String> values;

  private StoredSubscriber(List<String> read) {
    List<String> values = new ArrayList<>(read);
    while (values.size() < FIELDS.size()) {
      values.add(null); // fields the caller did not read
    }
    this.values = values;
    if (values.get(0) != null) {
      new JsonArray(values.get(0)).forEach(t -> tags.add(String.valueOf(t)));
    }
    attributes = values.get(1) == null ? new JsonObject() : new JsonObject(values.get(1));
  }

  /**
   * From the values of {@link #FIELDS}, or of a prefix of it (the fields after it read as absent);
   * null where the hash has none. Null when the subscription is gone.
   */
  public static StoredSubscriber of(List<String> values) {
    boolean gone = values.get(0) == null && (values.size() < 2 || values.get(1) == null);
    return gone ? null : new StoredSubscriber(values);
  }

  /**
   * The subscriber as templates see it ({@code {{ subscriber.attributes.firstName }}}): the fields
   * of MARKETING.md §1 under their names there; absent ones are left out.
   */
  public java.util.Map<String, Object> toContext(String id) {
    java.util.Map<String, Object> out = new java.util.HashMap<>();
    out.put("id", id);
    out.put("tags", List.copyOf(tags));
    out.put("attributes", attributes.getMap());
    for (Field.Builtin f : Field.Builtin.values()) {
      Object value = field(f);
      if (value != null) {
        out.put(f.path(), value);
      }
    }
    return out;
  }

  @Override
  public Set<String> tags() {
    return tags;
  }

  @Override
  public Object field(Field field) {
    if (field instanceof Field.Attribute a) {
      return attributes.getValue(a.key());
    }
    return switch ((Field.Builtin) field) {
      case BROWSER -> values.get(2);
      case OS -> values.get(3);
      case DEVICE_TYPE -> values.get(4);
      case COUNTRY -> values.get(5);
      case SUBSCRIBED_AT -> values.get(6);
      case LAST_SEEN_AT -> values.get(7);
      case LAST_DELIVERED_AT -> values.get(8);
      case LAST_CLICKED_AT -> values.get(9);
      case LOCALE -> attributes.getValue("locale");
      case TIMEZONE -> attributes.getValue("timezone");
      case CUSTOMER_ID -> attributes.getValue("customerId");
      case LAST_CART_AT -> values.get(10);
      case LAST_ORDER_AT -> values.get(11);
      case LAST_VIEWED_PRODUCT_AT -> values.get(12);
      case ORDER_COUNT -> values.get(13) == null ? null : Long.valueOf(values.get(13));
    };
  }
}
