package io.pushcart.testkit;

import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The browser's side of one push subscription: a P-256 key pair ({@code p256dh}), a 16-byte
 * {@code auth} secret and an endpoint {@code <pushBase><token>} on a {@link LocalPushService}.
 *
 * <p>Generating EC keys is the slow part, so {@link #batch} lets many subscribers share one key
 * pair; each still gets its own token and its own auth secret, so a message encrypted for the
 * wrong subscriber still fails to decrypt.
 */
public final class TestSubscriber {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private final String token;
  private final String endpoint;
  private final KeyPair keyPair;
  private final byte[] publicKeyBytes;
  private final byte[] authSecret;

  private TestSubscriber(String pushBase, String token, KeyPair keyPair, byte[] publicKeyBytes, byte[] authSecret) {
    this.token = token;
    this.endpoint = pushBase + token;
    this.keyPair = keyPair;
    this.publicKeyBytes = publicKeyBytes;
    this.authSecret = authSecret;
  }

  /**
   * A subscriber with its own key pair and a random token.
   *
   * @param pushBase endpoint prefix ending in '/', e.g. {@link LocalPushService#pushBase()}
   */
  public static TestSubscriber create(String pushBase) {
    return create(pushBase, randomToken(), generateKeyPair());
  }

  /** A subscriber with the given token and key pair (the pair may be shared). */
  public static TestSubscriber create(String pushBase, String token, KeyPair keyPair) {
    return create(pushBase, token, keyPair, randomAuthSecret());
  }

  /** A subscriber with fixed keys and auth secret (e.g. the RFC 8291 appendix A example). */
  public static TestSubscriber create(String pushBase, String token, KeyPair keyPair, byte[] authSecret) {
    if (!pushBase.endsWith("/")) {
      throw new IllegalArgumentException("pushBase must end with '/': " + pushBase);
    }
    if (authSecret.length != 16) {
      throw new IllegalArgumentException("auth secret must be 16 bytes, not " + authSecret.length);
    }
    return new TestSubscriber(pushBase, token, keyPair, uncompressedPoint((ECPublicKey) keyPair.getPublic()),
        authSecret.clone());
  }

  /** {@code n} subscribers sharing {@code sharedKeys}, each with its own token and auth secret. */
  public static List<TestSubscriber> batch(int n, KeyPair sharedKeys, String pushBase) {
    byte[] point = uncompressedPoint((ECPublicKey) sharedKeys.getPublic());
    List<TestSubscriber> subscribers = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      subscribers.add(new TestSubscriber(pushBase, randomToken(), sharedKeys, point, randomAuthSecret()));
    }
    return subscribers;
  }

  /** A fresh P-256 key pair (JDK provider). */
  public static KeyPair generateKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** 16 random bytes, base64url: 22 URL-safe characters. */
  public static String randomToken() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return BASE64URL.encodeToString(bytes);
  }

  private static byte[] randomAuthSecret() {
    byte[] secret = new byte[16];
    RANDOM.nextBytes(secret);
    return secret;
  }

  /** The 65-byte uncompressed SEC1 encoding (0x04 || X || Y) of a P-256 public key. */
  public static byte[] uncompressedPoint(ECPublicKey key) {
    byte[] out = new byte[65];
    out[0] = 0x04;
    copyUnsigned(key.getW().getAffineX(), out, 1);
    copyUnsigned(key.getW().getAffineY(), out, 33);
    return out;
  }

  public String token() {
    return token;
  }

  public String endpoint() {
    return endpoint;
  }

  /** base64url (no padding) of the 65-byte uncompressed public key. */
  public String p256dh() {
    return BASE64URL.encodeToString(publicKeyBytes);
  }

  /** base64url (no padding) of the 16-byte auth secret. */
  public String auth() {
    return BASE64URL.encodeToString(authSecret);
  }

  public byte[] publicKeyBytes() {
    return publicKeyBytes.clone();
  }

  public byte[] authSecret() {
    return authSecret.clone();
  }

  public ECPublicKey publicKey() {
    return (ECPublicKey) keyPair.getPublic();
  }

  public ECPrivateKey privateKey() {
    return (ECPrivateKey) keyPair.getPrivate();
  }

  public KeyPair keyPair() {
    return keyPair;
  }

  /** What a browser's {@code PushSubscription.toJSON()} gives: endpoint and keys. */
  public JsonObject subscriptionJson() {
    return new JsonObject()
        .put("endpoint", endpoint)
        .put("keys", new JsonObject().put("p256dh", p256dh()).put("auth", auth()));
  }

  @Override
  public String toString() {
    return "TestSubscriber[" + endpoint + "]";
  }

  private static void copyUnsigned(BigInteger value, byte[] out, int offset) {
    byte[] bytes = value.toByteArray(); // big-endian, may have a leading 0 or be shorter than 32
    int length = Math.min(bytes.length, 32);
    System.arraycopy(bytes, bytes.length - length, out, offset + 32 - length, length);
  }
}
