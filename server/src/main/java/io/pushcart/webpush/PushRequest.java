package io.pushcart.webpush;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A ready-to-send push message: POST {@code body} to {@code endpoint} with {@code headers}
 * (RFC 8030 §5). Pure data; the HTTP client sets Content-Length.
 *
 * <p>{@code body} is not copied: treat it as read-only.
 */
public record PushRequest(URI endpoint, Map<String, String> headers, byte[] body) {

  public PushRequest {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(body, "body");
    headers = FrozenHeaders.of(headers); // a copy, unless it already cannot change
  }

  /** The TTL header's value (RFC 8030 §5.2). */
  public int ttlSeconds() {
    return Integer.parseInt(headers.get("TTL"));
  }

  /** The same message with a shorter TTL: what is left of a campaign's time when it is sent. */
  public PushRequest withTtl(int seconds) {
    Map<String, String> changed = new LinkedHashMap<>(headers);
    changed.put("TTL", Integer.toString(seconds));
    return new PushRequest(endpoint, changed, body);
  }

  /** Header names and body size only: the Authorization token and the body stay out of logs. */
  @Override
  public String toString() {
    return "PushRequest[" + VapidSigner.originOf(endpoint) + ", headers=" + headers.keySet()
        + ", body=" + body.length + " bytes]";
  }
}
