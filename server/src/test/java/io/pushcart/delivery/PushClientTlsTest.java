package io.pushcart.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.config.Config;
import io.pushcart.testkit.LocalPushService;
import io.pushcart.testkit.TestCertificates;
import io.pushcart.webpush.PushRequest;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.Future;
import io.vertx.core.dns.AddressResolverOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
  void manyConcurrentSendsOnOneConnectionAllGetTheirAnswers() throws Exception {
    // Flushes are consolidated across requests (PushClient): none may be left unflushed.
    PushClient client = new PushClient(vertx, Config.from(Map.of("PUSHCART_PUSH_CA_FILE", push.caFile().toString())));
    try {
      // Started in one event-loop task, as SendStep starts a chunk's sends.
      CompletableFuture<List<Future<PushResponse>>> started = new CompletableFuture<>();
      vertx.runOnContext(v -> {
        List<Future<PushResponse>> all = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
          all.add(client.send(new PushRequest(URI.create("https://127.0.0.1:" + push.port() + "/push/many-" + i),
              Map.of("TTL", "60", "Content-Encoding", "aes128gcm"), new byte[] {1, 2, 3})));
        }
        started.complete(all);
      });
      List<Future<PushResponse>> sends = started.get(20, TimeUnit.SECONDS);
      Future.all(sends).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      assertThat(sends).allSatisfy(f -> assertThat(f.result().status()).isEqualTo(201));
    } finally {
      client.close();
    }
  }

  @Test
  void aPushServiceThatSpeaksOnlyHttp11IsReachedOverHttp11() throws Exception {
    HttpServer http11 = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setSsl(true)
            .setUseAlpn(true).setAlpnVersions(List.of(HttpVersion.HTTP_1_1))
            .setKeyCertOptions(TestCertificates.shared().keyCertOptions()))
        .requestHandler(req -> req.body().onSuccess(body -> req.response()
            .setStatusCode(req.version() == HttpVersion.HTTP_1_1 && body.length() == 3 ? 201 : 500).end()))
        .listen().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    try {
      PushClient client = new PushClient(vertx, Config.from(Map.of("PUSHCART_PUSH_CA_FILE", push.caFile().toString())));
      try {
        PushRequest request = new PushRequest(URI.create("https://127.0.0.1:" + http11.actualPort() + "/push/h1"),
            Map.of("TTL", "60", "Content-Encoding", "aes128gcm"), new byte[] {1, 2, 3});
        PushResponse r = client.send(request).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertThat(r.status()).isEqualTo(201);
      } finally {
        client.close();
      }
    } finally {
      http11.close();
    }
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
