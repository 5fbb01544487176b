package io.pushcart.support;

import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/** Subscription keys as a browser makes them, from the JDK alone (independent of our webpush code). */
public final class BrowserKeys {
  private static final SecureRandom RANDOM = new SecureRandom();

  private BrowserKeys() {
  }

  /** A fresh P-256 public key as a 65-byte uncompressed point, base64url. */
  public static String p256dh() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      ECPublicKey pub = (ECPublicKey) g.generateKeyPair().getPublic();
      byte[] out = new byte[65];
      out[0] = 4;
      copy(pub.getW().getAffineX().toByteArray(), out, 1);
      copy(pub.getW().getAffineY().toByteArray(), out, 33);
      return b64(out);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static String auth() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return b64(b);
  }

  public static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Big-endian integer bytes right-aligned into 32 bytes at {@code at}. */
  private static void copy(byte[] integer, byte[] out, int at) {
    int len = Math.min(integer.length, 32);
    System.arraycopy(integer, integer.length - len, out, at + 32 - len, len);
  }
}
