package io.pushcart.webpush;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns one subscription plus one payload into a {@link PushRequest}, without doing any I/O
 * (the split npm web-push makes with generateRequestDetails). One instance per site (it holds
 * the site's {@link VapidSigner}); thread-safe.
 */
public final class PushRequestBuilder {

  /** Header sets kept; a campaign needs one per push service, and old ones are never asked for again. */
  private static final int MAX_HEADER_SETS = 64;

  private final Aes128GcmEncryptor encryptor;
  private final VapidSigner signer;
  // Everything but the body is the same for all messages with the same options to one push
  // service (the VAPID token is cached too): one map for them all instead of one per message.
  private final Map<HeaderKey, Map<String, String>> headerSets = new ConcurrentHashMap<>();
  /**
   * The set used last, found by identity: a unit's messages share one PushOptions and the
   * signer's cached token, so this skips hashing both records (equals/hashCode) per message.
   */
  private volatile HeaderSet last;

  private record HeaderKey(PushOptions options, String authorization) {
  }

  private record HeaderSet(PushOptions options, String authorization, Map<String, String> headers) {
  }

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
    return new PushRequest(endpoint, headers(options, signer.authorization(audience)), body); // RFC 8292 §3
  }

  private Map<String, String> headers(PushOptions options, String authorization) {
    HeaderSet recent = last;
    if (recent != null && recent.options() == options && recent.authorization() == authorization) {
      return recent.headers();
    }
    Map<String, String> headers = sharedHeaders(options, authorization);
    last = new HeaderSet(options, authorization, headers);
    return headers;
  }

  private Map<String, String> sharedHeaders(PushOptions options, String authorization) {
    HeaderKey key = new HeaderKey(options, authorization);
    Map<String, String> headers = headerSets.get(key);
    if (headers == null) {
      if (headerSets.size() >= MAX_HEADER_SETS) {
        headerSets.clear();
      }
      headers = headerSets.computeIfAbsent(key, k -> FrozenHeaders.of(newHeaders(options, authorization)));
    }
    return headers;
  }

  private static Map<String, String> newHeaders(PushOptions options, String authorization) {
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
    headers.put("Authorization", authorization); // RFC 8292 §3
    return headers;
  }
}
