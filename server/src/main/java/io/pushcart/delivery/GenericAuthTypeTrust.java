package io.pushcart.delivery;

import io.netty.handler.ssl.util.SimpleTrustManagerFactory;
import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The JDK's trust managers, usable from Conscrypt. Under TLS 1.3 Conscrypt names the key
 * exchange "GENERIC", which the JDK's end-entity checker refuses ("Unknown authType"); the JDK's
 * own TLS 1.3 code passes "UNKNOWN" there, which checks the certificate the same way without a
 * key-exchange-specific key usage. Nothing else changes: same CAs, same chain and host checks.
 */
final class GenericAuthTypeTrust extends SimpleTrustManagerFactory {
  private final TrustManager[] managers;

  GenericAuthTypeTrust(TrustManagerFactory jdk) {
    this.managers = Arrays.stream(jdk.getTrustManagers())
        .map(m -> m instanceof X509ExtendedTrustManager x ? new Mapped(x) : m)
        .toArray(TrustManager[]::new);
  }

  @Override
  protected void engineInit(KeyStore keyStore) {
  }

  @Override
  protected void engineInit(ManagerFactoryParameters params) {
  }

  @Override
  protected TrustManager[] engineGetTrustManagers() {
    return managers.clone();
  }

  private static String mapped(String authType) {
    return "GENERIC".equals(authType) ? "UNKNOWN" : authType;
  }

  private static final class Mapped extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager jdk;

    Mapped(X509ExtendedTrustManager jdk) {
      this.jdk = jdk;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      jdk.checkServerTrusted(chain, mapped(authType), engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      jdk.checkServerTrusted(chain, mapped(authType), socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      jdk.checkServerTrusted(chain, mapped(authType));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      jdk.checkClientTrusted(chain, mapped(authType), engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      jdk.checkClientTrusted(chain, mapped(authType), socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      jdk.checkClientTrusted(chain, mapped(authType));
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return jdk.getAcceptedIssuers();
    }
  }
}
