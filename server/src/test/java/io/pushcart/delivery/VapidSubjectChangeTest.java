package io.pushcart.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.support.RunningPushcart;
import io.pushcart.support.TempDirs;
import io.pushcart.support.TestClock;
import io.pushcart.support.TestSite;
import io.pushcart.testkit.LocalPushService;
import io.pushcart.testkit.ReceivedPush;
import io.pushcart.testkit.TestSubscriber;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A changed vapidSubject is in the next campaign's VAPID JWT, without a restart (issue 13). */
class VapidSubjectChangeTest {
  @Test
  void aChangedSubjectTakesEffectWithoutARestart() throws Exception {
    TestClock clock = new TestClock();
    try (LocalPushService push = new LocalPushService().clock(clock).start();
         RunningPushcart server = RunningPushcart.start(TempDirs.create("subject"), Map.of(
             "PUSHCART_PUSH_HOSTS", "127.0.0.1:" + push.port(), "PUSHCART_PUSH_CA_FILE", push.caFile().toString()),
             DeliveryMetrics.NONE, clock)) {
      TestSite site = TestSite.create(server.api());
      List<TestSubscriber> subscribers = push.newSubscribers(2);
      site.registerAll(subscribers);
      assertThat(subjectOfCampaign(site, push, 2)).isEqualTo("mailto:ops@shop.example");

      assertThat(server.api().patch("/v1/sites/" + site.id(), site.secretKey(),
          new JsonObject().put("vapidSubject", "mailto:push-team@shop.example")).status()).isEqualTo(200);
      clock.advance(Duration.ofMillis(SiteSenders.FRESH_MS + 1));
      assertThat(subjectOfCampaign(site, push, 4)).isEqualTo("mailto:push-team@shop.example");
    }
  }

  /** Sends a campaign to all, waits for {@code total} pushes received in all, and reads the last one's JWT subject. */
  private static String subjectOfCampaign(TestSite site, LocalPushService push, int total) {
    String id = site.startCampaign(TestSite.campaignTo("all"));
    site.awaitCampaign(id, c -> "completed".equals(c.getString("status")), "the campaign to complete");
    List<ReceivedPush> received = push.awaitCount(total, Duration.ofSeconds(30));
    ReceivedPush last = received.get(received.size() - 1);
    assertThat(last.valid()).as("the JWT verifies with the site's public key").isTrue();
    String jwt = last.authorization().replaceFirst("^vapid t=([^,]+),.*$", "$1");
    String claims = new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8);
    return new JsonObject(claims).getString("sub");
  }
}
