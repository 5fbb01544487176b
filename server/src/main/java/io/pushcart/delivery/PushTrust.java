package io.pushcart.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Optional;
import javax.net.ssl.TrustManagerFactory;

/**
 * The certificates trusted for push-service TLS: the JDK's own CA set, plus those of
 * {@code PUSHCART_PUSH_CA_FILE} (a local push service in tests) — added to it, never instead.
 */
final class PushTrust {
  private PushTrust() {
  }

  static TrustManagerFactory trustManagers(Optional<Path> extraCaFile) {
    try {
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      if (extraCaFile.isEmpty()) {
        tmf.init((KeyStore) null);
        return tmf;
      }
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      Path cacerts = Path.of(System.getProperty("java.home"), "lib", "security", "cacerts");
      try (InputStream in = Files.newInputStream(cacerts)) {
        store.load(in, null); // reading certificates needs no password
      }
      CertificateFactory x509 = CertificateFactory.getInstance("X.509");
      try (InputStream in = Files.newInputStream(extraCaFile.get())) {
        int n = 0;
        for (Certificate cert : x509.generateCertificates(in)) {
          store.setCertificateEntry("pushcart-extra-" + n++, cert);
        }
        if (n == 0) {
          throw new IllegalStateException("PUSHCART_PUSH_CA_FILE holds no PEM certificate: " + extraCaFile.get());
        }
      }
      tmf.init(store);
      return tmf;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot load push-service trust: " + e.getMessage(), e);
    }
  }
}
