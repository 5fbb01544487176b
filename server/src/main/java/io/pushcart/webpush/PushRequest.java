package io.pushcart.webpush;

import java.net.URI;
import java.util.Collections;
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
    headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
  }

  /** Header names and body size only: the Authorization token and the body stay out of logs. */
  @Override
  public String toString() {
    return "PushRequest[" + VapidSigner.originOf(endpoint) + ", headers=" + headers.keySet()
        + ", body=" + body.length + " bytes]";
  }
}
