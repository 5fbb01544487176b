package io.pushcart.webpush;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.Security;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CryptoProviderTest {

  static java.util.stream.Stream<CryptoProvider> providers() {
    return Providers.both();
  }

  @Test
  void bestIsConscryptOnThisMachineAndIsNotInstalledGlobally() {
    assertThat(CryptoProvider.best().name()).isEqualTo("Conscrypt");
    assertThat(CryptoProvider.jdk().name()).isEqualTo("JDK");
    assertThat(Security.getProvider("Conscrypt")).isNull();
  }

  @ParameterizedTest
  @MethodSource("providers")
  void keyPairsAndEcdhAgreeAcrossProviders(CryptoProvider crypto) {
    CryptoProvider other = crypto.name().equals("JDK") ? CryptoProvider.best() : CryptoProvider.jdk();
    var a = crypto.generateKeyPair();
    var b = other.generateKeyPair();
    byte[] aPub = P256.encodePublicKey((java.security.interfaces.ECPublicKey) a.getPublic());
    byte[] bPub = P256.encodePublicKey((java.security.interfaces.ECPublicKey) b.getPublic());
    assertThat(P256.isOnCurve(aPub)).isTrue();
    assertThat(crypto.ecdh(a.getPrivate(), crypto.publicKey(bPub)))
        .hasSize(32)
        .isEqualTo(other.ecdh(b.getPrivate(), other.publicKey(aPub)));
  }

  @ParameterizedTest
  @MethodSource("providers")
  void encryptsCorrectlyFromManyThreadsAtOnce(CryptoProvider crypto) throws Exception {
    Aes128GcmEncryptor encryptor = new Aes128GcmEncryptor(crypto);
    InteropDecryptTest.UserAgent ua = InteropDecryptTest.UserAgent.create();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int seed = t;
        results.add(pool.submit(() -> {
          for (int i = 0; i < 50; i++) {
            byte[] plaintext = InteropDecryptTest.randomBytes(100 + i, seed * 1000L + i);
            byte[] body = encryptor.encrypt(plaintext, ua.publicKey(), ua.auth());
            assertThat(ReferenceDecryptor.decrypt(body, ua.privateKey(), ua.publicKey(), ua.auth()))
                .isEqualTo(plaintext);
          }
          return null;
        }));
      }
      for (Future<?> result : results) {
        result.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
