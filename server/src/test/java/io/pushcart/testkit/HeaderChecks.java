package io.pushcart.testkit;

import io.vertx.core.MultiMap;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** RFC 8030 / RFC 8291 request header rules for a push message; adds problems to a list. */
final class HeaderChecks {

  private static final Pattern DIGITS = Pattern.compile("[0-9]+");
  private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9_-]{1,32}");
  private static final Set<String> URGENCIES = Set.of("very-low", "low", "normal", "high");

  private HeaderChecks() {}

  static void check(MultiMap headers, int bodyLength, List<String> problems) {
    String encoding = headers.get("Content-Encoding");
    if (encoding == null) {
      problems.add("no Content-Encoding header, expected aes128gcm");
    } else if (!encoding.trim().equalsIgnoreCase("aes128gcm")) {
      problems.add("Content-Encoding is '" + encoding + "', expected aes128gcm (RFC 8291)");
    }
    String ttl = headers.get("TTL");
    if (ttl == null) {
      problems.add("no TTL header (RFC 8030 section 5.2 requires it)");
    } else if (!DIGITS.matcher(ttl.trim()).matches()) {
      problems.add("TTL '" + ttl + "' is not a non-negative integer");
    }
    String urgency = headers.get("Urgency");
    if (urgency != null && !URGENCIES.contains(urgency.trim())) {
      problems.add("Urgency '" + urgency + "' is not one of very-low, low, normal, high");
    }
    String topic = headers.get("Topic");
    if (topic != null && !TOPIC.matcher(topic).matches()) {
      problems.add("Topic '" + topic + "' must be 1-32 base64url characters (RFC 8030 section 5.4)");
    }
    if (bodyLength > PushDecryptor.MAX_BODY) {
      problems.add("body is " + bodyLength + " bytes; push services need accept no more than "
          + PushDecryptor.MAX_BODY + " (RFC 8291 section 4)");
    }
  }
}
