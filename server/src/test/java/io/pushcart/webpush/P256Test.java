package io.pushcart.webpush;

import static io.pushcart.webpush.Rfc8291Vector.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.interfaces.ECPublicKey;
import org.junit.jupiter.api.Test;

class P256Test {

  private static final byte[] VALID = b(Rfc8291Vector.UA_PUBLIC);

  @Test
  void acceptsAValidPoint() {
    assertThat(P256.isOnCurve(VALID)).isTrue();
    assertThat(P256.isOnCurve(b(Rfc8291Vector.AS_PUBLIC))).isTrue();
  }

  @Test
  void acceptsTheGenerator() {
    ECPublicKey g = P256.decodePublicKey(point(P256.PARAMS.getGenerator().getAffineX(),
        P256.PARAMS.getGenerator().getAffineY()));
    assertThat(g.getW()).isEqualTo(P256.PARAMS.getGenerator());
  }

  @Test
  void rejectsAPointOffTheCurve() {
    byte[] bad = VALID.clone();
    bad[64] ^= 1; // y changed: y² ≠ x³ − 3x + b
    assertThat(P256.isOnCurve(bad)).isFalse();
    assertThatThrownBy(() -> P256.decodePublicKey(bad)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsWrongLengthAndPrefix() {
    assertThat(P256.isOnCurve(null)).isFalse();
    assertThat(P256.isOnCurve(new byte[0])).isFalse();
    assertThat(P256.isOnCurve(java.util.Arrays.copyOf(VALID, 64))).isFalse();
    assertThat(P256.isOnCurve(java.util.Arrays.copyOf(VALID, 66))).isFalse();
    assertThat(P256.isOnCurve(new byte[] {0})).isFalse(); // SEC 1 point at infinity
    byte[] compressedPrefix = VALID.clone();
    compressedPrefix[0] = 0x02;
    assertThat(P256.isOnCurve(compressedPrefix)).isFalse();
  }

  @Test
  void rejectsCoordinatesNotBelowP() {
    // x + p satisfies the curve equation mod p, so only the range check can catch it;
    // pick a curve point with x < 2^256 − p so that x + p still fits in 32 bytes.
    BigInteger x = BigInteger.ONE;
    BigInteger y = null;
    for (; y == null; x = x.add(BigInteger.ONE)) {
      y = sqrtModP(x.pow(3).subtract(x.multiply(BigInteger.valueOf(3))).add(P256.B).mod(P256.P));
    }
    x = x.subtract(BigInteger.ONE);
    assertThat(P256.isOnCurve(point(x, y))).isTrue();
    assertThat(P256.isOnCurve(point(x.add(P256.P), y))).isFalse();
    assertThat(P256.isOnCurve(point(x, P256.P))).isFalse();
    assertThat(P256.isOnCurve(point(BigInteger.ZERO, BigInteger.ZERO))).isFalse();
  }

  @Test
  void privateKeyScalarRoundTripsAndRangeIsChecked() {
    byte[] d = b(Rfc8291Vector.UA_PRIVATE);
    assertThat(P256.encodePrivateKey(P256.decodePrivateKey(d))).isEqualTo(d);
    assertThatThrownBy(() -> P256.decodePrivateKey(new byte[32])).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> P256.decodePrivateKey(new byte[31])).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void publicKeyEncodingPadsShortCoordinatesTo32Bytes() {
    // Find a small x on the curve: its encoding must keep the leading zero bytes.
    for (BigInteger x = BigInteger.ONE; ; x = x.add(BigInteger.ONE)) {
      BigInteger y = sqrtModP(x.pow(3).subtract(x.multiply(BigInteger.valueOf(3))).add(P256.B).mod(P256.P));
      if (y != null) {
        byte[] encoded = point(x, y);
        assertThat(P256.encodePublicKey(P256.decodePublicKey(encoded))).isEqualTo(encoded);
        return;
      }
    }
  }

  @Test
  void base64UrlDecodesWithOrWithoutPadding() {
    assertThat(Base64Url.decode("AQI")).containsExactly(1, 2);
    assertThat(Base64Url.decode("AQI=")).containsExactly(1, 2);
    assertThat(Base64Url.encode(new byte[] {1, 2})).isEqualTo("AQI");
    assertThat(Base64Url.encode(new byte[] {(byte) 0xfb, (byte) 0xff})).isEqualTo("-_8");
  }

  /** p ≡ 3 (mod 4), so a square root is a^((p+1)/4) when one exists. */
  static BigInteger sqrtModP(BigInteger a) {
    BigInteger root = a.modPow(P256.P.add(BigInteger.ONE).shiftRight(2), P256.P);
    return root.multiply(root).mod(P256.P).equals(a) ? root : null;
  }

  static byte[] point(BigInteger x, BigInteger y) {
    byte[] out = new byte[65];
    out[0] = 4;
    P256.writeFixed32(x, out, 1);
    P256.writeFixed32(y, out, 33);
    return out;
  }
}
