package io.pushcart.support;

import io.pushcart.delivery.DeliveryMetrics;
import io.pushcart.testkit.LocalPushService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a delivery test runs against: a real Pushcart (its embedded Redis) sending to a
 * {@link LocalPushService}, both reading the same clock, and a {@link RedisProbe} on its Redis;
 * {@link #another()} adds an instance on the same Redis. Closed in the reverse order.
 */
public final class PushStack implements AutoCloseable {
  public final LocalPushService push;
  public final RunningPushcart server;
  public final RedisProbe redis;
  private final Map<String, String> env;
  private final Clock clock;
  private final List<RunningPushcart> others = new ArrayList<>();

  private PushStack(LocalPushService push, RunningPushcart server, Map<String, String> env, Clock clock) {
    this.push = push;
    this.server = server;
    this.env = env;
    this.clock = clock;
    this.redis = new RedisProbe(server.redisUrl());
  }

  public static PushStack start(Clock clock) {
    LocalPushService push = new LocalPushService().clock(clock).start();
    Map<String, String> env = Map.of("PUSHCART_PUSH_HOSTS", "127.0.0.1:" + push.port(),
        "PUSHCART_PUSH_CA_FILE", push.caFile().toString());
    return new PushStack(push, RunningPushcart.start(tempDir(), env, DeliveryMetrics.NONE, clock), env, clock);
  }

  /** Another instance on the same Redis (and clock and push service). */
  public RunningPushcart another() {
    Map<String, String> withRedis = new java.util.HashMap<>(env);
    withRedis.put("PUSHCART_REDIS_URL", server.redisUrl());
    RunningPushcart other = RunningPushcart.start(tempDir(), withRedis, DeliveryMetrics.NONE, clock);
    others.add(other);
    return other;
  }

  private static java.nio.file.Path tempDir() {
    try {
      return TempDirs.create("pushcart-stack");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    redis.close();
    for (int i = others.size() - 1; i >= 0; i--) {
      others.get(i).close();
    }
    server.close();
    push.close();
  }
}
