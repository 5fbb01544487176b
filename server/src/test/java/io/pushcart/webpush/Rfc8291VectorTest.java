package io.pushcart.webpush;

import static io.pushcart.webpush.Rfc8291Vector.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** RFC 8291 Appendix A reproduced byte for byte, intermediates included, with each provider. */
class Rfc8291VectorTest {

  static java.util.stream.Stream<CryptoProvider> providers() {
    return Providers.all();
  }

  private static KeyPair asKeys(CryptoProvider crypto) {
    return new KeyPair(crypto.publicKey(b(AS_PUBLIC)), crypto.privateKey(b(AS_PRIVATE)));
  }

  @ParameterizedTest
  @MethodSource("providers")
  void intermediateValuesMatchAppendixA(CryptoProvider crypto) {
    KeyPair as = asKeys(crypto);
    byte[] ecdh = crypto.ecdh(as.getPrivate(), crypto.publicKey(b(UA_PUBLIC)));
    KeySchedule keys = KeySchedule.derive(crypto, ecdh, b(AUTH_SECRET), b(UA_PUBLIC), b(AS_PUBLIC), b(SALT));

    assertThat(Base64Url.encode(keys.ecdhSecret())).isEqualTo(ECDH_SECRET);
    assertThat(Base64Url.encode(keys.prkKey())).isEqualTo(PRK_KEY);
    assertThat(Base64Url.encode(keys.ikm())).isEqualTo(IKM);
    assertThat(Base64Url.encode(keys.prk())).isEqualTo(PRK);
    assertThat(Base64Url.encode(keys.cek())).isEqualTo(CEK);
    assertThat(Base64Url.encode(keys.nonce())).isEqualTo(NONCE);
  }

  @ParameterizedTest
  @MethodSource("providers")
  void encryptedMessageMatchesAppendixAByteForByte(CryptoProvider crypto) {
    Aes128GcmEncryptor encryptor = new Aes128GcmEncryptor(crypto);
    byte[] message = encryptor.encrypt(b(PLAINTEXT), b(UA_PUBLIC), b(AUTH_SECRET), asKeys(crypto), b(SALT));

    assertThat(message).hasSize(144).isEqualTo(b(MESSAGE));
    assertThat(Base64Url.encode(message)).isEqualTo(MESSAGE);
    // The same inputs again on the same thread: GCM engines refuse a repeated key and
    // nonce, so this exercises the encryptor's fresh-engine fallback.
    assertThat(encryptor.encrypt(b(PLAINTEXT), b(UA_PUBLIC), b(AUTH_SECRET), asKeys(crypto), b(SALT)))
        .isEqualTo(b(MESSAGE));
  }

  @ParameterizedTest
  @MethodSource("providers")
  void asKeyPairFromTheRfcRoundTripsThroughP256(CryptoProvider crypto) {
    KeyPair as = asKeys(crypto);
    assertThat(Base64Url.encode(P256.encodePublicKey((java.security.interfaces.ECPublicKey) as.getPublic())))
        .isEqualTo(AS_PUBLIC);
    assertThat(Base64Url.encode(P256.encodePrivateKey((java.security.interfaces.ECPrivateKey) as.getPrivate())))
        .isEqualTo(AS_PRIVATE);
  }

  @org.junit.jupiter.api.Test
  void referenceDecryptorRecoversTheRfcPlaintext() throws Exception {
    // Checks the test oracle itself against the RFC, so its verdicts elsewhere mean something.
    byte[] plaintext = ReferenceDecryptor.decrypt(
        b(MESSAGE), P256.decodePrivateKey(b(UA_PRIVATE)), b(UA_PUBLIC), b(AUTH_SECRET));
    assertThat(new String(plaintext, java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("When I grow up, I want to be a watermelon");
  }
}
