package io.pushcart.webpush;

import java.util.Base64;

/**
 * Base64url (RFC 4648 §5), the encoding Web Push uses for keys (RFC 8291 §3.2, RFC 8292 §3.2)
 * and JWTs. We write it without padding; we read it with or without.
 */
public final class Base64Url {

  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  // java.util.Base64's decoder accepts input whether or not it carries '=' padding.
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private Base64Url() {
  }

  public static String encode(byte[] bytes) {
    return ENCODER.encodeToString(bytes);
  }

  /** @throws IllegalArgumentException when {@code text} is not base64url */
  public static byte[] decode(String text) {
    return DECODER.decode(text);
  }
}
