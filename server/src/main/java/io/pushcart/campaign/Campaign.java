package io.pushcart.campaign;

import io.pushcart.engagement.Exemptions;
import io.pushcart.webpush.Urgency;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A campaign as created: what to send, to whom, how (RFC 8030 TTL, urgency, topic) and when. */
public record Campaign(
    String id,
    String siteId,
    String name,
    CampaignKind kind,
    Audience audience,
    Notification notification,
    String payload,
    int ttl,
    Urgency urgency,
    Optional<String> topic,
    Timing timing,
    Exemptions exemptions,
    Optional<Variants> variants,
    Instant createdAt) {

  /** Its waves planned at {@code now} (Timing's), and an A/B test's rest {@code decideAfter} after the test. */
  List<Wave> waves(java.time.ZoneId siteZone, Instant now) {
    List<Wave> waves = timing.waves(siteZone, now);
    Optional<Variants.AbTest> test = variants.flatMap(Variants::abTest);
    if (test.isEmpty()) {
      return waves;
    }
    Instant rest = waves.get(0).at().plus(test.get().decideAfter());
    timing.expiresAt().filter(at -> !at.isAfter(rest)).ifPresent(at -> {
      throw io.pushcart.common.ClientError.invalid("expiresAt", "expiresAt " + at + " must be after the A/B test's decision, "
          + rest + ", when the rest of the audience gets the chosen variant");
    });
    return List.of(waves.get(0), new Wave(rest, List.of(), false, true));
  }
}
