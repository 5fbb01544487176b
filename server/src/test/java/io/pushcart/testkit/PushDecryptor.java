package io.pushcart.testkit;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Security;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import nl.martijndwars.webpush.Encoding;
import nl.martijndwars.webpush.HttpEce;
import org.bouncycastle.jce.ECNamedCurveTable;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jce.spec.ECNamedCurveParameterSpec;
import org.bouncycastle.jce.spec.ECPublicKeySpec;

/**
 * Decrypts an RFC 8291 web push body (RFC 8188 aes128gcm) as the user agent would.
 *
 * <p>The key schedule (ECDH, the auth-secret HKDF with "WebPush: info", the CEK and nonce HKDFs)
 * is done by {@code nl.martijndwars.webpush.HttpEce}, an implementation we did not write.
 * {@code HttpEce.decrypt(...)} itself cannot decrypt a web push message: for aes128gcm it passes
 * no receiver key and no auth secret, so it never performs the ECDH. We therefore call its public
 * {@code parseHeader} and {@code deriveKeyAndNonce(..., DECRYPT_MODE)} directly: in DECRYPT_MODE it
 * agrees the private key of {@code keys[keyid]} with the public key of {@code keys[keyid]} and
 * puts {@code dh} first in the info, so the key-map entry is (sender's public key, receiver's
 * private key) and {@code dh} is the receiver's public key. The AES-GCM step and the RFC 8188
 * padding removal (delimiter 0x02, then zeros) use the JDK, because {@code decryptRecord} only
 * strips one byte and would mishandle padded messages.
 */
final class PushDecryptor {

  /** RFC 8291 section 4: at least 4096 bytes of body must be accepted; more is a server bug. */
  static final int MAX_BODY = 4096;

  private static final ECNamedCurveParameterSpec P256 = ECNamedCurveTable.getParameterSpec("prime256v1");

  static {
    if (Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null) {
      // Appended, so it has the lowest priority and changes no default algorithm choice.
      Security.addProvider(new BouncyCastleProvider());
    }
  }

  private PushDecryptor() {}

  /** The plaintext, or a {@link DecryptionException} saying what is wrong. */
  static byte[] decrypt(byte[] body, TestSubscriber receiver) throws DecryptionException {
    // RFC 8188 section 2.1 header: salt(16) | rs(4) | idlen(1) | keyid(idlen)
    if (body.length < 21) {
      throw new DecryptionException("body of " + body.length + " bytes is shorter than the 21-byte aes128gcm header");
    }
    long rs = ByteBuffer.wrap(body, 16, 4).getInt() & 0xFFFFFFFFL;
    int idlen = body[20] & 0xFF;
    if (idlen != 65) {
      throw new DecryptionException("keyid length is " + idlen + "; RFC 8291 requires the 65-byte uncompressed as_public");
    }
    if (body.length < 21 + idlen + 17) {
      throw new DecryptionException("body of " + body.length + " bytes has no room for a record after the header");
    }
    int recordLength = body.length - 21 - idlen;
    if (rs < 18) {
      throw new DecryptionException("record size rs=" + rs + " is below the minimum of 18");
    }
    if (recordLength > rs) {
      throw new DecryptionException("ciphertext of " + recordLength + " bytes exceeds rs=" + rs
          + ": more than one record, which RFC 8291 forbids");
    }
    try {
      HttpEce ece = new HttpEce(new HashMap<>(), new HashMap<>());
      byte[][] header = ece.parseHeader(body); // salt, rs, keyid, ciphertext
      String keyId = new String(header[2]); // the same conversion HttpEce itself applies
      PublicKey senderPublic = bcPublicKey(header[2]);
      KeyFactory bc = KeyFactory.getInstance("EC", BouncyCastleProvider.PROVIDER_NAME);
      PrivateKey receiverPrivate = (PrivateKey) bc.translateKey(receiver.privateKey());
      org.bouncycastle.jce.interfaces.ECPublicKey receiverPublic =
          (org.bouncycastle.jce.interfaces.ECPublicKey) bc.translateKey(receiver.publicKey());
      Map<String, KeyPair> keys = new HashMap<>();
      keys.put(keyId, new KeyPair(senderPublic, receiverPrivate));
      byte[][] keyAndNonce = new HttpEce(keys, new HashMap<>()).deriveKeyAndNonce(
          header[0], null, keyId, receiverPublic, receiver.authSecret(), Encoding.AES128GCM, Cipher.DECRYPT_MODE);

      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(keyAndNonce[0], "AES"),
          new GCMParameterSpec(128, keyAndNonce[1])); // sequence number 0: nonce unchanged
      byte[] padded = cipher.doFinal(header[3]);
      return unpad(padded);
    } catch (DecryptionException e) {
      throw e;
    } catch (javax.crypto.AEADBadTagException e) {
      throw new DecryptionException("AES-GCM authentication failed (wrong keys, auth secret, salt or corrupted body)");
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new DecryptionException(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  /** RFC 8188 section 2: data || delimiter || zero padding; the last (only) record uses 0x02. */
  private static byte[] unpad(byte[] padded) throws DecryptionException {
    int i = padded.length - 1;
    while (i >= 0 && padded[i] == 0) {
      i--;
    }
    if (i < 0) {
      throw new DecryptionException("record has no padding delimiter (all zero)");
    }
    if (padded[i] != 0x02) {
      throw new DecryptionException("padding delimiter is 0x" + Integer.toHexString(padded[i] & 0xFF)
          + "; the last record must use 0x02");
    }
    return Arrays.copyOf(padded, i);
  }

  private static PublicKey bcPublicKey(byte[] point) throws GeneralSecurityException, DecryptionException {
    if (point.length != 65 || point[0] != 0x04) {
      throw new DecryptionException("keyid is not an uncompressed P-256 point");
    }
    try {
      return KeyFactory.getInstance("EC", BouncyCastleProvider.PROVIDER_NAME)
          .generatePublic(new ECPublicKeySpec(P256.getCurve().decodePoint(point), P256));
    } catch (IllegalArgumentException e) {
      throw new DecryptionException("keyid is not a point on P-256: " + e.getMessage());
    }
  }

  static final class DecryptionException extends Exception {
    DecryptionException(String message) {
      super(message, null, false, false);
    }
  }
}
