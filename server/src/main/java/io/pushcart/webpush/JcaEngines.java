package io.pushcart.webpush;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** One thread's JCA engines for one provider (null = the JDK's defaults). Not thread-safe. */
final class JcaEngines {

  private static final String GCM = "AES/GCM/NoPadding";
  private static final Provider JDK_MAC_PROVIDER = jdkMacProvider();

  final SecureRandom random;
  final KeyPairGenerator keyPairGenerator;
  final KeyFactory keyFactory;
  final KeyAgreement keyAgreement;
  final Mac mac;
  private final Provider provider;
  private Cipher cipher;

  private JcaEngines(Provider provider, String randomAlgorithm) throws GeneralSecurityException {
    this.provider = provider;
    // For the JDK a per-thread DRBG avoids NativePRNG's global lock when every core encrypts.
    random = randomAlgorithm == null ? SecureRandom.getInstance("DRBG") : SecureRandom.getInstance(randomAlgorithm, provider);
    keyPairGenerator = provider == null ? KeyPairGenerator.getInstance("EC") : KeyPairGenerator.getInstance("EC", provider);
    keyPairGenerator.initialize(new ECGenParameterSpec("secp256r1"), random);
    keyFactory = provider == null ? KeyFactory.getInstance("EC") : KeyFactory.getInstance("EC", provider);
    keyAgreement = provider == null ? KeyAgreement.getInstance("ECDH") : KeyAgreement.getInstance("ECDH", provider);
    // HMAC always runs on the JDK's SunJCE: a message needs five HMACs over < 200 bytes,
    // where Conscrypt's JNI call and key setup cost more than the hashing (measured
    // 3.1 µs vs 0.4 µs each; 13 % of a Conscrypt message). ACCP's is as fast as the JDK's (0.5 µs).
    mac = Mac.getInstance("HmacSHA256", JDK_MAC_PROVIDER);
    cipher = newCipher();
  }

  static JcaEngines create(String name, Provider provider, String randomAlgorithm) {
    try {
      return new JcaEngines(provider, randomAlgorithm);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(name + " lacks an algorithm Web Push needs", e);
    }
  }

  /** A new ES256 signer: signing is rare (VapidSigner caches tokens), so none is kept. */
  static Signature signature(Provider provider) throws GeneralSecurityException {
    return provider == null
        ? Signature.getInstance("SHA256withECDSA")
        : Signature.getInstance("SHA256withECDSA", provider);
  }

  /** This thread's AES-128-GCM cipher, initialised for encryption with a 128-bit tag. */
  Cipher gcm(byte[] key16, byte[] nonce12) throws GeneralSecurityException {
    SecretKeySpec key = new SecretKeySpec(key16, "AES");
    GCMParameterSpec spec = new GCMParameterSpec(128, nonce12);
    try {
      cipher.init(Cipher.ENCRYPT_MODE, key, spec);
    } catch (InvalidAlgorithmParameterException | InvalidKeyException sameKeyAndNonce) {
      // JDK and Conscrypt both refuse to re-init a GCM cipher with the key and nonce it
      // last used (NIST SP 800-38D §8). Per-message keys never repeat; only a fixed test
      // vector does, and for it a fresh engine is the honest answer.
      cipher = newCipher();
      cipher.init(Cipher.ENCRYPT_MODE, key, spec);
    }
    return cipher;
  }

  private Cipher newCipher() throws GeneralSecurityException {
    return provider == null ? Cipher.getInstance(GCM) : Cipher.getInstance(GCM, provider);
  }

  private static Provider jdkMacProvider() {
    try {
      return Mac.getInstance("HmacSHA256").getProvider();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}
