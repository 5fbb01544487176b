package io.pushcart.delivery;

import io.pushcart.redis.Keys;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps Redis from growing with every campaign ever sent: a finished campaign's per-subscriber
 * details (its progress hash, receipt set and failure reasons) are deleted once the retention
 * period has passed since it completed or was cancelled; its hash, with the summary counters,
 * stays and records {@code detailsDeletedAt}. Receipts for it are no longer counted after that.
 * Commerce events older than PUSHCART_EVENT_RETENTION_DAYS leave the site's event stream too.
 * Every site is visited (an idle one is no longer polled for work, but keeps its history); the
 * work is idempotent, so instances sweeping at once only repeat each other.
 */
final class RetentionSweep {
  private final Redis redis;
  private final Duration retention;
  private final Duration eventRetention;
  private final Clock clock;

  RetentionSweep(Redis redis, Duration retention, Duration eventRetention, Clock clock) {
    this.redis = redis;
    this.retention = retention;
    this.eventRetention = eventRetention;
    this.clock = clock;
  }

  /** One sweep over every site; how many campaigns' details were deleted. */
  Future<Integer> run() {
    return redis.send(Request.cmd(Command.SMEMBERS).arg(Keys.SITES)).compose(sites -> {
      Future<Integer> chain = Future.succeededFuture(0);
      for (Response site : sites) {
        chain = chain.compose(n -> site(site.toString()).map(m -> n + m));
      }
      return chain;
    });
  }

  /**
   * Events older than the event retention period leave the site's event stream (its entry ids
   * are the epoch millis Redis received them at; the stream is also capped by count).
   */
  private Future<Void> trimEvents(String site) {
    long minId = clock.millis() - eventRetention.toMillis();
    return redis.send(Request.cmd(Command.XTRIM).arg(Keys.site(site, Keys.Part.EVENTS)).arg("MINID")
        .arg(Math.max(0, minId))).mapEmpty();
  }

  private Future<Integer> site(String site) {
    return trimEvents(site).compose(v -> campaigns(site));
  }

  private Future<Integer> campaigns(String site) {
    String finished = Keys.site(site, Keys.Part.FINISHED);
    return redis.send(Request.cmd(Command.SMEMBERS).arg(finished)).compose(ids -> {
      if (ids.size() == 0) {
        return Future.succeededFuture(0);
      }
      List<String> campaigns = new ArrayList<>();
      ids.forEach(id -> campaigns.add(id.toString()));
      List<Request> reads = campaigns.stream().map(id -> Request.cmd(Command.HMGET).arg(Keys.campaign(site, id))
          .arg("completedAt").arg("cancelledAt")).toList();
      Instant cutoff = clock.instant().minus(retention);
      return redis.batch(reads).compose(times -> {
        List<Request> deletes = new ArrayList<>();
        int n = 0;
        for (int i = 0; i < campaigns.size(); i++) {
          Response t = times.get(i);
          String at = t.get(0) != null ? t.get(0).toString() : t.get(1) != null ? t.get(1).toString() : null;
          if (at != null && Instant.parse(at).isAfter(cutoff)) {
            continue;
          }
          String id = campaigns.get(i);
          deletes.add(Request.cmd(Command.DEL).arg(Keys.campaignProgress(site, id)).arg(Keys.campaignReceipts(site, id))
              .arg(Keys.campaignFailures(site, id)));
          if (at != null) {
            deletes.add(Request.cmd(Command.HSET).arg(Keys.campaign(site, id)).arg("detailsDeletedAt").arg(clock.instant().toString()));
          }
          deletes.add(Request.cmd(Command.SREM).arg(finished).arg(id));
          n++;
        }
        int swept = n;
        return deletes.isEmpty() ? Future.succeededFuture(0) : redis.batch(deletes).map(v -> swept);
      });
    });
  }
}
