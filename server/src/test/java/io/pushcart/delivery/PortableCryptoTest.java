package io.pushcart.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pushcart.support.RunningPushcart;
import io.pushcart.support.TestSite;
import io.pushcart.testkit.LocalPushService;
import io.pushcart.testkit.TestSubscriber;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Where no native provider loads (arm64 Linux, macOS), delivery runs on BouncyCastle: forced
 * here with PUSHCART_CRYPTO_PROVIDER, a campaign is encrypted and signed with it, and the local
 * push service decrypts every message and verifies every VAPID JWT (issue 13, part 6).
 */
class PortableCryptoTest {
  @Test
  void aCampaignIsSentWithBouncyCastle() {
    try (LocalPushService push = new LocalPushService().start();
         RunningPushcart server = RunningPushcart.start(Map.of("PUSHCART_PUSH_HOSTS", "127.0.0.1:" + push.port(),
             "PUSHCART_PUSH_CA_FILE", push.caFile().toString(), "PUSHCART_CRYPTO_PROVIDER", "bouncycastle"))) {
      assertThat(server.cryptoProvider()).isEqualTo("BouncyCastle");
      TestSite site = TestSite.create(server.api());
      List<TestSubscriber> subscribers = push.newSubscribers(20);
      site.registerAll(subscribers);
      String id = site.startCampaign(TestSite.campaignTo("all"));
      site.awaitCampaign(id, c -> "completed".equals(c.getString("status")), "the campaign to complete");
      assertThat(push.awaitCount(20, Duration.ofSeconds(30))).hasSize(20)
          .allSatisfy(p -> assertThat(p.valid()).as("decrypted and its VAPID JWT verified").isTrue());
    }
  }

  @Test
  void anUnknownProviderStopsTheStartWithItsName() {
    assertThatThrownBy(() -> RunningPushcart.start(Map.of("PUSHCART_CRYPTO_PROVIDER", "openssl")))
        .hasMessageContaining("PUSHCART_CRYPTO_PROVIDER");
  }
}
