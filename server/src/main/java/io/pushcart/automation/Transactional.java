package io.pushcart.automation;

import io.pushcart.campaign.MessageOptions;
import io.pushcart.campaign.Notification;
import io.pushcart.common.ClientError;
import io.pushcart.common.Ids;
import io.pushcart.common.JsonFields;
import io.pushcart.engagement.Exemptions;
import io.pushcart.personalize.MessageTemplate;
import io.pushcart.site.Identity;
import io.pushcart.webpush.Urgency;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A transactional push (MARKETING.md §4, {@code POST /notifications}): one message to one
 * customer's or subscription's devices now, personalized with the subscriber, the site and the
 * {@code context} the store passes ({@code order}, {@code cart}, {@code product}). It is sent as
 * a one-step run, so it has the automations' delivery and guarantees.
 */
public record Transactional(String id, Optional<String> subscriptionId, Optional<String> customerId, Automation.Step step,
                            JsonObject context, Exemptions exemptions) {
  static final Set<String> FIELDS = Set.of("id", "subscriptionId", "customerId", "notification", "ttl", "urgency", "context",
      "ignoreCap", "ignoreQuietHours");
  /**
   * A transactional push is what the shopper is waiting for (an order shipped): sent whatever the
   * frequency caps say (and counted), yet held through quiet hours unless it says otherwise.
   */
  public static final Exemptions DEFAULT_EXEMPTIONS = new Exemptions(true, false);
  static final Set<String> CONTEXT_ROOTS = Set.of("order", "cart", "product");
  static final int MAX_CONTEXT_BYTES = 8 * 1024;

  static Transactional parse(JsonObject body) {
    for (String key : body.fieldNames()) {
      if (!FIELDS.contains(key)) {
        throw ClientError.invalid(key, "a notification request has " + String.join(", ", FIELDS.stream().sorted().toList())
            + "; unknown field " + key);
      }
    }
    JsonFields f = JsonFields.of(body);
    Optional<String> id = f.optionalString("id", 64);
    Optional<String> subscription = f.optionalString("subscriptionId", 64);
    Optional<String> customer = body.containsKey("customerId")
        ? Optional.of(Identity.customerId(body.getValue("customerId"), "customerId")) : Optional.empty();
    if (subscription.isPresent() == customer.isPresent()) {
      throw ClientError.invalid("subscriptionId", "a notification goes to exactly one of subscriptionId and customerId");
    }
    subscription.filter(s -> !Ids.looksLikeId(s)).ifPresent(s -> {
      throw ClientError.invalid("subscriptionId", "subscriptionId is not a subscription id");
    });
    JsonObject context = f.optionalObject("context").map(JsonFields::json).orElseGet(JsonObject::new);
    for (String key : context.fieldNames()) {
      if (!CONTEXT_ROOTS.contains(key) || !(context.getValue(key) instanceof JsonObject)) {
        throw ClientError.invalid("context." + key, "context holds objects named order, cart or product; not " + key);
      }
    }
    if (context.encode().getBytes(StandardCharsets.UTF_8).length > MAX_CONTEXT_BYTES) {
      throw ClientError.invalid("context", "context is larger than " + MAX_CONTEXT_BYTES + " bytes");
    }
    JsonObject notification = Notification.parse(f.requiredObject("notification")).toJson();
    Automation.Step step = step(notification, MessageOptions.ttl(f), MessageOptions.urgency(f).orElse(Urgency.HIGH));
    for (String root : step.template().roots()) {
      if (!Set.of("subscriber", "site").contains(root) && !context.containsKey(root)) {
        throw ClientError.invalid("notification", "notification uses {{ " + root + " }}: pass it in context." + root);
      }
    }
    return new Transactional(id.orElseGet(() -> Ids.random(12)), subscription, customer, step, context,
        Exemptions.parse(f, DEFAULT_EXEMPTIONS));
  }

  private static Automation.Step step(JsonObject notification, int ttl, Urgency urgency) {
    return new Automation.Step(Duration.ZERO, notification, MessageTemplate.compile(notification, "notification."), ttl, urgency);
  }

  /** What the run keeps of it ({@code def}): enough to send it on any instance. */
  JsonObject toStored() {
    return new JsonObject().put("id", id).put("notification", step.notification()).put("ttl", step.ttl())
        .put("urgency", step.urgency().headerValue()).put("context", context)
        .put("ignoreCap", exemptions.ignoreCap()).put("ignoreQuietHours", exemptions.ignoreQuietHours());
  }

  public static Transactional fromStored(JsonObject stored) {
    return new Transactional(stored.getString("id"), Optional.empty(), Optional.empty(), step(stored.getJsonObject("notification"),
        stored.getInteger("ttl"), Urgency.fromHeaderValue(stored.getString("urgency")).orElse(Urgency.HIGH)),
        stored.getJsonObject("context", new JsonObject()), Exemptions.fromJson(stored, DEFAULT_EXEMPTIONS));
  }

  /** The template roots the context gives. */
  public Map<String, Object> roots() {
    return context.getMap();
  }

  /** Its run: one per id, so a repeated id sends nothing. */
  String runId() {
    return runIdOf(id);
  }

  /** The run of the push with this id (its counters and per-device outcomes are in its hash). */
  public static String runIdOf(String id) {
    return "n-" + Ids.sha256Hex("notification:" + id).substring(0, 32);
  }
}
