package io.pushcart.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pushcart.delivery.DeliveryMetrics;
import io.pushcart.redis.Keys;
import io.pushcart.support.RedisProbe;
import io.pushcart.support.RunningPushcart;
import io.pushcart.support.TempDirs;
import io.pushcart.support.TestSite;
import io.pushcart.testkit.LocalPushService;
import io.pushcart.testkit.TestSubscriber;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * VAPID private keys at rest (issue 13): with PUSHCART_MASTER_KEY set, Redis holds them only
 * encrypted, delivery still signs with them (the local push service checks every VAPID JWT),
 * keys stored in clear before the key was set are sealed at start, and a server with a wrong
 * key, or none, refuses to start and changes nothing.
 */
class MasterKeyTest {
  private static final String KEY = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());
  private static final String OTHER = Base64.getEncoder().encodeToString("fedcba9876543210fedcba9876543210".getBytes());

  @Test
  void keysAreSealedUsedAndGuardedByTheMasterKey() throws Exception {
    Path data = TempDirs.create("master-key");
    try (LocalPushService push = new LocalPushService().start()) {
      Map<String, String> env = new HashMap<>(Map.of("PUSHCART_PUSH_HOSTS", "127.0.0.1:" + push.port(),
          "PUSHCART_PUSH_CA_FILE", push.caFile().toString()));
      String before;
      String siteInClear;
      // A site made before the master key was set: its key is stored in clear.
      try (RunningPushcart server = RunningPushcart.start(data, env, DeliveryMetrics.NONE);
           RedisProbe redis = new RedisProbe(server.redisUrl())) {
        siteInClear = TestSite.create(server.api()).id();
        before = stored(redis, siteInClear);
        assertThat(before).doesNotStartWith("enc1:");
      }
      env.put("PUSHCART_MASTER_KEY", KEY);
      try (RunningPushcart server = RunningPushcart.start(data, env, DeliveryMetrics.NONE);
           RedisProbe redis = new RedisProbe(server.redisUrl())) {
        assertThat(stored(redis, siteInClear)).as("sealed at start").startsWith("enc1:").doesNotContain(before);
        // Nowhere in Redis is the private key readable any more: every key's every value is searched.
        String cursor = "0";
        int keys = 0;
        do {
          io.vertx.redis.client.Response page = redis.send(Request.cmd(Command.SCAN).arg(cursor).arg("COUNT").arg(1000));
          cursor = page.get(0).toString();
          for (io.vertx.redis.client.Response key : page.get(1)) {
            keys++;
            String type = redis.send(Request.cmd(Command.TYPE).arg(key.toString())).toString();
            String dump = switch (type) {
              case "hash" -> redis.send(Request.cmd(Command.HGETALL).arg(key.toString())).toString();
              case "string" -> redis.send(Request.cmd(Command.GET).arg(key.toString())).toString();
              case "set" -> redis.send(Request.cmd(Command.SMEMBERS).arg(key.toString())).toString();
              default -> "";
            };
            assertThat(dump).as("key " + key).doesNotContain(before);
          }
        } while (!cursor.equals("0"));
        assertThat(keys).isPositive();
        TestSite site = TestSite.create(server.api());
        assertThat(stored(redis, site.id())).startsWith("enc1:");
        for (TestSite s : List.of(site, new TestSite(siteInClear, null, null, server.api()))) {
          if (s.secretKey() == null) {
            continue;
          }
          List<TestSubscriber> subscribers = push.newSubscribers(3);
          s.registerAll(subscribers);
          String id = s.startCampaign(TestSite.campaignTo("all"));
          s.awaitCampaign(id, c -> "completed".equals(c.getString("status")), "the campaign to complete");
          assertThat(s.campaign(id).json().getJsonObject("stats").getLong("accepted")).as("signed with the opened key").isEqualTo(3);
        }
      }
      Map<String, String> sealed = new HashMap<>();
      try (RunningPushcart server = RunningPushcart.start(data, env, DeliveryMetrics.NONE);
           RedisProbe redis = new RedisProbe(server.redisUrl())) {
        sealed.put("value", stored(redis, siteInClear));
      }
      env.put("PUSHCART_MASTER_KEY", OTHER);
      assertThatThrownBy(() -> RunningPushcart.start(data, env, DeliveryMetrics.NONE))
          .hasMessageContaining("PUSHCART_MASTER_KEY is not the key");
      env.remove("PUSHCART_MASTER_KEY");
      assertThatThrownBy(() -> RunningPushcart.start(data, env, DeliveryMetrics.NONE))
          .hasMessageContaining("are encrypted");
      env.put("PUSHCART_MASTER_KEY", "too-short");
      assertThatThrownBy(() -> RunningPushcart.start(data, env, DeliveryMetrics.NONE)).hasMessageContaining("32 random bytes");
      env.put("PUSHCART_MASTER_KEY", KEY);
      try (RunningPushcart server = RunningPushcart.start(data, env, DeliveryMetrics.NONE);
           RedisProbe redis = new RedisProbe(server.redisUrl())) {
        assertThat(stored(redis, siteInClear)).as("nothing changed by the refused starts").isEqualTo(sealed.get("value"));
      }
    }
  }

  private static String stored(RedisProbe redis, String site) {
    return redis.send(Request.cmd(Command.HGET).arg(Keys.site(site, Keys.Part.RECORD)).arg("vapidPrivateKey")).toString();
  }
}
