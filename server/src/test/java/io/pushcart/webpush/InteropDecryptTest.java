package io.pushcart.webpush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Security;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import nl.martijndwars.webpush.Encoding;
import nl.martijndwars.webpush.HttpEce;
import nl.martijndwars.webpush.Utils;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our ciphertext decrypted by code we did not write: webpush-java's HttpEce (over BouncyCastle),
 * and the RFC-text ReferenceDecryptor. A user agent's p256dh/auth is simulated with a fresh
 * JDK key pair and random auth secret.
 */
class InteropDecryptTest {

  @BeforeAll
  static void registerBouncyCastle() {
    // HttpEce asks for provider "BC" by name. Appended last, so it never shadows the JDK.
    if (Security.getProvider("BC") == null) {
      Security.addProvider(new BouncyCastleProvider());
    }
  }

  static Stream<Arguments> providersAndSizes() {
    return Providers.all().flatMap(p -> Stream.of(0, 1, 300, 1000, Aes128GcmEncryptor.MAX_PLAINTEXT)
        .map(size -> Arguments.of(p, size)));
  }

  static Stream<CryptoProvider> providers() {
    return Providers.all();
  }

  @ParameterizedTest(name = "{0}, {1} bytes")
  @MethodSource("providersAndSizes")
  void httpEceDecryptsWhatWeEncrypt(CryptoProvider crypto, int size) throws Exception {
    UserAgent ua = UserAgent.create();
    byte[] plaintext = randomBytes(size, size);
    byte[] body = new Aes128GcmEncryptor(crypto).encrypt(plaintext, ua.publicKey, ua.auth);

    assertThat(body).hasSize(86 + size + 1 + 16);
    assertThat(decryptWithHttpEce(body, ua)).isEqualTo(plaintext);
    assertThat(ReferenceDecryptor.decrypt(body, ua.privateKey, ua.publicKey, ua.auth)).isEqualTo(plaintext);
  }

  @ParameterizedTest
  @MethodSource("providers")
  void headerCarriesRecordSizeAndAFreshKeyAndSaltPerMessage(CryptoProvider crypto) {
    UserAgent ua = UserAgent.create();
    Aes128GcmEncryptor encryptor = new Aes128GcmEncryptor(crypto);
    byte[] first = encryptor.encrypt(new byte[10], ua.publicKey, ua.auth);
    byte[] second = encryptor.encrypt(new byte[10], ua.publicKey, ua.auth);

    ByteBuffer header = ByteBuffer.wrap(first);
    assertThat(header.getInt(16)).isEqualTo(4096);
    assertThat(first[20]).isEqualTo((byte) 65);
    byte[] keyId = java.util.Arrays.copyOfRange(first, 21, 86);
    assertThat(P256.isOnCurve(keyId)).isTrue();
    assertThat(java.util.Arrays.copyOfRange(second, 0, 16)).isNotEqualTo(java.util.Arrays.copyOfRange(first, 0, 16));
    assertThat(java.util.Arrays.copyOfRange(second, 21, 86)).isNotEqualTo(keyId);
  }

  @ParameterizedTest
  @MethodSource("providers")
  void rejectsOversizedPlaintextAndBadSubscriptionKeys(CryptoProvider crypto) {
    UserAgent ua = UserAgent.create();
    Aes128GcmEncryptor encryptor = new Aes128GcmEncryptor(crypto);
    assertThatThrownBy(() -> encryptor.encrypt(new byte[Aes128GcmEncryptor.MAX_PLAINTEXT + 1], ua.publicKey, ua.auth))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> encryptor.encrypt(new byte[1], ua.publicKey, new byte[15]))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] offCurve = ua.publicKey.clone();
    offCurve[64] ^= 1;
    assertThatThrownBy(() -> encryptor.encrypt(new byte[1], offCurve, ua.auth))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @org.junit.jupiter.api.Test
  void maxPlaintextFillsExactlyOne4096ByteRecord() {
    assertThat(Aes128GcmEncryptor.MAX_PLAINTEXT).isEqualTo(3993);
    UserAgent ua = UserAgent.create();
    byte[] body = new Aes128GcmEncryptor(CryptoProvider.jdk())
        .encrypt(new byte[Aes128GcmEncryptor.MAX_PLAINTEXT], ua.publicKey, ua.auth);
    assertThat(body).hasSize(4096);
  }

  /**
   * HttpEce.decrypt() cannot take a Web Push receiver key, but its building blocks can. In
   * DECRYPT_MODE, webpushSecret(keyId, dh, ...) computes ECDH(keys[keyId].private,
   * keys[keyId].public) with info "WebPush: info\0" || dh || keys[keyId].public, so the
   * entry must pair the UA's private key with the sender's public key from the header, and
   * dh is the UA's public key.
   */
  static byte[] decryptWithHttpEce(byte[] body, UserAgent ua) throws Exception {
    Map<String, KeyPair> keys = new HashMap<>();
    HttpEce ece = new HttpEce(keys, new HashMap<>());
    byte[][] header = ece.parseHeader(body); // salt, rs, keyid, record
    PublicKey asPublic = Utils.loadPublicKey(header[2]);
    PrivateKey uaPrivate = Utils.loadPrivateKey(P256.encodePrivateKey(ua.privateKey));
    keys.put("sender", new KeyPair(asPublic, uaPrivate));
    org.bouncycastle.jce.interfaces.ECPublicKey uaPublic =
        (org.bouncycastle.jce.interfaces.ECPublicKey) Utils.loadPublicKey(ua.publicKey);
    byte[][] keyAndNonce = ece.deriveKeyAndNonce(
        header[0], null, "sender", uaPublic, ua.auth, Encoding.AES128GCM, Cipher.DECRYPT_MODE);
    // decryptRecord drops the final byte without looking at it; ReferenceDecryptor checks it is 0x02.
    return ece.decryptRecord(header[3], keyAndNonce[0], keyAndNonce[1], Encoding.AES128GCM);
  }

  static byte[] randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  /** A browser's subscription keys: p256dh key pair and auth secret. */
  record UserAgent(ECPrivateKey privateKey, byte[] publicKey, byte[] auth) {
    static UserAgent create() {
      try {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", "SunEC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        return new UserAgent((ECPrivateKey) pair.getPrivate(),
            P256.encodePublicKey((ECPublicKey) pair.getPublic()),
            randomBytes(16, System.nanoTime()));
      } catch (java.security.GeneralSecurityException e) {
        throw new AssertionError(e);
      }
    }
  }
}
