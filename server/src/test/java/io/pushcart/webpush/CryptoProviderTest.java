package io.pushcart.webpush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
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
    return Providers.all();
  }

  @Test
  void bestIsAccpOnThisMachineAndNoneIsInstalledGlobally() {
    org.junit.jupiter.api.Assumptions.assumeTrue(Providers.nativeExpected(),
        "ACCP and Conscrypt ship native libraries for linux-x86_64 only; here best() is BouncyCastle");
    assertThat(CryptoProvider.best().name()).isEqualTo("ACCP");
    assertThat(CryptoProvider.conscrypt().orElseThrow().name()).isEqualTo("Conscrypt");
    assertThat(CryptoProvider.jdk().name()).isEqualTo("JDK");
    assertThat(Security.getProvider("Conscrypt")).isNull();
    assertThat(Security.getProvider("AmazonCorrettoCryptoProvider")).isNull();
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

  /**
   * ACCP's and Conscrypt's publicKey leave the curve check to AWS-LC and BoringSSL
   * (JcaCryptoProvider): this pins down that every provider still refuses each kind of bad point, as the
   * IllegalArgumentException that SendStep counts as a failed message.
   */
  @ParameterizedTest
  @MethodSource("providers")
  void everyKindOfBadSubscriberKeyIsRefused(CryptoProvider crypto) {
    byte[] valid = Rfc8291Vector.b(Rfc8291Vector.UA_PUBLIC);
    byte[] offCurve = valid.clone();
    offCurve[64] ^= 1;
    // A curve point with x < 2^256 − p: x + p fits in 32 bytes and satisfies the equation mod p.
    BigInteger x = BigInteger.ONE;
    BigInteger y = null;
    for (; y == null; x = x.add(BigInteger.ONE)) {
      y = P256Test.sqrtModP(x.pow(3).subtract(x.multiply(BigInteger.valueOf(3))).add(P256.B).mod(P256.P));
    }
    x = x.subtract(BigInteger.ONE);
    BigInteger all = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);
    byte[] compressedPrefix = valid.clone();
    compressedPrefix[0] = 2;
    byte[] hybridPrefix = valid.clone();
    hybridPrefix[0] = 6;
    List<byte[]> bad = List.of(offCurve, P256Test.point(x.add(P256.P), y), P256Test.point(x, y.add(P256.P).mod(all.add(BigInteger.ONE))),
        P256Test.point(x, P256.P), P256Test.point(BigInteger.ZERO, BigInteger.ZERO), P256Test.point(all, all),
        compressedPrefix, hybridPrefix, java.util.Arrays.copyOf(valid, 64), java.util.Arrays.copyOf(valid, 66), new byte[0]);
    assertThat(crypto.publicKey(P256Test.point(x, y))).isNotNull();
    Aes128GcmEncryptor encryptor = new Aes128GcmEncryptor(crypto);
    for (byte[] point : bad) {
      assertThatThrownBy(() -> crypto.publicKey(point)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> encryptor.encrypt(new byte[10], point, new byte[16])).isInstanceOf(IllegalArgumentException.class);
    }
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
