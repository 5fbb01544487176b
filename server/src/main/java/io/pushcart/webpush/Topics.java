package io.pushcart.webpush;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * RFC 8030 §5.4 {@code Topic} values: a pending message with the same topic replaces the older
 * one. A topic is at most 32 characters of the URL-safe base64 alphabet; Apple answers
 * 400 BadWebPushTopic otherwise, so free-form labels go through {@link #derive(String)}.
 */
public final class Topics {

  public static final int MAX_LENGTH = 32;

  private Topics() {
  }

  /** Whether {@code topic} is 1–32 characters from {@code A–Z a–z 0–9 - _}. */
  public static boolean isValid(String topic) {
    if (topic == null || topic.isEmpty() || topic.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < topic.length(); i++) {
      char c = topic.charAt(i);
      boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '-' || c == '_';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /**
   * A valid topic for any label: the first 32 characters of base64url(SHA-256(label)).
   * Stable, so the same label always collapses onto the same pending message.
   */
  public static String derive(String label) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(label.getBytes(StandardCharsets.UTF_8));
      return Base64Url.encode(digest).substring(0, MAX_LENGTH);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
