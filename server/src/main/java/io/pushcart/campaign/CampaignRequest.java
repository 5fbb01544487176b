package io.pushcart.campaign;

import io.pushcart.common.ClientError;
import io.pushcart.common.JsonFields;
import io.pushcart.engagement.Exemptions;
import io.pushcart.personalize.MessageTemplate;
import io.pushcart.webpush.Aes128GcmEncryptor;
import io.pushcart.webpush.Topics;
import io.pushcart.webpush.Urgency;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads and validates a campaign's definition: the body of {@code POST /v1/sites/{site}/campaigns},
 * or a scheduled campaign's definition with a PATCH applied.
 */
final class CampaignRequest {
  /** Firefox on Android refuses payloads above about 3 KB even though the RFC allows 4 KB. */
  static final int WARN_PAYLOAD_BYTES = 3072;

  private CampaignRequest() {
  }

  /** A campaign to create, and warnings worth telling the marketer. */
  record Parsed(Campaign campaign, List<String> warnings) {
  }

  /** The fields a definition has; a PATCH may give any of them. */
  static final List<String> FIELDS = List.of("name", "kind", "audience", "notification", "ttl", "urgency", "topic",
      "sendAt", "localTime", "expiresAt", "ignoreCap", "ignoreQuietHours", "variants", "abTest");

  static Parsed parse(String siteId, String id, JsonObject body, Instant now) {
    JsonFields f = JsonFields.of(body);
    String name = f.requiredString("name", 200);
    CampaignKind kind = CampaignKind.parse(f.optionalString("kind", 32).orElse("custom"));
    if (!body.containsKey("audience")) {
      throw ClientError.invalid("audience", "audience is required: \"all\" or a rule such as {\"tags\": {\"any\": [\"shoes\"]}}");
    }
    Audience audience = Audience.parse(body.getValue("audience"));
    List<String> warnings = new ArrayList<>();
    Optional<Variants> variants = Variants.parse(f, (n, v) -> payload(siteId, id, v.notification(), Optional.of(v.name()),
        n.path(""), warnings));
    if (variants.isPresent() && f.has("notification")) {
      throw ClientError.invalid("notification", "a campaign with variants has its notifications in them: leave out notification");
    }
    Notification notification = variants.map(v -> v.list().get(0).notification())
        .orElseGet(() -> Notification.parse(f.requiredObject("notification")));
    String payload = variants.map(v -> v.list().get(0).payload())
        .orElseGet(() -> payload(siteId, id, notification, Optional.empty(), "notification.", warnings));
    int ttl = MessageOptions.ttl(f);
    Urgency urgency = MessageOptions.urgency(f).orElse(Urgency.NORMAL);
    // RFC 8030 §5.4: at most 32 URL-safe base64 characters; any other label is hashed into one.
    Optional<String> topic = f.optionalString("topic", 200).map(t -> Topics.isValid(t) ? t : Topics.derive(t));

    Timing timing = Timing.parse(f, now);
    if (variants.flatMap(Variants::abTest).isPresent() && timing.localTime().isPresent()) {
      throw ClientError.invalid("abTest", "an A/B test goes out at one instant (now or sendAt): localTime cannot be combined with abTest");
    }
    return new Parsed(new Campaign(id, siteId, name, kind, audience, notification, payload, ttl, urgency, topic, timing,
        Exemptions.parse(f, Exemptions.NONE), variants, now), List.copyOf(warnings));
  }

  /** The variants of a stored definition (its {@code variants} and {@code abTest}), with their payloads. */
  static Optional<Variants> variants(String siteId, String id, JsonObject definition) {
    return Variants.parse(JsonFields.of(definition), (n, v) -> payload(siteId, id, v.notification(), Optional.of(v.name()),
        n.path(""), new ArrayList<>()));
  }

  /**
   * A notification's push payload, checked: merge fields only of {@code subscriber} and
   * {@code site} (each subscriber's message is rendered as it is sent), and a size one RFC 8291
   * record holds. {@code path} names it in errors ("notification.", "variants[1].notification.").
   */
  private static String payload(String siteId, String id, Notification notification, Optional<String> variant, String path,
                                List<String> warnings) {
    String field = path.substring(0, path.length() - 1);
    for (String root : MessageTemplate.compile(notification.toJson(), path).roots()) {
      if (!root.equals("subscriber") && !root.equals("site")) {
        throw ClientError.invalid(field, "a campaign's notification may use {{ subscriber... }} and {{ site.name }}; "
            + root + " belongs to automations");
      }
    }
    String payload = notification.payload(siteId, id, variant);
    int bytes = payload.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > Aes128GcmEncryptor.MAX_PLAINTEXT) {
      throw new ClientError(ClientError.Kind.INVALID, "payload_too_large", field + " makes a " + bytes
          + "-byte payload; push services accept at most " + Aes128GcmEncryptor.MAX_PLAINTEXT + " (shorten body, urls or actions)",
          field);
    }
    if (bytes > WARN_PAYLOAD_BYTES) {
      warnings.add(field + ": the payload is " + bytes + " bytes; Firefox on Android refuses payloads above about 3 KB");
    }
    return payload;
  }
}
