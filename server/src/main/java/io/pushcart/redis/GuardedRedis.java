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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every Redis call Pushcart makes goes through here, so that two things hold everywhere: no call
 * waits longer than {@code timeoutMillis} (a paused or failing-over Redis must not hang an API
 * request or a delivery worker), and a Redis that cannot answer shows as one type,
 * {@link Unavailable}, whatever the client said (refused, reset, closed, timed out, LOADING,
 * failing over, refusing work). Other error replies (a wrong type, a script error) are bugs and
 * pass unchanged.
 */
public final class GuardedRedis implements Redis {
  /**
   * Error replies that mean "not now": loading the data set after a restart, a script running
   * too long, a cluster between two slot maps or without a master, a replica that was a master;
   * and the one the client itself gives the commands pending on a connection that closed.
   */
  private static final Set<String> TRANSIENT = Set.of("LOADING", "BUSY", "TRYAGAIN", "CLUSTERDOWN", "MASTERDOWN",
      "READONLY", "NOREPLICAS", "CONNECTION_CLOSED");
  /**
   * Error replies of a Redis that refuses work until an operator acts, and what a client is told:
   * it cannot save to its disk (a full disk, say: MISCONF), it is at its maxmemory (OOM; Redis
   * refuses a script's first write, never one after it, so nothing is left half written), or it
   * has all the connections it accepts (its reply to a new one, code ERR, is named MAXCLIENTS here).
   */
  private static final Map<String, String> REFUSING = Map.of(
      "MISCONF", "it cannot write to its disk", "OOM", "it is out of memory (maxmemory)",
      "MAXCLIENTS", "it has all the connections it accepts (maxclients)");
  private static final String MAXCLIENTS_REPLY = "ERR max number of clients reached";
  /**
   * Redis 6 reports what a script's command got inside an error of its own:
   * {@code ERR Error running script (call to f_…): @user_script:12: -MISCONF Errors writing…}.
   */
  private static final Pattern IN_SCRIPT = Pattern.compile("^ERR Error running script .*?: -([A-Z]+) ");

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
        .recover(err -> Future.failedFuture(unavailable(err)
            ? new Unavailable("Redis is unavailable: " + describe(err), err, why(err))
            : err));
  }

  private String describe(Throwable err) {
    if (err instanceof TimeoutException) {
      return "no answer within " + timeoutMillis + " ms";
    }
    String message = err.getMessage();
    return message == null || message.isBlank() ? err.getClass().getSimpleName() : message;
  }

  /** Every failure but a server's error reply is about reaching Redis; of those, only the transient kinds and refusals. */
  static boolean unavailable(Throwable err) {
    // (An Unavailable is already one: it is passed on, not wrapped again.)
    if (err instanceof ErrorType) {
      String code = code(err);
      return TRANSIENT.contains(code) || REFUSING.containsKey(code);
    }
    return !(err instanceof Unavailable);
  }

  /** What a client is told of why Redis cannot answer: a refusal's cause, else {@link Unavailable#RESTARTING}. */
  static String why(Throwable err) {
    return REFUSING.getOrDefault(code(err), Unavailable.RESTARTING);
  }

  /**
   * An error reply's code: its first word, matched whole (BUSYGROUP, a consumer group that exists
   * already, is an answer, not BUSY, a script running too long); in a script's error, the code of
   * what its command got. "" for anything else.
   */
  private static String code(Throwable err) {
    if (!(err instanceof ErrorType reply)) {
      return "";
    }
    String message = reply.getMessage() == null ? "" : reply.getMessage().trim();
    if (message.startsWith(MAXCLIENTS_REPLY)) {
      return "MAXCLIENTS";
    }
    Matcher inScript = IN_SCRIPT.matcher(message);
    if (inScript.find()) {
      return inScript.group(1);
    }
    int space = message.indexOf(' ');
    return space < 0 ? message : message.substring(0, space);
  }
}
