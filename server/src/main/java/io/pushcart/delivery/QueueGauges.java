package io.pushcart.delivery;

import io.pushcart.metrics.Metrics;
import io.pushcart.redis.Keys;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The queue gauges of /metrics, read from Redis every few seconds over the sites delivery polls:
 * work units in the streams, retries waiting, and the scheduler's lag (how long the most
 * overdue scheduled wave has been due; 0 when none is).
 */
final class QueueGauges {
  private final Redis redis;

  QueueGauges(Redis redis) {
    this.redis = redis;
    set(0, 0, 0); // present from the start, before the first reading
  }

  Future<Void> refresh(Collection<String> sites, long nowMillis) {
    if (sites.isEmpty()) {
      set(0, 0, 0);
      return Future.succeededFuture();
    }
    List<Request> reads = new ArrayList<>();
    for (String site : sites) {
      reads.add(Request.cmd(Command.XLEN).arg(Keys.site(site, Keys.Part.WORK)));
      reads.add(Request.cmd(Command.ZCARD).arg(Keys.site(site, Keys.Part.RETRIES)));
      reads.add(Request.cmd(Command.ZRANGE).arg(Keys.site(site, Keys.Part.SCHEDULE)).arg(0).arg(0).arg("WITHSCORES"));
    }
    return redis.batch(reads).map(r -> {
      long work = 0;
      long retries = 0;
      long lag = 0;
      for (int i = 0; i < r.size(); i += 3) {
        work += r.get(i) == null ? 0 : r.get(i).toLong();
        retries += r.get(i + 1) == null ? 0 : r.get(i + 1).toLong();
        Response first = r.get(i + 2);
        if (first != null && first.size() >= 2) {
          lag = Math.max(lag, nowMillis - (long) Double.parseDouble(first.get(1).toString()));
        }
      }
      set(work, retries, Math.max(0, lag));
      return null;
    });
  }

  private static void set(long work, long retries, long lagMillis) {
    Metrics.gauge("pushcart_work_units", "work units in the sites' streams (scan and send units, pending included)", work);
    Metrics.gauge("pushcart_retries_waiting", "messages waiting for a retry", retries);
    Metrics.gauge("pushcart_scheduler_lag_seconds", "how long the most overdue scheduled wave has been due", lagMillis / 1000);
  }
}
