package io.pushcart.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.support.ApiClient.Reply;
import io.pushcart.support.BrowserKeys;
import io.pushcart.support.CapturedLog;
import io.pushcart.support.Poll;
import io.pushcart.support.RedisProbe;
import io.pushcart.support.RunningPushcart;
import io.pushcart.support.TempDirs;
import io.pushcart.support.TestSite;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

/**
 * A Redis that refuses writes until an operator acts — it cannot write to its disk (MISCONF: a
 * full disk fails its saves), or it is at its maxmemory (OOM) — makes the API answer 503 saying
 * which, with Retry-After, never 500, and nothing is logged as SEVERE; once Redis writes again, so
 * does Pushcart. (A full disk once failed every {@code POST /events} of a benchmark with a 500:
 * the refusal came inside a script's error, which was taken for a bug.)
 */
class RedisRefusingWritesTest {
  @Test
  void atItsMaxmemoryRedisRefusesWritesAndTheApiSaysSo() throws Exception {
    refusedThenWritingAgain("out of memory", new Refusal() {
      @Override
      public void start(RedisProbe redis) {
        config(redis, "maxmemory", "1");
      }

      @Override
      public void end(RedisProbe redis) {
        config(redis, "maxmemory", "0");
      }
    });
  }

  @Test
  void whenItCannotWriteToItsDiskRedisRefusesWritesAndTheApiSaysSo() throws Exception {
    refusedThenWritingAgain("cannot write to its disk", new Refusal() {
      private String dataDir;

      // A snapshot that fails, as on a full disk: its directory is gone. With a save point set,
      // Redis then refuses writes (stop-writes-on-bgsave-error, on by default) until one succeeds.
      @Override
      public void start(RedisProbe redis) throws Exception {
        dataDir = redis.send(Request.cmd(Command.CONFIG).arg("GET").arg("dir")).get("dir").toString();
        Path gone = TempDirs.create("redis-unwritable");
        config(redis, "save", "3600 1");
        config(redis, "dir", gone.toString());
        Files.delete(gone);
        redis.send(Request.cmd(Command.BGSAVE));
        awaitLastSave(redis, "err");
      }

      @Override
      public void end(RedisProbe redis) {
        config(redis, "dir", dataDir);
        redis.send(Request.cmd(Command.BGSAVE));
        awaitLastSave(redis, "ok");
        config(redis, "save", "");
      }
    });
  }

  /** How a test makes Redis refuse writes, and lets it write again. */
  private interface Refusal {
    void start(RedisProbe redis) throws Exception;

    void end(RedisProbe redis);
  }

  /** While Redis refuses, a store's event and a browser's registration answer 503 saying {@code why}; after, 2xx. */
  private static void refusedThenWritingAgain(String why, Refusal refusal) throws Exception {
    try (CapturedLog log = new CapturedLog();
         RunningPushcart server = RunningPushcart.start(Map.of());
         RedisProbe redis = new RedisProbe(server.redisUrl())) {
      TestSite site = TestSite.create(server.api());
      String subscription = subscribe(site).json().getString("id");

      refusal.start(redis);
      try {
        assertRefused(cart(site, subscription), why);
        assertRefused(subscribe(site), why);
      } finally {
        refusal.end(redis);
      }

      assertThat(cart(site, subscription).status()).as("Redis writes again").isEqualTo(202);
      assertThat(subscribe(site).status()).isEqualTo(201);
      assertThat(log.atLeast(Level.SEVERE)).isEmpty();
    }
  }

  private static void assertRefused(Reply r, String why) {
    assertThat(r.status()).as(r.json().encode()).isEqualTo(503);
    assertThat(r.header("Retry-After")).isNotBlank();
    JsonObject error = r.json().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("unavailable");
    assertThat(error.getString("message")).contains("Redis").contains(why);
  }

  private static Reply subscribe(TestSite site) {
    return site.subscribe(new JsonObject().put("endpoint", "https://fcm.googleapis.com/fcm/send/" + UUID.randomUUID())
        .put("keys", new JsonObject().put("p256dh", BrowserKeys.p256dh()).put("auth", BrowserKeys.auth())));
  }

  /** A store's cart.updated: recorded by record_events.lua, whose writes Redis refuses. */
  private static Reply cart(TestSite site, String subscription) {
    JsonObject data = new JsonObject().put("cartId", "c-" + UUID.randomUUID()).put("currency", "EUR").put("total", 25)
        .put("items", new JsonArray().add(new JsonObject().put("productId", "p1").put("name", "Headlamp").put("quantity", 1)
            .put("price", 25)));
    return site.api().post("/v1/sites/" + site.id() + "/events", site.secretKey(),
        new JsonObject().put("type", "cart.updated").put("subscriptionId", subscription).put("data", data));
  }

  private static void config(RedisProbe redis, String parameter, String value) {
    redis.send(Request.cmd(Command.CONFIG).arg("SET").arg(parameter).arg(value));
  }

  private static void awaitLastSave(RedisProbe redis, String status) {
    Poll.until(() -> redis.send(Request.cmd(Command.INFO).arg("persistence")).toString(),
        info -> info.contains("rdb_bgsave_in_progress:0") && info.contains("rdb_last_bgsave_status:" + status),
        Duration.ofSeconds(20), "the last snapshot to be " + status);
  }
}
