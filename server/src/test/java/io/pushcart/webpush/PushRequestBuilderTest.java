package io.pushcart.webpush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PushRequestBuilderTest {

  private final CryptoProvider crypto = CryptoProvider.best();
  private final VapidSigner signer = new VapidSigner(VapidKeys.generate(crypto), "mailto:ops@shop.example",
      crypto, new MutableClock(Instant.parse("2025-03-01T10:00:00Z")));
  private final PushRequestBuilder builder = new PushRequestBuilder(new Aes128GcmEncryptor(crypto), signer);
  private final InteropDecryptTest.UserAgent ua = InteropDecryptTest.UserAgent.create();
  private final URI endpoint = URI.create("https://web.push.apple.com/QGuQyavXutnMH");

  @Test
  void buildsHeadersAndADecryptableBody() throws Exception {
    byte[] payload = "{\"title\":\"Your order shipped\"}".getBytes(StandardCharsets.UTF_8);
    PushRequest request = builder.build(endpoint, ua.publicKey(), ua.auth(), payload,
        PushOptions.ttl(3600).withUrgency(Urgency.HIGH).withTopic("order-42"));

    assertThat(request.endpoint()).isEqualTo(endpoint);
    assertThat(request.headers()).containsEntry("Content-Encoding", "aes128gcm")
        .containsEntry("Content-Type", "application/octet-stream")
        .containsEntry("TTL", "3600")
        .containsEntry("Urgency", "high")
        .containsEntry("Topic", "order-42")
        .containsEntry("Authorization", signer.authorization("https://web.push.apple.com"));
    assertThat(request.headers().get("Authorization")).startsWith("vapid t=").endsWith(", k=" + signer.publicKeyBase64Url());
    assertThat(ReferenceDecryptor.decrypt(request.body(), ua.privateKey(), ua.publicKey(), ua.auth()))
        .isEqualTo(payload);
  }

  @Test
  void defaultsSendNormalUrgencyAndNoTopic() {
    PushRequest request = builder.build(endpoint, ua.publicKey(), ua.auth(), new byte[1], PushOptions.ttl(0));
    assertThat(request.headers()).containsEntry("TTL", "0").containsEntry("Urgency", "normal")
        .doesNotContainKey("Topic");
    assertThat(Urgency.VERY_LOW.headerValue()).isEqualTo("very-low");
    assertThat(Urgency.LOW.headerValue()).isEqualTo("low");
  }

  @Test
  void toStringLeaksNeitherTokenNorBody() {
    PushRequest request = builder.build(endpoint, ua.publicKey(), ua.auth(), new byte[5], PushOptions.ttl(60));
    assertThat(request.toString()).doesNotContain("vapid t=").doesNotContain("QGuQyavXutnMH")
        .contains("https://web.push.apple.com").contains(request.body().length + " bytes");
    assertThatThrownBy(() -> request.headers().put("X", "y")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void rejectsBadOptionsAndEndpoints() {
    assertThatThrownBy(() -> PushOptions.ttl(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PushOptions.ttl(60).withTopic("not a topic")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PushOptions.ttl(60).withTopic("x".repeat(33))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.build(URI.create("mailto:x@y"), ua.publicKey(), ua.auth(), new byte[1],
        PushOptions.ttl(60))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.build(endpoint, ua.publicKey(), ua.auth(),
        new byte[Aes128GcmEncryptor.MAX_PLAINTEXT + 1], PushOptions.ttl(60)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
