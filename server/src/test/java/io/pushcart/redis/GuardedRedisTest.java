package io.pushcart.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.common.Unavailable;
import io.pushcart.support.RunningPushcart;
import io.pushcart.support.TempDirs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.impl.types.ErrorType;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What GuardedRedis calls "Redis unavailable", and what it leaves a bug, against real redis-servers. */
class GuardedRedisTest {
  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private Throwable failure(Future<?> f) throws Exception {
    try {
      f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      throw new AssertionError("expected the call to fail");
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  @Test
  void aRefusedConnectionIsUnavailable() throws Exception {
    Redis redis = new GuardedRedis(Redis.createClient(vertx, "redis://127.0.0.1:" + RunningPushcart.freePort()), 2_000);
    Throwable err = failure(redis.send(Request.cmd(Command.PING)));
    assertThat(err).isInstanceOf(Unavailable.class).hasMessageStartingWith("Redis is unavailable");
  }

  @Test
  void aPausedRedisIsUnavailableAfterTheTimeoutAndAWrongTypeIsNot() throws Exception {
    try (EmbeddedRedis server = EmbeddedRedis.start(TempDirs.create("guarded"), List.of())) {
      Redis plain = Redis.createClient(vertx, server.url());
      Redis redis = new GuardedRedis(Redis.createClient(vertx, server.url()), 300);
      plain.send(Request.cmd(Command.SET).arg("k").arg("v")).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

      Throwable wrongType = failure(redis.send(Request.cmd(Command.SADD).arg("k").arg("m")));
      assertThat(Unavailable.in(wrongType)).as("a WRONGTYPE reply is a bug, not an outage").isFalse();
      redis.send(Request.cmd(Command.XGROUP).arg("CREATE").arg("s").arg("g").arg("$").arg("MKSTREAM"))
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      Throwable exists = failure(redis.send(Request.cmd(Command.XGROUP).arg("CREATE").arg("s").arg("g").arg("$")));
      assertThat(Unavailable.in(exists)).as("BUSYGROUP is an answer, not BUSY").isFalse();
      assertThat(exists).hasMessageStartingWith("BUSYGROUP");

      plain.send(Request.cmd(Command.CLIENT).arg("PAUSE").arg(2_000)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      Throwable paused = failure(redis.send(Request.cmd(Command.GET).arg("k")));
      assertThat(paused).isInstanceOf(Unavailable.class).hasMessageContaining("no answer within 300 ms");
    }
  }

  @Test
  void aScriptsWriteRefusedByARedisThatBecameAReplicaIsUnavailableWithTheCodeOfWhatItsCommandGot() throws Exception {
    try (EmbeddedRedis server = EmbeddedRedis.start(TempDirs.create("guarded-replica"), List.of())) {
      Redis plain = Redis.createClient(vertx, server.url());
      Redis redis = new GuardedRedis(Redis.createClient(vertx, server.url()), 2_000);
      // A master demoted in a failover, to a master that is not up (yet): read-only, as replicas are.
      plain.send(Request.cmd(Command.REPLICAOF).arg("127.0.0.1").arg(RunningPushcart.freePort()))
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      Throwable write = failure(redis.send(Request.cmd(Command.EVAL).arg("return redis.call('SET', KEYS[1], 'v')").arg(1).arg("k")));
      assertThat(write).as("READONLY inside the script's error (Redis 6: ERR Error running script ...: -READONLY ...)")
          .isInstanceOf(Unavailable.class).hasMessageContaining("READONLY");
      Throwable bug = failure(redis.send(Request.cmd(Command.EVAL).arg("return redis.call('NOSUCHCOMMAND')").arg(0)));
      assertThat(Unavailable.in(bug)).as("a script's own error is a bug, not an outage").isFalse();
    }
  }

  @Test
  void aRedisWithAllTheClientsItAcceptsIsUnavailable() throws Exception {
    try (EmbeddedRedis server = EmbeddedRedis.start(TempDirs.create("guarded-maxclients"), List.of())) {
      Redis plain = Redis.createClient(vertx, server.url());
      plain.send(Request.cmd(Command.CONFIG).arg("SET").arg("maxclients").arg(1)).toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS); // the one client: this connection
      Redis redis = new GuardedRedis(Redis.createClient(vertx, server.url()), 2_000);
      // Redis answers a new connection "ERR max number of clients reached" and closes it: the
      // client reports the one or the other, whichever it sees first.
      Throwable refused = failure(redis.send(Request.cmd(Command.PING)));
      assertThat(refused).isInstanceOf(Unavailable.class);
      assertThat(((Unavailable) refused).why()).isIn(GuardedRedis.why(ErrorType.create("ERR max number of clients reached")),
          Unavailable.RESTARTING);
    }
    assertThat(GuardedRedis.unavailable(ErrorType.create("ERR max number of clients reached"))).isTrue();
    assertThat(GuardedRedis.why(ErrorType.create("ERR max number of clients reached"))).contains("maxclients");
    assertThat(GuardedRedis.why(ErrorType.create("MISCONF Errors writing to the AOF file: No space left on device")))
        .contains("disk");
    assertThat(GuardedRedis.unavailable(ErrorType.create("ERR unknown command 'FOO'"))).as("a bug").isFalse();
  }
}
