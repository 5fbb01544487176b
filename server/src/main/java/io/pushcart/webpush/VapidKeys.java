package io.pushcart.webpush;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.util.Objects;

/**
 * One site's VAPID key pair (RFC 8292 §3.2): a P-256 key whose public half browsers receive as
 * {@code applicationServerKey} when subscribing, and whose private half signs the JWTs that
 * push services check against it. Stored as two base64url strings.
 */
public final class VapidKeys {

  private final ECPublicKey publicKey;
  private final ECPrivateKey privateKey;
  private final String publicKeyBase64Url;

  private VapidKeys(ECPublicKey publicKey, ECPrivateKey privateKey) {
    this.publicKey = publicKey;
    this.privateKey = privateKey;
    this.publicKeyBase64Url = Base64Url.encode(P256.encodePublicKey(publicKey));
  }

  /** A new random key pair. */
  public static VapidKeys generate(CryptoProvider crypto) {
    KeyPair pair = crypto.generateKeyPair();
    return new VapidKeys((ECPublicKey) pair.getPublic(), (ECPrivateKey) pair.getPrivate());
  }

  /**
   * Reloads a key pair saved with {@link #publicKeyBase64Url()} and {@link #privateKeyBase64Url()}.
   *
   * @throws IllegalArgumentException if either is malformed or the two halves do not belong together
   */
  public static VapidKeys fromBase64Url(String publicKey, String privateKey) {
    Objects.requireNonNull(publicKey, "publicKey");
    Objects.requireNonNull(privateKey, "privateKey");
    VapidKeys keys = new VapidKeys(
        P256.decodePublicKey(Base64Url.decode(publicKey)),
        P256.decodePrivateKey(Base64Url.decode(privateKey)));
    // A mismatched pair would sign tokens every push service rejects (403), far from the
    // cause; a trial signature here fails at startup instead.
    if (!keys.halvesMatch()) {
      throw new IllegalArgumentException("VAPID public and private keys do not form a pair");
    }
    return keys;
  }

  /** The 65-byte uncompressed public point, base64url: the browser's applicationServerKey. */
  public String publicKeyBase64Url() {
    return publicKeyBase64Url;
  }

  /** The 32-byte private scalar, base64url. Secret: store it, never log it. */
  public String privateKeyBase64Url() {
    return Base64Url.encode(P256.encodePrivateKey(privateKey));
  }

  ECPublicKey publicKey() {
    return publicKey;
  }

  ECPrivateKey privateKey() {
    return privateKey;
  }

  private boolean halvesMatch() {
    try {
      byte[] probe = "pushcart vapid key check".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance("SHA256withECDSA");
      signer.initSign(privateKey);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance("SHA256withECDSA");
      verifier.initVerify(publicKey);
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** Shows only the public key. */
  @Override
  public String toString() {
    return "VapidKeys[public=" + publicKeyBase64Url + "]";
  }
}
