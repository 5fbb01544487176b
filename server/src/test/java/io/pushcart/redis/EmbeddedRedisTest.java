package io.pushcart.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.delivery.DeliveryMetrics;
import io.pushcart.support.BrowserKeys;
import io.pushcart.support.RunningPushcart;
import io.pushcart.support.TempDirs;
import io.pushcart.support.TestSite;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmbeddedRedisTest {
  @Test
  void aRestartOnTheSameDataDirectoryKeepsSitesSubscriptionsAndCampaigns() throws Exception {
    Path dataDir = TempDirs.create("pushcart-restart");
    TestSite site;
    String subscription;
    String campaign;
    try (RunningPushcart first = RunningPushcart.start(dataDir, Map.of(), DeliveryMetrics.NONE)) {
      site = TestSite.create(first.api());
      subscription = site.subscribe(new JsonObject().put("endpoint", "https://fcm.googleapis.com/fcm/send/restart-test")
          .put("keys", new JsonObject().put("p256dh", BrowserKeys.p256dh()).put("auth", BrowserKeys.auth())))
          .json().getString("id");
      // Nobody carries this tag, so nothing is sent to the public push service above.
      campaign = site.createCampaign(TestSite.campaignTo(new JsonObject().put("tags",
          new JsonObject().put("any", new io.vertx.core.json.JsonArray().add("nobody"))))).json().getString("id");
    }
    try (RunningPushcart second = RunningPushcart.start(dataDir, Map.of(), DeliveryMetrics.NONE)) {
      TestSite again = new TestSite(site.id(), site.secretKey(), site.vapidPublicKey(), second.api());
      assertThat(second.api().get("/v1/sites/" + site.id(), site.secretKey()).json().getLong("subscriberCount")).isEqualTo(1);
      assertThat(second.api().get("/v1/sites/" + site.id() + "/subscriptions/" + subscription, site.secretKey()).status())
          .isEqualTo(200);
      assertThat(again.campaign(campaign).json().getString("name")).isEqualTo("Flash sale");
    }
  }

  @Test
  void theEmbeddedServerStopsWithItsOwner() throws Exception {
    EmbeddedRedis redis = EmbeddedRedis.start(TempDirs.create("pushcart-stop"));
    ProcessHandle process = ProcessHandle.of(redis.pid()).orElseThrow();
    assertThat(process.isAlive()).isTrue();
    redis.close();
    assertThat(process.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS).isAlive()).isFalse();
  }

  @Test
  void theEmbeddedServerDiesWithAServerThatIsSigkilled() throws Exception {
    io.pushcart.support.ServerProcess server = io.pushcart.support.ServerProcess.start("sigkill", Map.of());
    java.util.List<ProcessHandle> children = server.children();
    assertThat(children).as("the embedded redis-server").isNotEmpty();
    server.kill();
    for (ProcessHandle child : children) {
      assertThat(child.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS).isAlive()).isFalse();
    }
  }
}
