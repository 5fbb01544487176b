package io.pushcart.webpush;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.KeySpec;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@link CryptoProvider} over the JCA with one explicit {@link Provider} (or the JDK's
 * default providers when {@code provider} is null). The one exception is HMAC, which always
 * runs on the JDK (see {@link JcaEngines}).
 *
 * <p>JCA engines are not thread-safe, so each thread keeps its own set ({@link JcaEngines}).
 * Measured against creating engines per call (307-byte payload, one thread): Conscrypt
 * 90 µs vs 111 µs per message; the JDK about 1.6 ms either way, dominated by SunEC's P-256.
 */
final class JcaCryptoProvider implements CryptoProvider {

  private final String name;
  private final Provider provider; // null = JDK default providers
  private final boolean refusesOffCurvePoints;
  private final ThreadLocal<JcaEngines> engines;

  /**
   * @param refusesOffCurvePoints the provider's own parsing refuses points off P-256 (pinned by
   *                              CryptoProviderTest), so ours is skipped
   * @param randomAlgorithm       the provider's SecureRandom (null: the JDK's per-thread DRBG)
   */
  private JcaCryptoProvider(String name, Provider provider, boolean refusesOffCurvePoints, String randomAlgorithm) {
    this.name = name;
    this.provider = provider;
    this.refusesOffCurvePoints = refusesOffCurvePoints;
    this.engines = ThreadLocal.withInitial(() -> JcaEngines.create(name, provider, randomAlgorithm));
  }

  static CryptoProvider jdk() {
    return JdkHolder.INSTANCE;
  }

  static CryptoProvider conscryptOrNull() {
    return ConscryptHolder.INSTANCE;
  }

  static CryptoProvider accpOrNull() {
    return AccpHolder.INSTANCE;
  }

  static CryptoProvider bouncyCastle() {
    return BouncyCastleHolder.INSTANCE;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public KeyPair generateKeyPair() {
    return engines.get().keyPairGenerator.generateKeyPair();
  }

  @Override
  public ECPublicKey publicKey(byte[] point65) {
    // Every message's subscriber key is checked: by AWS-LC or BoringSSL as it parses the point
    // (they refuse coordinates >= p and points off the curve; CryptoProviderTest pins that down),
    // else by our own check, which is the same work again in BigIntegers (3 µs a message).
    KeySpec spec = refusesOffCurvePoints ? P256.publicKeySpecForCheckingProvider(point65) : P256.publicKeySpec(point65);
    try {
      return (ECPublicKey) engines.get().keyFactory.generatePublic(spec);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not a usable P-256 public key", e);
    }
  }

  @Override
  public ECPrivateKey privateKey(byte[] d32) {
    try {
      return (ECPrivateKey) engines.get().keyFactory.generatePrivate(P256.privateKeySpec(d32));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not a usable P-256 private key", e);
    }
  }

  @Override
  public byte[] ecdh(PrivateKey privateKey, ECPublicKey peer) {
    KeyAgreement agreement = engines.get().keyAgreement;
    try {
      agreement.init(privateKey);
      agreement.doPhase(peer, true);
      return agreement.generateSecret();
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("ECDH failed", e);
    }
  }

  @Override
  public byte[] signSha256WithEcdsa(PrivateKey key, byte[] data) {
    // Called about twice a day per site and push service (VapidSigner caches tokens): no per-thread engine.
    try {
      Signature signature = JcaEngines.signature(provider);
      signature.initSign(key, engines.get().random);
      signature.update(data);
      return signature.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ES256 signing failed", e);
    }
  }

  @Override
  public byte[] hmacSha256(byte[] key, byte[] data) {
    Mac mac = engines.get().mac;
    try {
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 init failed", e);
    }
    return mac.doFinal(data);
  }

  @Override
  public void aes128GcmEncrypt(byte[] key16, byte[] nonce12, byte[] input, byte[] output, int offset) {
    try {
      Cipher cipher = engines.get().gcm(key16, nonce12);
      cipher.doFinal(input, 0, input.length, output, offset);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-128-GCM failed", e);
    }
  }

  @Override
  public byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    engines.get().random.nextBytes(bytes);
    return bytes;
  }

  @Override
  public String toString() {
    return "CryptoProvider[" + name + "]";
  }

  private static final class JdkHolder {
    static final CryptoProvider INSTANCE = new JcaCryptoProvider("JDK", null, false, null);
  }

  private static final class ConscryptHolder {
    static final CryptoProvider INSTANCE = load();

    private static CryptoProvider load() {
      try {
        if (!org.conscrypt.Conscrypt.isAvailable()) {
          return null;
        }
        // Conscrypt's "SHA1PRNG" is BoringSSL's RAND_bytes, not SHA-1.
        return new JcaCryptoProvider("Conscrypt", org.conscrypt.Conscrypt.newProvider(), true, "SHA1PRNG");
      } catch (LinkageError | RuntimeException unavailable) {
        // No native library for this OS/CPU, or the jar is absent: the JDK will do.
        return null;
      }
    }
  }

  /**
   * BouncyCastle: pure Java, so it loads everywhere (arm64 Linux, macOS), and its P-256 is
   * several times faster than the JDK 17 provider's. Not installed globally; its point parsing is
   * not relied on (our own curve check runs).
   */
  private static final class BouncyCastleHolder {
    static final CryptoProvider INSTANCE = new JcaCryptoProvider("BouncyCastle",
        new org.bouncycastle.jce.provider.BouncyCastleProvider(), false, null);
  }

  private static final class AccpHolder {
    static final CryptoProvider INSTANCE = load();

    private static CryptoProvider load() {
      try {
        var accp = com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider.INSTANCE;
        if (accp.getLoadingError() != null) {
          return null; // its native library did not load (only linux-x86_64 is shipped)
        }
        // "DEFAULT" is AWS-LC's CTR-DRBG, seeded from the CPU and the OS.
        return new JcaCryptoProvider("ACCP", accp, true, "DEFAULT");
      } catch (LinkageError | RuntimeException unavailable) {
        return null;
      }
    }
  }
}
