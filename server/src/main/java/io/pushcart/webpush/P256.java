package io.pushcart.webpush;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;

/**
 * NIST P-256 (secp256r1) key encodings used by Web Push: public keys as 65-byte uncompressed
 * points (SEC 1 §2.3.3; RFC 8291 §3.1, RFC 8292 §3.2) and private keys as 32-byte scalars.
 */
public final class P256 {

  /** 0x04 || X (32) || Y (32). */
  public static final int PUBLIC_KEY_LENGTH = 65;
  public static final int PRIVATE_KEY_LENGTH = 32;

  /** Field prime p = 2^256 - 2^224 + 2^192 + 2^96 - 1 (SEC 2 §2.4.2). */
  static final BigInteger P = new BigInteger(
      "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", 16);
  /** Curve coefficient b; a = -3. */
  static final BigInteger B = new BigInteger(
      "5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b", 16);
  /** Group order n. */
  static final BigInteger N = new BigInteger(
      "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", 16);

  static final ECParameterSpec PARAMS = loadParams();

  /**
   * DER of SubjectPublicKeyInfo up to the point (RFC 5480 §2): SEQUENCE { SEQUENCE {
   * id-ecPublicKey, secp256r1 }, BIT STRING (0 unused bits) }, followed by the 65-byte point.
   */
  private static final byte[] SPKI_PREFIX = java.util.HexFormat.of()
      .parseHex("3059301306072a8648ce3d020106082a8648ce3d030107034200");

  private P256() {
  }

  /**
   * Whether {@code point65} is an uncompressed point on P-256: prefix 0x04, 0 ≤ x,y < p and
   * y² = x³ − 3x + b (mod p). Accepting an off-curve peer key is what invalid-curve attacks
   * on ECDH exploit, so we check ourselves rather than trust every provider to. The point at
   * infinity has no 65-byte form (SEC 1 encodes it as the single byte 0x00), and (0, 0) is
   * not on the curve because b ≠ 0, so it is rejected too.
   */
  public static boolean isOnCurve(byte[] point65) {
    if (point65 == null || point65.length != PUBLIC_KEY_LENGTH || point65[0] != 0x04) {
      return false;
    }
    BigInteger x = new BigInteger(1, point65, 1, 32);
    BigInteger y = new BigInteger(1, point65, 33, 32);
    if (x.compareTo(P) >= 0 || y.compareTo(P) >= 0) {
      return false;
    }
    BigInteger left = y.multiply(y).mod(P);
    BigInteger right = x.multiply(x).subtract(BigInteger.valueOf(3)).multiply(x).add(B).mod(P);
    return left.equals(right);
  }

  /**
   * The X.509 SubjectPublicKeyInfo for a point, which every JCA key factory accepts. It is
   * cheaper than an ECPublicKeySpec for Conscrypt (named curve OID instead of explicit
   * parameters: measured 1.2 µs vs 15 µs per key).
   *
   * @throws IllegalArgumentException when the point is not on P-256
   */
  public static X509EncodedKeySpec publicKeySpec(byte[] point65) {
    if (!isOnCurve(point65)) {
      throw new IllegalArgumentException("not an uncompressed P-256 point");
    }
    return spki(point65);
  }

  /**
   * As {@link #publicKeySpec} but checks only the form (65 bytes, prefix 0x04), not the curve
   * equation: for a key factory that refuses off-curve points itself (Conscrypt, see
   * JcaCryptoProvider). The point must still be checked by someone before ECDH.
   */
  static X509EncodedKeySpec publicKeySpecForCheckingProvider(byte[] point65) {
    if (point65 == null || point65.length != PUBLIC_KEY_LENGTH || point65[0] != 0x04) {
      throw new IllegalArgumentException("not an uncompressed P-256 point");
    }
    return spki(point65);
  }

  private static X509EncodedKeySpec spki(byte[] point65) {
    byte[] spki = new byte[SPKI_PREFIX.length + PUBLIC_KEY_LENGTH];
    System.arraycopy(SPKI_PREFIX, 0, spki, 0, SPKI_PREFIX.length);
    System.arraycopy(point65, 0, spki, SPKI_PREFIX.length, PUBLIC_KEY_LENGTH);
    return new X509EncodedKeySpec(spki);
  }

  /** @throws IllegalArgumentException when {@code d32} is not a scalar in [1, n-1] */
  public static ECPrivateKeySpec privateKeySpec(byte[] d32) {
    if (d32 == null || d32.length != PRIVATE_KEY_LENGTH) {
      throw new IllegalArgumentException("a P-256 private key is 32 bytes");
    }
    BigInteger d = new BigInteger(1, d32);
    if (d.signum() == 0 || d.compareTo(N) >= 0) {
      throw new IllegalArgumentException("P-256 private scalar out of range");
    }
    return new ECPrivateKeySpec(d, PARAMS);
  }

  /** Decodes a public key with the JDK's key factory. */
  public static ECPublicKey decodePublicKey(byte[] point65) {
    try {
      return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(publicKeySpec(point65));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks EC key support", e);
    }
  }

  /** Decodes a private key from its scalar with the JDK's key factory. */
  public static ECPrivateKey decodePrivateKey(byte[] d32) {
    try {
      return (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(privateKeySpec(d32));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks EC key support", e);
    }
  }

  /**
   * The 65-byte uncompressed point of {@code key}. Taken from its X.509 encoding when that is
   * the named-curve form both providers write: on Conscrypt that is one native call, where
   * {@code getW()} takes two and builds BigIntegers (measured 10 µs vs 15 µs a key).
   */
  public static byte[] encodePublicKey(ECPublicKey key) {
    byte[] spki = key.getEncoded();
    if (spki != null && spki.length == SPKI_PREFIX.length + PUBLIC_KEY_LENGTH
        && Arrays.equals(spki, 0, SPKI_PREFIX.length, SPKI_PREFIX, 0, SPKI_PREFIX.length)) {
      return Arrays.copyOfRange(spki, SPKI_PREFIX.length, spki.length);
    }
    byte[] out = new byte[PUBLIC_KEY_LENGTH];
    out[0] = 0x04;
    writeFixed32(key.getW().getAffineX(), out, 1);
    writeFixed32(key.getW().getAffineY(), out, 33);
    return out;
  }

  /** The 32-byte big-endian scalar d of {@code key}. */
  public static byte[] encodePrivateKey(ECPrivateKey key) {
    byte[] out = new byte[PRIVATE_KEY_LENGTH];
    writeFixed32(key.getS(), out, 0);
    return out;
  }

  /** Writes a non-negative value below 2^256 as exactly 32 big-endian bytes. */
  static void writeFixed32(BigInteger value, byte[] out, int offset) {
    if (value.signum() < 0 || value.bitLength() > 256) {
      throw new IllegalArgumentException("value does not fit in 32 bytes");
    }
    byte[] raw = value.toByteArray(); // minimal two's complement: may lead with a 0x00 sign byte
    int start = raw.length > 32 ? raw.length - 32 : 0;
    int length = raw.length - start;
    System.arraycopy(raw, start, out, offset + 32 - length, length);
  }

  private static ECParameterSpec loadParams() {
    try {
      AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
      parameters.init(new ECGenParameterSpec("secp256r1"));
      return parameters.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}
