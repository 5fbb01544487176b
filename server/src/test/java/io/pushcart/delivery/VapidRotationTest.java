package io.pushcart.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.redis.Keys;
import io.pushcart.support.ApiClient.Reply;
import io.pushcart.support.RedisProbe;
import io.pushcart.support.RunningPushcart;
import io.pushcart.support.TestSite;
import io.pushcart.testkit.LocalPushService;
import io.pushcart.testkit.ReceivedPush;
import io.pushcart.testkit.TestSubscriber;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Rotating a site's VAPID key pair (issue 13): new subscriptions use the new key, and every
 * existing one is still signed with the key it was made with — also those stored before keys
 * were recorded per subscription — since a push service refuses a message signed with another
 * key (RFC 8292 §3.2). The local push service verifies every JWT; the key it was signed with is
 * read from the Authorization header's {@code k=}.
 */
class VapidRotationTest {
  @Test
  void eachSubscriptionIsSignedWithTheKeyItWasMadeWith() {
    try (LocalPushService push = new LocalPushService().start();
         RunningPushcart server = RunningPushcart.start(Map.of("PUSHCART_PUSH_HOSTS", "127.0.0.1:" + push.port(),
             "PUSHCART_PUSH_CA_FILE", push.caFile().toString()));
         RedisProbe redis = new RedisProbe(server.redisUrl())) {
      TestSite site = TestSite.create(server.api());
      String first = site.vapidPublicKey();
      TestSubscriber before = push.newSubscriber();
      TestSubscriber legacy = push.newSubscriber();
      register(site, before.subscriptionJson());
      String legacyId = register(site, legacy.subscriptionJson());
      // A subscription stored before keys were recorded per subscription.
      redis.send(Request.cmd(Command.HDEL).arg(Keys.subscription(site.id(), legacyId)).arg("vapidKey"));

      Reply rotated = server.api().post("/v1/sites/" + site.id() + "/vapid-keys", site.secretKey(), "");
      assertThat(rotated.status()).as(rotated.json().encode()).isEqualTo(201);
      String second = rotated.json().getString("vapidPublicKey");
      assertThat(second).isNotEqualTo(first);
      assertThat(rotated.json().getString("previousVapidPublicKey")).isEqualTo(first);
      assertThat(server.api().get("/v1/sites/" + site.id() + "/public", null).json().getString("vapidPublicKey")).isEqualTo(second);

      TestSubscriber after = push.newSubscriber();
      register(site, after.subscriptionJson());
      TestSubscriber movedOver = push.newSubscriber(); // the snippet says which key it subscribed with
      register(site, movedOver.subscriptionJson().put("applicationServerKey", second));
      TestSubscriber lateOld = push.newSubscriber(); // an old page's subscription, registered after the rotation
      register(site, lateOld.subscriptionJson().put("applicationServerKey", first));

      String id = site.startCampaign(TestSite.campaignTo("all"));
      JsonObject done = site.awaitCampaign(id, c -> "completed".equals(c.getString("status")), "the campaign to complete");
      assertThat(done.getJsonObject("stats").getLong("accepted")).isEqualTo(5);
      List<ReceivedPush> received = push.awaitCount(5, Duration.ofSeconds(30));
      Map<String, String> keyByToken = new HashMap<>();
      for (ReceivedPush p : received) {
        assertThat(p.valid()).as("decrypted, and the JWT verifies with its k=").isTrue();
        keyByToken.put(p.token(), p.authorization().replaceFirst("^.*k=([A-Za-z0-9_-]+).*$", "$1"));
      }
      assertThat(keyByToken).containsEntry(before.token(), first).containsEntry(legacy.token(), first)
          .containsEntry(lateOld.token(), first).containsEntry(after.token(), second).containsEntry(movedOver.token(), second);

      assertThat(server.api().post("/v1/sites/" + site.id() + "/subscriptions", null,
          after.subscriptionJson().put("applicationServerKey", "not-a-key")).status()).isEqualTo(400);
    }
  }

  private static String register(TestSite site, JsonObject body) {
    Reply r = site.subscribe(body);
    assertThat(r.status()).as(r.json().encode()).isIn(200, 201);
    return r.json().getString("id");
  }
}
