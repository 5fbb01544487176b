package io.pushcart.webpush;

import java.util.Objects;

/**
 * Per-message delivery options (RFC 8030 §5.2–§5.4). Immutable; one instance can serve a whole
 * campaign.
 *
 * @param ttlSeconds how long the push service keeps an undelivered message (0 = deliver now or drop)
 * @param urgency    how eagerly to wake the device
 * @param topic      replaces a pending message with the same topic; null for none
 */
public record PushOptions(int ttlSeconds, Urgency urgency, String topic) {

  public PushOptions {
    if (ttlSeconds < 0) {
      throw new IllegalArgumentException("TTL must be >= 0 seconds");
    }
    Objects.requireNonNull(urgency, "urgency");
    if (topic != null && !Topics.isValid(topic)) {
      throw new IllegalArgumentException("topic must be 1-32 base64url characters; see Topics.derive");
    }
  }

  /** Normal urgency, no topic. */
  public static PushOptions ttl(int ttlSeconds) {
    return new PushOptions(ttlSeconds, Urgency.NORMAL, null);
  }

  public PushOptions withUrgency(Urgency urgency) {
    return new PushOptions(ttlSeconds, urgency, topic);
  }

  public PushOptions withTopic(String topic) {
    return new PushOptions(ttlSeconds, urgency, topic);
  }
}
