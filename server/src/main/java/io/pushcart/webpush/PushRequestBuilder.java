package io.pushcart.webpush;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Turns one subscription plus one payload into a {@link PushRequest}, without doing any I/O
 * (the split npm web-push makes with generateRequestDetails). One instance per site (it holds
 * the site's {@link VapidSigner}); thread-safe.
 */
public final class PushRequestBuilder {

  private final Aes128GcmEncryptor encryptor;
  private final VapidSigner signer;

  public PushRequestBuilder(Aes128GcmEncryptor encryptor, VapidSigner signer) {
    this.encryptor = Objects.requireNonNull(encryptor, "encryptor");
    this.signer = Objects.requireNonNull(signer, "signer");
  }

  /**
   * @param endpoint the subscription's push endpoint
   * @param p256dh   the subscription's {@code keys.p256dh}, decoded (65 bytes)
   * @param auth     the subscription's {@code keys.auth}, decoded (16 bytes)
   * @param payload  plaintext, at most {@link Aes128GcmEncryptor#MAX_PLAINTEXT} bytes
   * @throws IllegalArgumentException for a bad endpoint, keys or oversized payload
   */
  public PushRequest build(URI endpoint, byte[] p256dh, byte[] auth, byte[] payload, PushOptions options) {
    Objects.requireNonNull(options, "options");
    String audience = VapidSigner.originOf(endpoint); // rejects relative and non-http(s) URLs
    byte[] body = encryptor.encrypt(payload, p256dh, auth);

    Map<String, String> headers = new LinkedHashMap<>();
    // RFC 8291 §4: the body uses the aes128gcm content coding of RFC 8188.
    headers.put("Content-Encoding", "aes128gcm");
    headers.put("Content-Type", "application/octet-stream");
    // RFC 8030 §5.2: TTL is required.
    headers.put("TTL", Integer.toString(options.ttlSeconds()));
    // RFC 8030 §5.3: absent means "normal", but we always send it, as npm web-push does:
    // it costs a few bytes and makes captured requests say what was meant.
    headers.put("Urgency", options.urgency().headerValue());
    if (options.topic() != null) {
      headers.put("Topic", options.topic()); // RFC 8030 §5.4
    }
    headers.put("Authorization", signer.authorization(audience)); // RFC 8292 §3
    return new PushRequest(endpoint, headers, body);
  }
}
