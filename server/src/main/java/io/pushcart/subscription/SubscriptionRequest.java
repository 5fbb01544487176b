package io.pushcart.subscription;

import io.pushcart.common.ClientError;
import io.pushcart.common.Ids;
import io.pushcart.common.JsonFields;
import io.pushcart.common.Tags;
import io.pushcart.common.TimeZones;
import io.pushcart.site.Identity;
import io.pushcart.webpush.Base64Url;
import io.pushcart.webpush.P256;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Reads and validates the bodies of {@code POST /v1/sites/{site}/subscriptions} and of its PATCH. */
final class SubscriptionRequest {
  static final int MAX_ATTRIBUTES = 50;
  private static final Pattern ATTRIBUTE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");
  private static final int MAX_ATTRIBUTE_LENGTH = 256;

  private SubscriptionRequest() {
  }

  static Subscription parse(JsonObject body, EndpointPolicy policy) {
    JsonFields f = JsonFields.of(body);
    String endpoint = f.requiredString("endpoint", EndpointPolicy.MAX_LENGTH);
    policy.check(endpoint, "endpoint");
    JsonFields keys = f.requiredObject("keys");
    String p256dh = keys.requiredString("p256dh", 100);
    byte[] point = decode(p256dh, "keys.p256dh");
    if (point.length != 65 || !P256.isOnCurve(point)) {
      throw ClientError.invalid("keys.p256dh", "keys.p256dh must be a 65-byte uncompressed P-256 point that lies on the curve");
    }
    String auth = keys.requiredString("auth", 40);
    if (decode(auth, "keys.auth").length != 16) {
      throw ClientError.invalid("keys.auth", "keys.auth must be 16 bytes (base64url)");
    }
    List<String> tags = Tags.check(f.stringList("tags", Tags.MAX_PER_SUBSCRIPTION, Tags.MAX_LENGTH), "tags");
    JsonObject attributes = attributes(f, false);
    return new Subscription(Ids.derived(endpoint), endpoint, p256dh, auth, tags, attributes);
  }

  /**
   * The VAPID public key the browser subscribed with ({@code applicationServerKey}, as the snippet
   * reads it from the subscription's options), when the request says; a 65-byte P-256 point.
   */
  static java.util.Optional<String> applicationServerKey(JsonObject body) {
    java.util.Optional<String> key = JsonFields.of(body).optionalString("applicationServerKey", 100);
    key.ifPresent(k -> {
      byte[] point = decode(k, "applicationServerKey");
      if (point.length != 65 || !P256.isOnCurve(point)) {
        throw ClientError.invalid("applicationServerKey", "applicationServerKey must be the 65-byte P-256 point (base64url) "
            + "the subscription was made with");
      }
    });
    return key;
  }

  /**
   * A change from the page API or the store's backend: {@code {tags: {add, remove}, attributes,
   * customerId, signature}}. {@code customerId} is null when none is to be linked; {@code signature}
   * is as sent (anything, or null): checking it is the caller's business ({@link Identity}).
   */
  record Change(List<String> addTags, List<String> removeTags, JsonObject attributes, String customerId, Object signature) {
  }

  /** {@code withSecret}: from the store's backend, which may link a customer without a signature. */
  static Change parseChange(JsonObject body, boolean withSecret) {
    JsonFields f = JsonFields.of(body);
    JsonFields tags = f.optionalObject("tags").orElseGet(() -> JsonFields.at(new JsonObject(), "tags."));
    List<String> add = Tags.check(tags.stringList("add", Tags.MAX_PER_SUBSCRIPTION, Tags.MAX_LENGTH), "tags.add");
    List<String> remove = Tags.check(tags.stringList("remove", Tags.MAX_PER_SUBSCRIPTION, Tags.MAX_LENGTH), "tags.remove");
    JsonObject attributes = attributes(f, withSecret);
    String customerId = f.has("customerId") ? Identity.customerId(body.getValue("customerId"), "customerId") : null;
    Object signature = body.getValue("signature");
    if (customerId == null && signature != null) {
      throw ClientError.invalid("customerId", "customerId is required with a signature: send the customer id it signs");
    }
    return new Change(add, remove, attributes, customerId, signature);
  }

  private static byte[] decode(String value, String field) {
    try {
      return Base64Url.decode(value);
    } catch (IllegalArgumentException e) {
      throw ClientError.invalid(field, field + " is not base64url");
    }
  }

  /**
   * The attributes to merge. {@code customerId} is not one a caller may set: it is the linked
   * customer, which only a signed identify or the secret key may change (MARKETING.md §1).
   */
  private static JsonObject attributes(JsonFields f, boolean withSecret) {
    JsonObject attributes = f.optionalObject("attributes").map(JsonFields::json).orElseGet(JsonObject::new);
    if (attributes.containsKey("customerId")) {
      throw withSecret
          ? ClientError.invalid("attributes.customerId", "link the customer with customerId at the top level of the body"
              + " ({\"customerId\": \"...\"}), not as an attribute")
          : new ClientError(ClientError.Kind.FORBIDDEN, "identify_required", "a browser cannot set attributes.customerId:"
              + " link the customer with pushcart.identify(customerId, signature), the signature computed by the store's"
              + " backend with the site's identitySecret (docs/js-snippet.md)", "attributes.customerId");
    }
    if (attributes.size() > MAX_ATTRIBUTES) {
      throw ClientError.invalid("attributes", "attributes may hold at most " + MAX_ATTRIBUTES + " entries");
    }
    for (Map.Entry<String, Object> e : attributes) {
      String field = "attributes." + e.getKey();
      if (!ATTRIBUTE_NAME.matcher(e.getKey()).matches()) {
        throw ClientError.invalid(field, "attribute names start with a letter and hold letters, digits and _ (at most 64)");
      }
      Object v = e.getValue();
      // Redis's Lua cjson keeps 14 significant digits: a longer number (a numeric customer id)
      // would come back changed, so it must be sent as a string.
      if (v instanceof Number n && (Math.abs(n.doubleValue()) >= 1e14 || n.toString().replaceAll("[^0-9]", "").length() > 14)) {
        throw ClientError.invalid(field, field + " has more than 14 digits: send it as a string");
      }
      boolean scalar = v instanceof String s ? s.length() <= MAX_ATTRIBUTE_LENGTH : v instanceof Number || v instanceof Boolean;
      if (!scalar) {
        throw ClientError.invalid(field, field + " must be a string (at most " + MAX_ATTRIBUTE_LENGTH + " characters), a number or a boolean");
      }
    }
    if (attributes.containsKey("timezone")) {
      TimeZones.check(attributes.getValue("timezone"), "attributes.timezone");
    }
    if (attributes.containsKey("country") && !(attributes.getValue("country") instanceof String c && Countries.isCountry(c))) {
      throw ClientError.invalid("attributes.country",
          "attributes.country must be an ISO 3166 alpha-2 country code in capitals, such as \"DE\" or \"IN\"");
    }
    return attributes;
  }
}
