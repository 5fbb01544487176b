package io.pushcart.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.delivery.DeliveryMetrics;
import io.pushcart.support.ApiClient.Reply;
import io.pushcart.support.RunningPushcart;
import io.pushcart.support.TempDirs;
import io.pushcart.support.TestClock;
import io.pushcart.support.TestSite;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Rotating a site's secret key (issue 13): the new key works at once, the old one for the grace
 * period it was given (judged by the injected clock) and not a moment longer.
 */
class SecretKeyRotationTest {
  @Test
  void theOldKeyWorksForItsGracePeriodOnly() throws Exception {
    TestClock clock = new TestClock().set(Instant.parse("2026-11-29T10:00:00Z"));
    try (RunningPushcart server = RunningPushcart.start(TempDirs.create("rotation"), Map.of(),
        DeliveryMetrics.NONE, clock)) {
      TestSite site = TestSite.create(server.api());
      String path = "/v1/sites/" + site.id();
      Instant before = clock.instant();
      Reply rotated = server.api().post(path + "/secret-key", site.secretKey(), new JsonObject().put("graceHours", 2));
      Instant after = clock.instant();
      assertThat(rotated.status()).as(rotated.json().encode()).isEqualTo(201);
      String fresh = rotated.json().getString("secretKey");
      assertThat(fresh).startsWith("pcsk_").isNotEqualTo(site.secretKey());
      assertThat(Instant.parse(rotated.json().getString("previousKeyValidUntil")))
          .isBetween(before.plus(Duration.ofHours(2)), after.plus(Duration.ofHours(2)));
      assertThat(server.api().get(path, fresh).status()).isEqualTo(200);
      assertThat(server.api().get(path, site.secretKey()).status()).as("within the grace period").isEqualTo(200);
      assertThat(server.api().get(path, fresh).raw().body()).doesNotContain(fresh);

      clock.advance(Duration.ofHours(2).plusSeconds(30));
      Reply late = server.api().get(path, site.secretKey());
      assertThat(late.status()).isEqualTo(401);
      assertThat(late.errorMessage()).contains("grace period ended");
      assertThat(server.api().get(path, fresh).status()).isEqualTo(200);

      // Rotating with no grace: the replaced key stops at once.
      String third = server.api().post(path + "/secret-key", fresh, new JsonObject().put("graceHours", 0)).json().getString("secretKey");
      assertThat(server.api().get(path, fresh).status()).isEqualTo(401);
      assertThat(server.api().get(path, third).status()).isEqualTo(200);
      assertThat(server.api().post(path + "/secret-key", third, new JsonObject().put("graceHours", 10_000)).status()).isEqualTo(400);
      assertThat(server.api().post(path + "/secret-key", third, new JsonObject().put("grace", 1)).status()).isEqualTo(400);
      Instant asked = clock.instant();
      Reply noBody = server.api().post(path + "/secret-key", third, "");
      assertThat(noBody.status()).as("the default grace: a day").isEqualTo(201);
      assertThat(Instant.parse(noBody.json().getString("previousKeyValidUntil")))
          .isBetween(asked.plus(Duration.ofDays(1)), clock.instant().plus(Duration.ofDays(1)));
    }
  }
}
