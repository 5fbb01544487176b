package io.pushcart.campaign;

import io.pushcart.common.ClientError;
import io.pushcart.common.JsonFields;
import io.pushcart.webpush.Urgency;
import java.util.Optional;

/**
 * The push options a message definition may give — {@code ttl} and {@code urgency} — read and
 * checked one way for campaigns, automation steps and transactional pushes.
 */
public final class MessageOptions {
  /** FCM and Mozilla keep a message at most four weeks. */
  public static final long MAX_TTL = 28L * 24 * 3600;
  /** Hours, not zero: TTL 0 drops the message for every device that is offline right now. */
  public static final int DEFAULT_TTL = 12 * 3600;

  private MessageOptions() {
  }

  /** {@code ttl} in seconds, 0 to four weeks; {@link #DEFAULT_TTL} when absent. */
  public static int ttl(JsonFields f) {
    return f.optionalLong("ttl", 0, MAX_TTL).map(Long::intValue).orElse(DEFAULT_TTL);
  }

  /** {@code urgency} (RFC 8030 §5.3), or empty when absent; a 400 naming the field for any other value. */
  public static Optional<Urgency> urgency(JsonFields f) {
    return f.optionalString("urgency", 16).map(u -> Urgency.fromHeaderValue(u).orElseThrow(() ->
        ClientError.invalid(f.path("urgency"), f.path("urgency") + " must be one of very-low, low, normal, high")));
  }
}
