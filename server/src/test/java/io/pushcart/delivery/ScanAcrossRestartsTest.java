package io.pushcart.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.common.Ids;
import io.pushcart.redis.EmbeddedRedis;
import io.pushcart.segment.AudienceReader;
import io.pushcart.segment.Rule;
import io.pushcart.subscription.Device;
import io.pushcart.subscription.Subscription;
import io.pushcart.subscription.SubscriptionStore;
import io.pushcart.support.RunningPushcart;
import io.pushcart.support.TempDirs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An audience scan resumed in another redis-server process (a restart here; a failover alike)
 * meets every member once: its position is a subscription ordinal, which the data carries
 * across processes (an SSCAN cursor did not: it skipped members after a restart).
 */
class ScanAcrossRestartsTest {
  private static final String SITE = "scanrestart";
  private static final int MEMBERS = 6_000;

  @Test
  void aScanResumedAfterARedisRestartMeetsEveryMemberOnce() throws Exception {
    Path dir = TempDirs.create("scan-restart");
    int port = RunningPushcart.freePort();
    Vertx vertx = Vertx.vertx();
    List<String> met = new ArrayList<>();
    Set<String> registered = new HashSet<>();
    Rule everyone = new Rule.All(List.of());
    long next;
    EmbeddedRedis redis = EmbeddedRedis.start(dir, port, List.of());
    try {
      Redis client = Redis.createClient(vertx, redis.url());
      SubscriptionStore store = new SubscriptionStore(client);
      for (int from = 0; from < MEMBERS; from += 20) {
        List<Future<Boolean>> writes = new ArrayList<>();
        for (int i = from; i < from + 20; i++) {
          String endpoint = "https://push.example.net/" + i;
          Subscription s = new Subscription(Ids.derived(endpoint), endpoint, "p256dh", "auth", List.of(), new JsonObject());
          registered.add(s.id());
          writes.add(store.upsert(SITE, s, Device.UNKNOWN, Instant.now()));
        }
        await(Future.all(writes));
      }
      AudienceReader reader = new AudienceReader(client);
      next = 0;
      for (int page = 0; page < 3; page++) {
        AudienceReader.Page p = await(reader.page(SITE, everyone, Instant.now(), null, next, 1000));
        met.addAll(p.ids());
        next = p.next();
      }
      assertThat(next).as("the restart must come mid-scan").isPositive();
      client.close();
    } finally {
      redis.close(); // SIGTERM: the append-only file is flushed
    }
    redis = EmbeddedRedis.start(dir, port, List.of());
    try {
      Redis client = Redis.createClient(vertx, redis.url());
      AudienceReader reader = new AudienceReader(client);
      while (next >= 0) {
        AudienceReader.Page p = await(reader.page(SITE, everyone, Instant.now(), null, next, 1000));
        met.addAll(p.ids());
        next = p.next();
      }
      assertThat(met).hasSize(MEMBERS).doesNotHaveDuplicates();
      assertThat(new HashSet<>(met)).isEqualTo(registered);
      client.close();
    } finally {
      redis.close();
      await(vertx.close());
    }
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
