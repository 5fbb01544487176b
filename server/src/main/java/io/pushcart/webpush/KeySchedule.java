package io.pushcart.webpush;

import java.nio.charset.StandardCharsets;

/**
 * The RFC 8291 §3.4 key derivation, feeding RFC 8188 §2.2/§2.3, for one message. Every HKDF
 * here outputs at most 32 bytes, so HKDF-Expand (RFC 5869 §2.3) is a single HMAC over
 * {@code info || 0x01}; we write it that way instead of a general HKDF loop.
 *
 * <p>The intermediate values are kept (package-private) so the test can compare each one
 * with RFC 8291 Appendix A.
 */
record KeySchedule(byte[] ecdhSecret, byte[] prkKey, byte[] ikm, byte[] prk, byte[] cek, byte[] nonce) {

  private static final byte[] WEBPUSH_INFO = ascii("WebPush: info\0");
  // RFC 8188 §2.2 cek_info and §2.3 nonce_info, each followed by HKDF-Expand's counter 0x01.
  private static final byte[] CEK_INFO_1 = ascii("Content-Encoding: aes128gcm\0\1");
  private static final byte[] NONCE_INFO_1 = ascii("Content-Encoding: nonce\0\1");

  static KeySchedule derive(CryptoProvider crypto, byte[] ecdhSecret, byte[] authSecret,
                byte[] uaPublic, byte[] asPublic, byte[] salt) {
    // RFC 8291 §3.3: HKDF-Extract(salt=auth_secret, IKM=ecdh_secret) mixes in the
    // subscription's auth secret, so a leaked p256dh alone cannot decrypt.
    byte[] prkKey = crypto.hmacSha256(authSecret, ecdhSecret);
    // RFC 8291 §3.4: key_info = "WebPush: info" || 0x00 || ua_public || as_public
    byte[] keyInfo1 = new byte[WEBPUSH_INFO.length + 65 + 65 + 1];
    System.arraycopy(WEBPUSH_INFO, 0, keyInfo1, 0, WEBPUSH_INFO.length);
    System.arraycopy(uaPublic, 0, keyInfo1, WEBPUSH_INFO.length, 65);
    System.arraycopy(asPublic, 0, keyInfo1, WEBPUSH_INFO.length + 65, 65);
    keyInfo1[keyInfo1.length - 1] = 1;
    byte[] ikm = crypto.hmacSha256(prkKey, keyInfo1);
    // RFC 8188 §2.2: PRK = HKDF-Extract(salt, IKM); the CEK is its first 16 bytes ...
    byte[] prk = crypto.hmacSha256(salt, ikm);
    byte[] cek = truncate(crypto.hmacSha256(prk, CEK_INFO_1), 16);
    // ... RFC 8188 §2.3: and the nonce its first 12 (XOR with record sequence 0 is a no-op).
    byte[] nonce = truncate(crypto.hmacSha256(prk, NONCE_INFO_1), 12);
    return new KeySchedule(ecdhSecret, prkKey, ikm, prk, cek, nonce);
  }

  private static byte[] truncate(byte[] bytes, int length) {
    byte[] out = new byte[length];
    System.arraycopy(bytes, 0, out, 0, length);
    return out;
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  /** Keys are secret: never print them. */
  @Override
  public String toString() {
    return "KeySchedule[redacted]";
  }
}
