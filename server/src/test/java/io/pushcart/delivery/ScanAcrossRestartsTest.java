package io.pushcart.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.redis.EmbeddedRedis;
import io.pushcart.redis.LuaScript;
import io.pushcart.support.RunningPushcart;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An audience scan resumed in another redis-server process (a restart here; a failover or a
 * moved slot alike) still meets every member: scan_page.lua knows the cursor is another
 * process's and starts the set again.
 */
class ScanAcrossRestartsTest {
  private static final LuaScript SCAN_PAGE = LuaScript.load("scan_page");
  private static final String SET = "pc:{site}:subs";
  private static final int MEMBERS = 20_000;

  @Test
  void aScanResumedAfterARedisRestartMeetsEveryMember() throws Exception {
    Path dir = Files.createTempDirectory("scan-restart");
    int port = RunningPushcart.freePort();
    Vertx vertx = Vertx.vertx();
    Set<String> met = new HashSet<>();
    WorkUnit.Cursor cursor = WorkUnit.Cursor.START;
    String firstRun;
    EmbeddedRedis redis = EmbeddedRedis.start(dir, port, List.of());
    try {
      Redis client = Redis.createClient(vertx, redis.url());
      for (int from = 0; from < MEMBERS; from += 1000) {
        Request add = Request.cmd(Command.SADD).arg(SET);
        for (int i = from; i < from + 1000; i++) {
          add.arg("sub" + i);
        }
        await(client.send(add));
      }
      for (int page = 0; page < 8; page++) {
        Response r = await(SCAN_PAGE.run(client, List.of(SET), List.of(cursor.position(), cursor.runId(), "1000")));
        r.get(1).forEach(m -> met.add(m.toString()));
        cursor = new WorkUnit.Cursor(r.get(0).toString(), r.get(2).toString());
        assertThat(r.get(3).toInteger()).isZero();
      }
      firstRun = cursor.runId();
      assertThat(cursor.atStart()).as("the restart must come mid-scan").isFalse();
      assertThat(met.size()).isLessThan(MEMBERS);
      client.close();
    } finally {
      redis.close(); // SIGTERM: the append-only file is flushed
    }
    redis = EmbeddedRedis.start(dir, port, List.of());
    try {
      Redis client = Redis.createClient(vertx, redis.url());
      // The stream stores the cursor in its wire form; resume from that, as a worker would.
      cursor = WorkUnit.Cursor.parse(cursor.wire());
      boolean restarted = false;
      do {
        Response r = await(SCAN_PAGE.run(client, List.of(SET), List.of(cursor.position(), cursor.runId(), "1000")));
        restarted |= r.get(3).toInteger() == 1;
        r.get(1).forEach(m -> met.add(m.toString()));
        cursor = new WorkUnit.Cursor(r.get(0).toString(), r.get(2).toString());
        assertThat(cursor.runId()).isNotEqualTo(firstRun);
      } while (!cursor.atStart());
      assertThat(restarted).as("the other process's cursor is not trusted").isTrue();
      assertThat(met).hasSize(MEMBERS);
      client.close();
    } finally {
      redis.close();
      await(vertx.close());
    }
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
