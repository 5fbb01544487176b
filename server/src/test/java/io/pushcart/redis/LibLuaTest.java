package io.pushcart.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.campaign.CampaignStatus;
import io.pushcart.support.TempDirs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** lib.lua, the scripts' shared definitions, run in a real Redis. */
class LibLuaTest {
  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static String lib() throws Exception {
    try (InputStream in = LibLuaTest.class.getClassLoader().getResourceAsStream("redis/lib.lua")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void theStatusesOfTheScriptsAreTheWireNamesOfCampaignStatusAndMoveOnlyFromAllowedOnes() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (EmbeddedRedis server = EmbeddedRedis.start(TempDirs.create("lib-lua"))) {
      Redis redis = Redis.createClient(vertx, server.url());
      Response statuses = await(redis.send(Request.cmd(Command.EVAL).arg(lib() + "\nreturn cjson.encode(STATUS)").arg(0)));
      JsonObject table = new JsonObject(statuses.toString());
      assertThat(table.fieldNames()).containsExactlyInAnyOrderElementsOf(
          Arrays.stream(CampaignStatus.values()).map(CampaignStatus::wire).collect(Collectors.toSet()));
      table.forEach(e -> assertThat(e.getValue()).isEqualTo(e.getKey()));

      String move = lib() + "\nlocal moved, was = transition(KEYS[1], { STATUS.scheduled }, STATUS.sending, 'startedAt', ARGV[1])"
          + "\nreturn { moved and 1 or 0, was, redis.call('HGET', KEYS[1], 'status') or '' }";
      await(redis.send(Request.cmd(Command.HSET).arg("c").arg("status").arg("scheduled")));
      assertThat(await(redis.send(Request.cmd(Command.EVAL).arg(move).arg(1).arg("c").arg("t1"))).stream().map(Response::toString).toList())
          .containsExactly("1", "scheduled", "sending");
      assertThat(await(redis.send(Request.cmd(Command.EVAL).arg(move).arg(1).arg("c").arg("t2"))).stream().map(Response::toString).toList())
          .as("sending is not scheduled: nothing moves").containsExactly("0", "sending", "sending");
      assertThat(await(redis.send(Request.cmd(Command.HGET).arg("c").arg("startedAt"))).toString()).isEqualTo("t1");
      assertThat(await(redis.send(Request.cmd(Command.EVAL).arg(move).arg(1).arg("missing").arg("t3"))).stream().map(Response::toString).toList())
          .containsExactly("0", "", "");
      redis.close();
    } finally {
      await(vertx.close());
    }
  }
}
