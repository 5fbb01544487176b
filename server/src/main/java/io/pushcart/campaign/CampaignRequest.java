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
      "sendAt", "localTime", "expiresAt", "ignoreCap", "ignoreQuietHours");

  static Parsed parse(String siteId, String id, JsonObject body, Instant now) {
    JsonFields f = JsonFields.of(body);
    String name = f.requiredString("name", 200);
    CampaignKind kind = CampaignKind.parse(f.optionalString("kind", 32).orElse("custom"));
    if (!body.containsKey("audience")) {
      throw ClientError.invalid("audience", "audience is required: \"all\" or a rule such as {\"tags\": {\"any\": [\"shoes\"]}}");
    }
    Audience audience = Audience.parse(body.getValue("audience"));
    Notification notification = Notification.parse(f.requiredObject("notification"));
    // Merge fields are checked now; each subscriber's message is rendered as it is sent.
    for (String root : MessageTemplate.compile(notification.toJson(), "notification.").roots()) {
      if (!root.equals("subscriber") && !root.equals("site")) {
        throw ClientError.invalid("notification", "a campaign's notification may use {{ subscriber... }} and {{ site.name }}; "
            + root + " belongs to automations");
      }
    }
    int ttl = MessageOptions.ttl(f);
    Urgency urgency = MessageOptions.urgency(f).orElse(Urgency.NORMAL);
    // RFC 8030 §5.4: at most 32 URL-safe base64 characters; any other label is hashed into one.
    Optional<String> topic = f.optionalString("topic", 200).map(t -> Topics.isValid(t) ? t : Topics.derive(t));

    Timing timing = Timing.parse(f, now);
    String payload = notification.payload(siteId, id);
    int bytes = payload.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > Aes128GcmEncryptor.MAX_PLAINTEXT) {
      throw new ClientError(ClientError.Kind.INVALID, "payload_too_large", "the notification makes a " + bytes
          + "-byte payload; push services accept at most " + Aes128GcmEncryptor.MAX_PLAINTEXT + " (shorten body, urls or actions)",
          "notification");
    }
    List<String> warnings = new ArrayList<>();
    if (bytes > WARN_PAYLOAD_BYTES) {
      warnings.add("the payload is " + bytes + " bytes; Firefox on Android refuses payloads above about 3 KB");
    }
    return new Parsed(new Campaign(id, siteId, name, kind, audience, notification, payload, ttl, urgency, topic, timing,
        Exemptions.parse(f, Exemptions.NONE), now),
        List.copyOf(warnings));
  }
}
