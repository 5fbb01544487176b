package io.pushcart.campaign;

import io.pushcart.engagement.Exemptions;
import io.pushcart.webpush.Urgency;
import java.time.Instant;
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
    Instant createdAt) {
}
