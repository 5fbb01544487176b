package io.pushcart.webpush;

/**
 * ECDSA signature format conversion. The JCA produces DER
 * ({@code SEQUENCE { INTEGER r, INTEGER s }}); JWS ES256 (RFC 7518 §3.4, required by
 * RFC 8292 §2) wants the fixed 64-byte concatenation r || s.
 */
final class EcdsaSignatures {

  private EcdsaSignatures() {
  }

  /** DER ECDSA-Sig-Value → 64-byte r || s. */
  static byte[] derToJose(byte[] der) {
    int[] pos = {0};
    expect(der, pos, 0x30);
    int sequenceLength = readLength(der, pos);
    if (pos[0] + sequenceLength != der.length) {
      throw new IllegalArgumentException("bad DER ECDSA signature");
    }
    byte[] jose = new byte[64];
    readInteger(der, pos, jose, 0);
    readInteger(der, pos, jose, 32);
    if (pos[0] != der.length) {
      throw new IllegalArgumentException("bad DER ECDSA signature");
    }
    return jose;
  }

  /** Copies one DER INTEGER, minus sign/leading zero bytes, right-aligned into 32 bytes. */
  private static void readInteger(byte[] der, int[] pos, byte[] out, int offset) {
    expect(der, pos, 0x02);
    int length = readLength(der, pos);
    int start = pos[0];
    int end = start + length;
    if (length == 0 || end > der.length) {
      throw new IllegalArgumentException("bad DER ECDSA signature");
    }
    while (start < end - 1 && der[start] == 0) {
      start++;
    }
    if (end - start > 32) {
      throw new IllegalArgumentException("ECDSA integer longer than 32 bytes");
    }
    System.arraycopy(der, start, out, offset + 32 - (end - start), end - start);
    pos[0] = end;
  }

  private static void expect(byte[] der, int[] pos, int tag) {
    if (pos[0] >= der.length || (der[pos[0]++] & 0xff) != tag) {
      throw new IllegalArgumentException("bad DER ECDSA signature");
    }
  }

  /** DER definite length: short form, or long form with one byte (all P-256 needs). */
  private static int readLength(byte[] der, int[] pos) {
    if (pos[0] >= der.length) {
      throw new IllegalArgumentException("bad DER ECDSA signature");
    }
    int first = der[pos[0]++] & 0xff;
    if (first < 0x80) {
      return first;
    }
    if (first == 0x81 && pos[0] < der.length) {
      return der[pos[0]++] & 0xff;
    }
    throw new IllegalArgumentException("bad DER ECDSA signature");
  }
}
