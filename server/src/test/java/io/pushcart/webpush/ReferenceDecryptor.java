package io.pushcart.webpush;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A minimal user-agent-side decryptor written straight from RFC 8291 §3.4 and RFC 8188 §2,
 * with only the JDK and none of the production classes' crypto code, as a second oracle.
 */
final class ReferenceDecryptor {
  private ReferenceDecryptor() {
  }

  static byte[] decrypt(byte[] body, PrivateKey uaPrivate, byte[] uaPublic, byte[] authSecret)
      throws GeneralSecurityException {
    ByteBuffer in = ByteBuffer.wrap(body);
    byte[] salt = new byte[16];
    in.get(salt);
    int rs = in.getInt();
    int idlen = in.get() & 0xff;
    byte[] asPublic = new byte[idlen];
    in.get(asPublic);
    byte[] record = new byte[in.remaining()];
    in.get(record);
    if (rs != 4096 || idlen != 65 || record.length > rs) {
      throw new GeneralSecurityException("unexpected header: rs=" + rs + " idlen=" + idlen);
    }

    KeyAgreement ka = KeyAgreement.getInstance("ECDH", "SunEC");
    ka.init(uaPrivate);
    ka.doPhase(jdkPublicKey(asPublic), true);
    byte[] ecdhSecret = ka.generateSecret();

    byte[] prkKey = hmac(authSecret, ecdhSecret);
    byte[] keyInfo = concat("WebPush: info\0".getBytes(StandardCharsets.US_ASCII), uaPublic, asPublic);
    byte[] ikm = hmac(prkKey, concat(keyInfo, new byte[] {1}));
    byte[] prk = hmac(salt, ikm);
    byte[] cek = Arrays.copyOf(hmac(prk, "Content-Encoding: aes128gcm\0\1".getBytes(StandardCharsets.US_ASCII)), 16);
    byte[] nonce = Arrays.copyOf(hmac(prk, "Content-Encoding: nonce\0\1".getBytes(StandardCharsets.US_ASCII)), 12);

    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding", "SunJCE");
    cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(cek, "AES"), new GCMParameterSpec(128, nonce));
    byte[] padded = cipher.doFinal(record);
    // RFC 8188 §2: strip zero padding back to the delimiter; the last record's is 0x02.
    int end = padded.length - 1;
    while (end >= 0 && padded[end] == 0) {
      end--;
    }
    if (end < 0 || padded[end] != 2) {
      throw new GeneralSecurityException("missing 0x02 last-record delimiter");
    }
    return Arrays.copyOf(padded, end);
  }

  private static PublicKey jdkPublicKey(byte[] point) throws GeneralSecurityException {
    // X.509 SubjectPublicKeyInfo prefix for an uncompressed P-256 point.
    byte[] prefix = java.util.HexFormat.of().parseHex("3059301306072a8648ce3d020106082a8648ce3d030107034200");
    return KeyFactory.getInstance("EC", "SunEC")
        .generatePublic(new java.security.spec.X509EncodedKeySpec(concat(prefix, point)));
  }

  private static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256", "SunJCE");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data);
  }

  static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    byte[] out = new byte[length];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, out, at, part.length);
      at += part.length;
    }
    return out;
  }
}
