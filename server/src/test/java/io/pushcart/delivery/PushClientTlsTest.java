package io.pushcart.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.config.Config;
import io.pushcart.testkit.LocalPushService;
import io.pushcart.webpush.PushRequest;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.dns.AddressResolverOptions;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The push client's TLS (Conscrypt here): trusts only what it should, checks the host name, speaks HTTP/2. */
class PushClientTlsTest {
  private static LocalPushService push;
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    push = new LocalPushService().verify(false).start();
    // "wrong.test" resolves to the push service, whose certificate names only 127.0.0.1 and localhost.
    vertx = Vertx.vertx(new VertxOptions().setAddressResolverOptions(new AddressResolverOptions()
        .setHostsValue(Buffer.buffer("127.0.0.1 wrong.test\n"))));
  }

  @AfterAll
  static void stop() {
    vertx.close();
    push.close();
  }

  private static PushResponse send(Map<String, String> env, String host) throws Exception {
    PushClient client = new PushClient(vertx, Config.from(env));
    PushRequest request = new PushRequest(URI.create("https://" + host + ":" + push.port() + "/push/tls-test"),
        Map.of("TTL", "60", "Content-Encoding", "aes128gcm"), new byte[] {1, 2, 3});
    try {
      return client.send(request).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } finally {
      client.close();
    }
  }

  @Test
  void aPushServiceSignedByTheConfiguredCaIsReachedOverHttp2() throws Exception {
    assertThat(ConscryptTls.options()).as("Conscrypt loads on this machine").isPresent();
    PushResponse r = send(Map.of("PUSHCART_PUSH_CA_FILE", push.caFile().toString()), "127.0.0.1");
    assertThat(r.status()).isEqualTo(201);
  }

  @Test
  void aCertificateForAnotherHostIsRefused() {
    assertThat(org.assertj.core.api.Assertions.catchThrowable(
        () -> send(Map.of("PUSHCART_PUSH_CA_FILE", push.caFile().toString()), "wrong.test")))
        .hasRootCauseInstanceOf(java.security.GeneralSecurityException.class);
  }

  @Test
  void aCaThatWasNotConfiguredIsNotTrusted() {
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> send(Map.of(), "127.0.0.1")))
        .hasRootCauseInstanceOf(java.security.GeneralSecurityException.class);
  }
}
