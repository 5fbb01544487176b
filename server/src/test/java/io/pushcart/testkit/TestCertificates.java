package io.pushcart.testkit;

import io.pushcart.support.TempDirs;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate authority and a server certificate it signed, made at runtime with
 * BouncyCastle (no provider registration needed: the JDK's own EC provider does the signing).
 *
 * <p>The leaf certificate is valid for {@code 127.0.0.1} (IP SAN) and {@code localhost} (DNS SAN).
 * Give {@link #caFile()} to the server under test as {@code PUSHCART_PUSH_CA_FILE}; give
 * {@link #keyCertOptions()} to a Vert.x server. All files live in one temporary directory that is
 * deleted when the JVM exits.
 */
public final class TestCertificates {

  private static final Duration VALIDITY = Duration.ofDays(7);
  private static TestCertificates shared;

  private final X509Certificate caCertificate;
  private final X509Certificate leafCertificate;
  private final PrivateKey leafKey;
  private final String caPem;
  private final String leafCertificatePem;
  private final String leafKeyPem;
  private final Path directory;

  private TestCertificates(X509Certificate ca, X509Certificate leaf, PrivateKey leafKey, Path dir)
      throws GeneralSecurityException {
    this.caCertificate = ca;
    this.leafCertificate = leaf;
    this.leafKey = leafKey;
    this.caPem = pem("CERTIFICATE", ca.getEncoded());
    // The chain: the leaf first, then its issuer.
    this.leafCertificatePem = pem("CERTIFICATE", leaf.getEncoded()) + caPem;
    this.leafKeyPem = pem("PRIVATE KEY", leafKey.getEncoded()); // PKCS#8
    this.directory = dir;
    write("ca.pem", caPem);
    write("server-cert.pem", leafCertificatePem);
    write("server-key.pem", leafKeyPem);
  }

  /** Generates a fresh CA and server certificate (P-256 keys) and writes them as PEM files. */
  public static TestCertificates create() {
    try {
      KeyPair caKeys = newP256KeyPair();
      KeyPair leafKeys = newP256KeyPair();
      X500Name caName = new X500Name("CN=Pushcart Test CA " + Long.toHexString(new SecureRandom().nextLong()));
      X509Certificate ca = caCertificate(caName, caKeys);
      X509Certificate leaf = leafCertificate(caName, caKeys, ca, leafKeys);
      Path dir = TempDirs.create("pushcart-test-certs");
      dir.toFile().deleteOnExit();
      return new TestCertificates(ca, leaf, leafKeys.getPrivate(), dir);
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("could not generate test certificates", e);
    }
  }

  /** One set of certificates for the whole JVM, generated on first use. */
  public static synchronized TestCertificates shared() {
    if (shared == null) {
      shared = create();
    }
    return shared;
  }

  /** The CA certificate as a PEM file: what the server under test gets as PUSHCART_PUSH_CA_FILE. */
  public Path caFile() {
    return directory.resolve("ca.pem");
  }

  /** The server certificate chain (leaf, then CA) as a PEM file. */
  public Path serverCertificateFile() {
    return directory.resolve("server-cert.pem");
  }

  /** The server's private key as an unencrypted PKCS#8 PEM file. */
  public Path serverKeyFile() {
    return directory.resolve("server-key.pem");
  }

  public String caPem() {
    return caPem;
  }

  public X509Certificate caCertificate() {
    return caCertificate;
  }

  public X509Certificate serverCertificate() {
    return leafCertificate;
  }

  /** Key and certificate chain for a Vert.x TLS server, set from in-memory buffers. */
  public PemKeyCertOptions keyCertOptions() {
    return new PemKeyCertOptions()
        .setKeyValue(Buffer.buffer(leafKeyPem))
        .setCertValue(Buffer.buffer(leafCertificatePem));
  }

  /** Trust options for a Vert.x client that must trust only this CA. */
  public PemTrustOptions trustOptions() {
    return new PemTrustOptions().addCertValue(Buffer.buffer(caPem));
  }

  private static KeyPair newP256KeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static X509Certificate caCertificate(X500Name name, KeyPair keys)
      throws GeneralSecurityException, OperatorCreationException, IOException {
    JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
    X509v3CertificateBuilder builder = builder(name, name, keys)
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
        .addExtension(Extension.subjectKeyIdentifier, false,
            extensions.createSubjectKeyIdentifier(keys.getPublic()));
    return sign(builder, keys.getPrivate());
  }

  private static X509Certificate leafCertificate(
      X500Name caName, KeyPair caKeys, X509Certificate ca, KeyPair keys)
      throws GeneralSecurityException, OperatorCreationException, IOException {
    JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
    GeneralNames altNames = new GeneralNames(new GeneralName[] {
        new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
        new GeneralName(GeneralName.dNSName, "localhost")});
    X509v3CertificateBuilder builder = builder(caName, new X500Name("CN=localhost"), keys)
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
        .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
        .addExtension(Extension.subjectAlternativeName, false, altNames)
        .addExtension(Extension.subjectKeyIdentifier, false,
            extensions.createSubjectKeyIdentifier(keys.getPublic()))
        .addExtension(Extension.authorityKeyIdentifier, false,
            extensions.createAuthorityKeyIdentifier(ca));
    return sign(builder, caKeys.getPrivate());
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(
        issuer,
        new BigInteger(64, new SecureRandom()).add(BigInteger.ONE),
        Date.from(now.minus(Duration.ofHours(1))),
        Date.from(now.plus(VALIDITY)),
        subject,
        keys.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter()
        .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
  }

  private static String pem(String type, byte[] der) {
    String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + base64 + "\n-----END " + type + "-----\n";
  }

  private void write(String name, String content) {
    try {
      Path file = directory.resolve(name);
      Files.writeString(file, content, StandardCharsets.US_ASCII);
      file.toFile().deleteOnExit();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
