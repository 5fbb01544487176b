package io.pushcart.delivery;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.vertx.core.net.SSLEngineOptions;
import io.vertx.core.spi.tls.SslContextFactory;
import java.security.Provider;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS for push-service connections through Conscrypt (BoringSSL) instead of the JDK's engine.
 * Measured: with the JDK engine, AES-GCM of the many small TLS records that HTTP/2 pushes make
 * took over half the server's CPU in the delivery benchmark (the JDK's GHASH fast path needs
 * large records). The JDK engine stays the fallback where Conscrypt's native library is missing.
 *
 * <p>Certificates are still checked by the JDK's trust managers (the JDK CA set plus
 * {@code PUSHCART_PUSH_CA_FILE}), through {@link GenericAuthTypeTrust}.
 */
public final class ConscryptTls extends SSLEngineOptions {
  private final Provider provider;

  private ConscryptTls(Provider provider) {
    this.provider = provider;
  }

  /** Conscrypt's engine when its native library loads here. */
  public static Optional<SSLEngineOptions> options() {
    try {
      if (org.conscrypt.Conscrypt.isAvailable()) {
        return Optional.of(new ConscryptTls(org.conscrypt.Conscrypt.newProvider()));
      }
    } catch (Throwable unavailable) {
      // UnsatisfiedLinkError and friends: no native library for this platform
    }
    return Optional.empty();
  }

  @Override
  public SSLEngineOptions copy() {
    return new ConscryptTls(provider);
  }

  @Override
  public SslContextFactory sslContextFactory() {
    return new Factory(provider);
  }

  /** Collects what Vert.x asks for and builds a Netty JDK-style context on the Conscrypt provider. */
  private static final class Factory implements SslContextFactory {
    private final Provider provider;
    private boolean useAlpn;
    private boolean forClient;
    private ClientAuth clientAuth;
    private KeyManagerFactory kmf;
    private TrustManagerFactory tmf;
    private Set<String> ciphers;
    private List<String> protocols;

    Factory(Provider provider) {
      this.provider = provider;
    }

    @Override
    public SslContextFactory useAlpn(boolean useAlpn) {
      this.useAlpn = useAlpn;
      return this;
    }

    @Override
    public SslContextFactory clientAuth(ClientAuth clientAuth) {
      this.clientAuth = clientAuth;
      return this;
    }

    @Override
    public SslContextFactory forClient(boolean forClient) {
      this.forClient = forClient;
      return this;
    }

    @Override
    public SslContextFactory keyMananagerFactory(KeyManagerFactory kmf) {
      this.kmf = kmf;
      return this;
    }

    @Override
    public SslContextFactory trustManagerFactory(TrustManagerFactory tmf) {
      this.tmf = tmf;
      return this;
    }

    @Override
    public SslContextFactory enabledCipherSuites(Set<String> ciphers) {
      this.ciphers = ciphers;
      return this;
    }

    @Override
    public SslContextFactory applicationProtocols(List<String> protocols) {
      this.protocols = protocols;
      return this;
    }

    @Override
    public SslContext create() throws SSLException {
      SslContextBuilder b = forClient ? SslContextBuilder.forClient() : SslContextBuilder.forServer(kmf);
      if (forClient && kmf != null) {
        b.keyManager(kmf);
      }
      b.sslProvider(SslProvider.JDK).sslContextProvider(provider);
      if (tmf != null) {
        b.trustManager(new GenericAuthTypeTrust(tmf));
      }
      if (ciphers != null && !ciphers.isEmpty()) {
        b.ciphers(ciphers);
      }
      if (useAlpn && protocols != null && !protocols.isEmpty()) {
        b.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, protocols));
      }
      if (clientAuth != null) {
        b.clientAuth(clientAuth);
      }
      return b.build();
    }
  }
}
