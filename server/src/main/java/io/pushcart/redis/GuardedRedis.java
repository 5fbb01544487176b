package io.pushcart.redis;

import io.pushcart.common.Unavailable;
import io.pushcart.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.types.ErrorType;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Every Redis call Pushcart makes goes through here, so that two things hold everywhere: no call
 * waits longer than {@code timeoutMillis} (a paused or failing-over Redis must not hang an API
 * request or a delivery worker), and a Redis that cannot answer shows as one type,
 * {@link Unavailable}, whatever the client said (refused, reset, closed, timed out, LOADING,
 * failing over). Other error replies (a wrong type, a script error) are bugs and pass unchanged.
 */
public final class GuardedRedis implements Redis {
  /**
   * Error replies that mean "not now": loading the data set after a restart, a script running
   * too long, a cluster between two slot maps or without a master, a replica that was a master;
   * and the one the client itself gives the commands pending on a connection that closed.
   */
  private static final Set<String> TRANSIENT = Set.of("LOADING", "BUSY", "TRYAGAIN", "CLUSTERDOWN", "MASTERDOWN",
      "READONLY", "NOREPLICAS", "CONNECTION_CLOSED");

  private final Redis client;
  private final long timeoutMillis;

  public GuardedRedis(Redis client, long timeoutMillis) {
    this.client = client;
    this.timeoutMillis = timeoutMillis;
  }

  @Override
  public Future<Response> send(Request request) {
    return timed(request.command().toString(), guard(client.send(request)));
  }

  @Override
  public Future<List<Response>> batch(List<Request> requests) {
    return timed("pipeline", guard(client.batch(requests)));
  }

  /** Every call's latency, by command (a pipelined batch as "pipeline"), for /metrics. */
  private static <T> Future<T> timed(String command, Future<T> call) {
    long start = System.nanoTime();
    return call.andThen(ar -> Metrics.redisCommand(command, ar.succeeded(), System.nanoTime() - start));
  }

  @Override
  public Future<RedisConnection> connect() {
    return guard(client.connect());
  }

  @Override
  public Future<Void> close() {
    return client.close();
  }

  private <T> Future<T> guard(Future<T> call) {
    return call.timeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .recover(err -> Future.failedFuture(unavailable(err) ? new Unavailable("Redis is unavailable: " + describe(err), err) : err));
  }

  private String describe(Throwable err) {
    if (err instanceof TimeoutException) {
      return "no answer within " + timeoutMillis + " ms";
    }
    String message = err.getMessage();
    return message == null || message.isBlank() ? err.getClass().getSimpleName() : message;
  }

  /** Every failure but a server's error reply is about reaching Redis; of those, only the transient kinds. */
  static boolean unavailable(Throwable err) {
    // (An Unavailable is already one: it is passed on, not wrapped again.)
    if (err instanceof ErrorType reply) {
      // The code is the reply's first word, matched whole: BUSYGROUP (a consumer group that
      // exists already) is an answer, not BUSY (a script running too long).
      String message = reply.getMessage() == null ? "" : reply.getMessage().trim();
      int space = message.indexOf(' ');
      return TRANSIENT.contains(space < 0 ? message : message.substring(0, space));
    }
    return !(err instanceof Unavailable);
  }
}
