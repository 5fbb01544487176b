package io.pushcart.webpush;

import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.util.Objects;

/**
 * Encrypts a push message for one subscription: RFC 8291 (Message Encryption for Web Push)
 * using the "aes128gcm" content coding of RFC 8188. Thread-safe; one instance serves all.
 *
 * <p>Output layout (RFC 8188 §2.1, RFC 8291 §4):
 * {@code salt (16) | rs (uint32, 4096) | idlen (1, = 65) | keyid = as_public (65) | record},
 * where the single record is AES-128-GCM(plaintext || 0x02) with its 16-byte tag.
 */
public final class Aes128GcmEncryptor {

  /** RFC 8188 §2.1: record size; RFC 8291 §4 lets push services cap bodies at 4096 bytes. */
  public static final int RECORD_SIZE = 4096;
  /** salt 16 + rs 4 + idlen 1 + keyid 65. */
  public static final int HEADER_LENGTH = 86;
  private static final int TAG_LENGTH = 16;
  /** 4096 − 86 header − 16 tag − 1 delimiter: the most a single 4096-byte body can carry. */
  public static final int MAX_PLAINTEXT = RECORD_SIZE - HEADER_LENGTH - TAG_LENGTH - 1;

  /** RFC 8188 §2: 0x02 ends the last record; any bytes after it would be padding (we add none). */
  private static final byte LAST_RECORD_DELIMITER = 0x02;

  private final CryptoProvider crypto;

  public Aes128GcmEncryptor(CryptoProvider crypto) {
    this.crypto = Objects.requireNonNull(crypto, "crypto");
  }

  /**
   * Encrypts {@code plaintext} for the subscription keys {@code uaPublic65} (p256dh) and
   * {@code authSecret16} (auth), with a fresh ephemeral key pair and salt.
   *
   * @return the request body, to send with {@code Content-Encoding: aes128gcm}
   * @throws IllegalArgumentException for plaintext over {@link #MAX_PLAINTEXT} or bad keys
   */
  public byte[] encrypt(byte[] plaintext, byte[] uaPublic65, byte[] authSecret16) {
    // RFC 8291 §3.1: a new application server key pair for every message, and
    // RFC 8188 §2.1: a new random salt, so no two messages share a key and nonce.
    return encrypt(plaintext, uaPublic65, authSecret16, crypto.generateKeyPair(), crypto.randomBytes(16));
  }

  /** As {@link #encrypt(byte[], byte[], byte[])} with a given key pair and salt, for known-answer tests. */
  byte[] encrypt(byte[] plaintext, byte[] uaPublic65, byte[] authSecret16, KeyPair asKeys, byte[] salt) {
    Objects.requireNonNull(plaintext, "plaintext");
    if (plaintext.length > MAX_PLAINTEXT) {
      throw new IllegalArgumentException(
          "plaintext is " + plaintext.length + " bytes; at most " + MAX_PLAINTEXT + " fit in one record");
    }
    // RFC 8291 §3.2: the auth secret is 16 octets.
    if (authSecret16 == null || authSecret16.length != 16) {
      throw new IllegalArgumentException("the subscription's auth secret must be 16 bytes");
    }
    if (salt.length != 16) {
      throw new IllegalArgumentException("salt must be 16 bytes");
    }
    ECPublicKey uaKey = crypto.publicKey(uaPublic65); // validates the point is on P-256
    byte[] asPublic = P256.encodePublicKey((ECPublicKey) asKeys.getPublic());
    byte[] ecdhSecret = crypto.ecdh(asKeys.getPrivate(), uaKey);
    KeySchedule keys = KeySchedule.derive(crypto, ecdhSecret, authSecret16, uaPublic65, asPublic, salt);

    byte[] body = new byte[HEADER_LENGTH + plaintext.length + 1 + TAG_LENGTH];
    writeHeader(body, salt, asPublic);
    byte[] record = new byte[plaintext.length + 1];
    System.arraycopy(plaintext, 0, record, 0, plaintext.length);
    record[plaintext.length] = LAST_RECORD_DELIMITER;
    crypto.aes128GcmEncrypt(keys.cek(), keys.nonce(), record, body, HEADER_LENGTH);
    return body;
  }

  private static void writeHeader(byte[] body, byte[] salt, byte[] asPublic) {
    System.arraycopy(salt, 0, body, 0, 16);
    // rs as a big-endian uint32 (RFC 8188 §2.1).
    body[16] = (byte) (RECORD_SIZE >>> 24);
    body[17] = (byte) (RECORD_SIZE >>> 16);
    body[18] = (byte) (RECORD_SIZE >>> 8);
    body[19] = (byte) RECORD_SIZE;
    // RFC 8291 §4: the keyid carries as_public, the sender's ephemeral ECDH key.
    body[20] = (byte) P256.PUBLIC_KEY_LENGTH;
    System.arraycopy(asPublic, 0, body, 21, P256.PUBLIC_KEY_LENGTH);
  }
}
