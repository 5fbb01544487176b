package io.pushcart.testkit;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * One request {@link LocalPushService} received (in verify mode), whatever status it answered.
 *
 * @param sequence 1-based arrival number (per service, reset by {@code reset()})
 * @param token the endpoint token ({@code /push/<token>})
 * @param headers all request headers, case-insensitive
 * @param body the raw (encrypted) body
 * @param plaintext the decrypted message (UTF-8), or null when decryption failed
 * @param decryptionError why decryption failed, or null
 * @param problems every protocol problem found (VAPID, headers, decryption); empty = valid
 * @param vapidClaims the JWT claims if they could be parsed, else null
 * @param vapidPublicKey the {@code k} parameter as sent, else null
 * @param status the HTTP status this service answered
 */
public record ReceivedPush(
    long sequence,
    Instant receivedAt,
    String token,
    HttpVersion httpVersion,
    MultiMap headers,
    byte[] body,
    String plaintext,
    String decryptionError,
    List<String> problems,
    JsonObject vapidClaims,
    String vapidPublicKey,
    int status) {

  public String header(String name) {
    return headers.get(name);
  }

  /** The TTL header as a number, or null if absent or not a number. */
  public Integer ttl() {
    try {
      String ttl = headers.get("TTL");
      return ttl == null ? null : Integer.valueOf(ttl.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  public String urgency() {
    return headers.get("Urgency");
  }

  public String topic() {
    return headers.get("Topic");
  }

  public String contentEncoding() {
    return headers.get("Content-Encoding");
  }

  public String authorization() {
    return headers.get("Authorization");
  }

  public boolean decrypted() {
    return plaintext != null;
  }

  /** Decrypted, VAPID valid and headers valid. */
  public boolean valid() {
    return problems.isEmpty();
  }

  @Override
  public String toString() {
    return "ReceivedPush[#" + sequence + " token=" + token + " " + httpVersion + " -> " + status
        + (plaintext != null ? " plaintext=\"" + abbreviate(plaintext) + "\"" : "")
        + (problems.isEmpty() ? " valid" : " problems=" + problems) + "]";
  }

  private static String abbreviate(String text) {
    return text.length() <= 80 ? text : text.substring(0, 77) + "...";
  }
}
