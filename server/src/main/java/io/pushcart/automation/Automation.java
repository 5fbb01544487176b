package io.pushcart.automation;

import io.pushcart.campaign.Audience;
import io.pushcart.campaign.MessageOptions;
import io.pushcart.campaign.Notification;
import io.pushcart.campaign.Variants;
import io.pushcart.common.ClientError;
import io.pushcart.common.JsonFields;
import io.pushcart.engagement.Exemptions;
import io.pushcart.personalize.MessageTemplate;
import io.pushcart.webpush.Urgency;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An automation's definition (MARKETING.md §4): {@code {name, trigger, audience?, steps: [{delay,
 * notification, ttl?, urgency?}], enabled, statuses?, ignoreCap?, ignoreQuietHours?}}, checked when saved, templates
 * included.
 */
public record Automation(String id, String name, Trigger trigger, Optional<Audience> audience, List<Step> steps,
                         boolean enabled, Set<String> statuses, Exemptions exemptions) {
  static final Duration MIN_DELAY = Duration.ofSeconds(1);
  static final Duration MAX_DELAY = Duration.ofDays(90);
  static final int MAX_STEPS = 10;
  static final List<String> FIELDS = List.of("name", "trigger", "audience", "steps", "enabled", "statuses", "ignoreCap",
      "ignoreQuietHours");
  static final Set<String> ORDER_STATUSES = Set.of("shipped", "outForDelivery", "delivered", "delayed", "cancelled");

  /**
   * One message of the series: sent {@code delay} after the trigger (step 1) or the step before.
   * With {@code variants}, each subscription gets one of them by weight (campaign.Variants), and
   * {@code notification} and {@code template} are the first's.
   */
  public record Step(Duration delay, JsonObject notification, MessageTemplate template, int ttl, Urgency urgency,
                     List<StepVariant> variants) {
    public Step(Duration delay, JsonObject notification, MessageTemplate template, int ttl, Urgency urgency) {
      this(delay, notification, template, ttl, urgency, List.of());
    }

    /** The variant the subscription gets at step {@code number} of automation {@code automationId}; null without variants. */
    public StepVariant variantOf(String automationId, int number, String subscriptionId) {
      return variants.isEmpty() ? null
          : variants.get(Variants.byWeight(variants.stream().map(StepVariant::weight).toList(), automationId + "." + number, subscriptionId));
    }
  }

  /** A variant of a step's message: its name (a key of the step's {@code variants} stats), weight and template. */
  public record StepVariant(String name, int weight, JsonObject notification, MessageTemplate template) {
  }

  static Automation parse(String id, JsonObject body) {
    for (String key : body.fieldNames()) {
      if (!FIELDS.contains(key)) {
        throw ClientError.invalid(key, "an automation has " + String.join(", ", FIELDS) + "; unknown field " + key);
      }
    }
    JsonFields f = JsonFields.of(body);
    String name = f.requiredString("name", 200);
    Trigger trigger = Trigger.parse(f.requiredString("trigger", 32), "trigger");
    Optional<Audience> audience = body.containsKey("audience") && body.getValue("audience") != null
        ? Optional.of(Audience.parse(body.getValue("audience"))) : Optional.empty();
    JsonArray list = f.optionalArray("steps").orElse(null);
    if (list == null || list.isEmpty() || list.size() > MAX_STEPS) {
      throw ClientError.invalid("steps", "steps must be a list of 1 to " + MAX_STEPS + " steps {delay, notification, ttl?, urgency?}");
    }
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String path = "steps[" + i + "]";
      if (!(list.getValue(i) instanceof JsonObject step)) {
        throw ClientError.invalid(path, path + " must be an object {delay, notification, ttl?, urgency?}");
      }
      steps.add(step(JsonFields.at(step, path + "."), trigger, path));
    }
    boolean enabled = f.optionalBoolean("enabled").orElse(true);
    Set<String> statuses = new LinkedHashSet<>(f.stringList("statuses", ORDER_STATUSES.size(), 32));
    if (!statuses.isEmpty() && trigger != Trigger.ORDER_STATUS) {
      throw ClientError.invalid("statuses", "statuses filters order_status automations only");
    }
    statuses.stream().filter(s -> !ORDER_STATUSES.contains(s)).findFirst().ifPresent(s -> {
      throw ClientError.invalid("statuses", "statuses may hold " + String.join(", ", ORDER_STATUSES.stream().sorted().toList())
          + "; unknown status " + s);
    });
    return new Automation(id, name, trigger, audience, List.copyOf(steps), enabled, Set.copyOf(statuses),
        Exemptions.parse(f, Exemptions.NONE));
  }

  private static Step step(JsonFields f, Trigger trigger, String path) {
    for (String key : f.json().fieldNames()) {
      if (!Set.of("delay", "notification", "variants", "ttl", "urgency").contains(key)) {
        throw ClientError.invalid(f.path(key), "a step has delay, notification (or variants), ttl and urgency; unknown field "
            + f.path(key));
      }
    }
    Duration delay = delay(f.requiredString("delay", 32), f.path("delay"));
    List<StepVariant> variants = List.of();
    if (f.has("variants")) {
      if (f.has("notification")) {
        throw ClientError.invalid(f.path("notification"), "a step with variants has its notifications in them: leave out notification");
      }
      variants = Variants.items(f.optionalArray("variants").orElseThrow(), f.path("variants"), (name, weight, n) -> {
        JsonObject notification = Notification.parse(n).toJson();
        return new StepVariant(name, weight, notification, template(notification, n.path(""), trigger));
      });
    }
    JsonObject notification = variants.isEmpty() ? Notification.parse(f.requiredObject("notification")).toJson()
        : variants.get(0).notification();
    MessageTemplate template = variants.isEmpty() ? template(notification, path + ".notification.", trigger) : variants.get(0).template();
    int ttl = MessageOptions.ttl(f);
    Urgency urgency = MessageOptions.urgency(f).orElse(Urgency.NORMAL);
    return new Step(delay, notification, template, ttl, urgency, variants);
  }

  /** A step's notification as a template, checked: only the roots its trigger's messages have. {@code path} ends in a dot. */
  private static MessageTemplate template(JsonObject notification, String path, Trigger trigger) {
    MessageTemplate template = MessageTemplate.compile(notification, path);
    String field = path.substring(0, path.length() - 1);
    for (String root : template.roots()) {
      if (!trigger.roots().contains(root)) {
        throw ClientError.invalid(field, field + " uses {{ " + root + " }}, which a "
            + trigger.wire + " message does not have; it has " + String.join(", ", trigger.roots().stream().sorted().toList()));
      }
    }
    return template;
  }

  private static Duration delay(String text, String path) {
    Duration d;
    try {
      d = Duration.parse(text);
    } catch (DateTimeParseException e) {
      throw ClientError.invalid(path, path + " must be an ISO 8601 duration such as PT1H or P2D");
    }
    if (d.compareTo(MIN_DELAY) < 0 || d.compareTo(MAX_DELAY) > 0) {
      throw ClientError.invalid(path, path + " must be from PT1S to P90D");
    }
    return d;
  }

  /** The definition as stored and shown. */
  JsonObject toJson() {
    JsonArray steps = new JsonArray();
    this.steps.forEach(s -> {
      JsonObject step = new JsonObject().put("delay", s.delay().toString());
      if (s.variants().isEmpty()) {
        step.put("notification", s.notification().copy());
      } else {
        JsonArray variants = new JsonArray();
        s.variants().forEach(v -> variants.add(new JsonObject().put("name", v.name()).put("weight", v.weight())
            .put("notification", v.notification().copy())));
        step.put("variants", variants);
      }
      steps.add(step.put("ttl", s.ttl()).put("urgency", s.urgency().headerValue()));
    });
    JsonObject json = new JsonObject().put("name", name).put("trigger", trigger.wire);
    audience.ifPresent(a -> json.put("audience", a.toJson()));
    json.put("steps", steps).put("enabled", enabled);
    if (!statuses.isEmpty()) {
      json.put("statuses", new JsonArray(List.copyOf(statuses)));
    }
    exemptions.putJson(json, Exemptions.NONE);
    return json;
  }
}
