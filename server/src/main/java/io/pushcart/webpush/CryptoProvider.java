package io.pushcart.webpush;

import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.Optional;

/**
 * The few primitives Web Push needs, behind one interface so the JCA provider choice
 * (Amazon Corretto Crypto Provider/AWS-LC, else Conscrypt/BoringSSL, whichever native library
 * loads first, else the JDK) sits in one place.
 *
 * <p>Implementations are thread-safe: JCA engines are not, so each thread gets its own.
 * The provider is passed to every {@code getInstance} call; nothing is installed
 * JVM-wide with {@code Security.insertProviderAt}.
 */
public interface CryptoProvider {

  /** "ACCP", "Conscrypt" or "JDK": which implementation does the work. */
  String name();

  /** A fresh P-256 key pair (RFC 8291 §3.1: a new one for every message). */
  KeyPair generateKeyPair();

  /**
   * A public key for a 65-byte uncompressed point, checked to be on P-256 (as
   * {@link P256#isOnCurve} does, by us or by the provider).
   *
   * @throws IllegalArgumentException for anything else
   */
  ECPublicKey publicKey(byte[] point65);

  /** A private key for a 32-byte big-endian scalar {@code d}. */
  ECPrivateKey privateKey(byte[] d32);

  /** ECDH on P-256: the 32-byte x coordinate of the shared point. */
  byte[] ecdh(PrivateKey privateKey, ECPublicKey peer);

  /** ECDSA P-256 with SHA-256, in the JCA's DER form (see {@link EcdsaSignatures}). */
  byte[] signSha256WithEcdsa(PrivateKey key, byte[] data);

  /** HMAC-SHA-256(key, data): 32 bytes. */
  byte[] hmacSha256(byte[] key, byte[] data);

  /**
   * AES-128-GCM with a 128-bit tag and no associated data. Writes
   * {@code input.length + 16} bytes (ciphertext then tag) into {@code output} at {@code offset}.
   */
  void aes128GcmEncrypt(byte[] key16, byte[] nonce12, byte[] input, byte[] output, int offset);

  /** {@code n} bytes from a cryptographically strong generator. */
  byte[] randomBytes(int n);

  /**
   * The fastest that loads on this machine: ACCP (linux-x86_64; P-256 key generation, encoding and
   * ECDH 74 µs a message against Conscrypt's 83, and the server about 10 % less CPU a message in
   * the delivery benchmark, docs/benchmarks.md), else Conscrypt (most OS/CPU pairs), else the JDK.
   */
  static CryptoProvider best() {
    return accp().or(CryptoProvider::conscrypt).orElseGet(CryptoProvider::bouncyCastle);
  }

  /**
   * The provider PUSHCART_CRYPTO_PROVIDER names ({@code accp}, {@code conscrypt},
   * {@code bouncycastle}, {@code jdk}), or {@link #best()} when it is unset or {@code auto}.
   */
  static CryptoProvider named(String name) {
    return switch (name == null ? "auto" : name.toLowerCase(java.util.Locale.ROOT)) {
      case "auto" -> best();
      case "accp" -> accp().orElseThrow(() -> new io.pushcart.config.ConfigException(
          "PUSHCART_CRYPTO_PROVIDER=accp: its native library does not load on this platform (only linux-x86_64 is shipped)"));
      case "conscrypt" -> conscrypt().orElseThrow(() -> new io.pushcart.config.ConfigException(
          "PUSHCART_CRYPTO_PROVIDER=conscrypt: its native library does not load on this platform"));
      case "bouncycastle" -> bouncyCastle();
      case "jdk" -> jdk();
      default -> throw new io.pushcart.config.ConfigException(
          "PUSHCART_CRYPTO_PROVIDER: one of auto, accp, conscrypt, bouncycastle, jdk; not " + name);
    };
  }

  /** BouncyCastle (pure Java): the fallback where no native provider loads. */
  static CryptoProvider bouncyCastle() {
    return JcaCryptoProvider.bouncyCastle();
  }

  /** The pure-Java JDK providers (SunEC, SunJCE): always available. */
  static CryptoProvider jdk() {
    return JcaCryptoProvider.jdk();
  }

  /** The Amazon Corretto Crypto Provider (AWS-LC), or empty when its native library cannot load here. */
  static Optional<CryptoProvider> accp() {
    return Optional.ofNullable(JcaCryptoProvider.accpOrNull());
  }

  /** Conscrypt, or empty when its native library cannot load on this platform. */
  static Optional<CryptoProvider> conscrypt() {
    return Optional.ofNullable(JcaCryptoProvider.conscryptOrNull());
  }
}
