package io.pushcart.delivery;

import io.pushcart.campaign.CampaignStore;
import io.pushcart.redis.Keys;
import io.pushcart.redis.LuaScript;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The sites' work streams, read through one consumer group shared by every instance: a unit is
 * handed to one consumer, stays pending until acknowledged, and is claimed by another instance
 * when its owner stops heart-beating (it died). Redis Streams give us the claiming for free.
 */
final class WorkQueue {
  private static final String GROUP = CampaignStore.WORK_GROUP;
  private static final LuaScript COMMIT_SCAN = LuaScript.load("commit_scan");
  private static final LuaScript CLAIM_RETRIES = LuaScript.load("claim_retries");
  private static final LuaScript FIRE_DUE = LuaScript.load("fire_due");
  private static final LuaScript FIRE_STEPS = LuaScript.load("fire_steps");
  /** Messages of automation steps per send unit: a campaign page's worth of sending, in one claim and few records. */
  static final int STEPS_PER_UNIT = 200;
  private static final LuaScript HEARTBEAT = LuaScript.load("heartbeat");
  private static final LuaScript ACK = LuaScript.load("ack_unit");
  private static final LuaScript CLAIM_ABANDONED = LuaScript.load("claim_abandoned");
  /** Deliveries (first run and take-overs) after which a unit that never finishes is parked. */
  static final int MAX_DELIVERIES = 5;

  private final Redis redis;
  private final String consumer;

  WorkQueue(Redis redis, String consumer) {
    this.redis = redis;
    this.consumer = consumer;
  }


  /** Up to {@code count} units never delivered to any consumer. */
  Future<List<WorkUnit>> readNew(String siteId, int count) {
    String stream = stream(siteId);
    Request read = Request.cmd(Command.XREADGROUP).arg("GROUP").arg(GROUP).arg(consumer)
        .arg("COUNT").arg(count).arg("STREAMS").arg(stream).arg(">");
    return redis.send(read)
        .map(r -> units(siteId, r == null ? null : r.isMap() ? r.get(stream) : r.get(0).get(1)))
        .recover(err -> isNoGroup(err) ? createGroup(stream).map(List.of()) : Future.failedFuture(err));
  }

  /**
   * Units pending longer than {@code minIdleMillis} with a consumer that stopped heart-beating:
   * now ours; those delivered more than {@link #MAX_DELIVERIES} times are parked instead
   * (claim_abandoned.lua).
   */
  Future<List<WorkUnit>> claimAbandoned(String siteId, long minIdleMillis, int count, Instant now) {
    return CLAIM_ABANDONED.run(redis,
            List.of(stream(siteId), Keys.site(siteId, Keys.Part.PARKED), Keys.site(siteId, Keys.Part.UNIT_FAILURES)),
            List.of(GROUP, consumer, String.valueOf(minIdleMillis), String.valueOf(count), String.valueOf(MAX_DELIVERIES),
                now.toString()))
        .compose(r -> showParked(siteId, r.get(1)).map(units(siteId, r.get(0))))
        .recover(err -> isNoGroup(err) ? Future.succeededFuture(List.of()) : Future.failedFuture(err));
  }

  /**
   * Counts parked units on their campaigns (not a unit of automation steps: many runs share it), with the reason:
   * {@code [campaignId, reason, ...]}.
   */
  private Future<Void> showParked(String siteId, Response parked) {
    List<Request> writes = new ArrayList<>();
    for (int i = 0; i + 1 < parked.size(); i += 2) {
      String name = parked.get(i).toString();
      if (name.equals(RunUnits.UNIT)) {
        continue; // automation steps: the parked hash keeps the unit and its reason
      }
      String campaign = Keys.campaign(siteId, name);
      writes.add(Request.cmd(Command.HINCRBY).arg(campaign).arg("parkedUnits").arg(1));
      writes.add(Request.cmd(Command.HSET).arg(campaign).arg("parkedReason").arg(parked.get(i + 1).toString()));
    }
    return writes.isEmpty() ? Future.succeededFuture() : redis.batch(writes).mapEmpty();
  }

  /**
   * Notes why a unit failed (not for Redis being away): shown on its campaign if it is parked.
   * The notes of a site expire a week after the last one, so those of units that went on to
   * finish do not pile up.
   */
  Future<Void> noteFailure(WorkUnit unit, String reason) {
    String key = Keys.site(unit.siteId(), Keys.Part.UNIT_FAILURES);
    String text = reason == null ? "unknown" : reason.length() > 300 ? reason.substring(0, 300) : reason;
    return redis.batch(List.of(Request.cmd(Command.HSET).arg(key).arg(unit.entryId()).arg(text),
        Request.cmd(Command.EXPIRE).arg(key).arg(7 * 24 * 3600))).mapEmpty();
  }

  /**
   * Units in hand that are not ours to send any more: {@code taken} another instance claimed
   * meanwhile (we stalled past the claim time), {@code gone} are no longer pending at all
   * (acknowledged meanwhile: by us, finishing them as the heartbeat ran, or by whoever took them
   * over and finished them).
   */
  record Lost(List<String> taken, List<String> gone) {
    static final Lost NONE = new Lost(List.of(), List.of());
  }

  /** Resets the idle time of units we are still working on, so nobody claims them from us. */
  Future<Lost> heartbeat(String siteId, List<String> entryIds) {
    return setIdle(siteId, entryIds, 0);
  }

  /**
   * Hands units we will not finish (shutting down) back to the group: they look abandoned for
   * {@code claimIdleMillis}, so any instance's next take-over round claims them.
   */
  Future<Lost> handBack(String siteId, List<String> entryIds, long claimIdleMillis) {
    return setIdle(siteId, entryIds, claimIdleMillis);
  }

  private Future<Lost> setIdle(String siteId, List<String> entryIds, long idleMillis) {
    if (entryIds.isEmpty()) {
      return Future.succeededFuture(Lost.NONE);
    }
    List<String> args = new ArrayList<>(List.of(GROUP, consumer, String.valueOf(idleMillis)));
    args.addAll(entryIds);
    return HEARTBEAT.run(redis, List.of(stream(siteId)), args).map(r -> new Lost(
        r.get(0).stream().map(Response::toString).toList(), r.get(1).stream().map(Response::toString).toList()));
  }

  /**
   * Done with a unit: acknowledged and removed, so the stream stays as small as the work left;
   * unless another instance has taken it over (ack_unit.lua), whose it then is to finish.
   */
  Future<Void> ack(WorkUnit unit) {
    return ACK.run(redis, List.of(stream(unit.siteId())), List.of(GROUP, consumer, unit.entryId())).mapEmpty();
  }

  /**
   * Commits a scan step (see commit_scan.lua): the ids found (queued to send, or lapsed when
   * {@code lapse}), and the next page ({@code next}, the ordinal it starts from) or, when
   * {@code next} is negative, the end of the wave's scan. False when the unit was no longer ours.
   */
  Future<Boolean> commitScan(WorkUnit.Scan unit, List<String> ids, long next, boolean lapse, String now) {
    List<String> args = new ArrayList<>(ids.size() + 8);
    args.addAll(List.of(GROUP, consumer, unit.entryId(), unit.campaignId(), String.valueOf(unit.wave()),
        next < 0 ? "" : String.valueOf(next), now, lapse ? "1" : ""));
    args.addAll(ids);
    String site = unit.siteId();
    return COMMIT_SCAN.run(redis, List.of(Keys.campaign(site, unit.campaignId()), stream(site),
            Keys.campaignProgress(site, unit.campaignId()), Keys.site(site, Keys.Part.FINISHED)), args)
        .map(r -> r.toLong() == 1);
  }

  /**
   * What moving due entries of a schedule or retry set into the work stream did: how many moved,
   * and when the next one left is due (Long.MAX_VALUE: none left).
   */
  record Moved(long count, long nextDueMillis) {
    static Moved of(Response r) {
      long next = r.get(1).toLong();
      return new Moved(r.get(0).toLong(), next < 0 ? Long.MAX_VALUE : next);
    }
  }

  /** Turns the site's scheduled waves that are due into scan units (fire_due.lua). */
  Future<Moved> fireDue(String siteId, Instant now, int max) {
    String schedule = Keys.site(siteId, Keys.Part.SCHEDULE);
    // Read first which campaigns' waves are due, so that the script can be given their keys.
    Request due = Request.cmd(Command.ZRANGEBYSCORE).arg(schedule).arg("-inf").arg(now.toEpochMilli())
        .arg("LIMIT").arg(0).arg(max);
    return redis.send(due).compose(members -> {
      List<String> keys = new ArrayList<>(List.of(schedule, stream(siteId)));
      members.stream().map(m -> m.toString()).map(m -> m.substring(0, Math.max(0, m.lastIndexOf(':'))))
          .distinct().forEach(campaignId -> keys.add(Keys.campaign(siteId, campaignId)));
      return FIRE_DUE.run(redis, keys,
          List.of(String.valueOf(now.toEpochMilli()), now.toString(), Keys.campaignPrefix(siteId), String.valueOf(max)));
    }).map(Moved::of);
  }

  /** Turns the site's automation runs whose next step is due into send units (fire_steps.lua). */
  Future<Moved> fireDueSteps(String siteId, long nowMillis, int max) {
    String due = Keys.site(siteId, Keys.Part.RUN_DUE);
    // Read first which runs are due, so that the script can be given their keys.
    Request read = Request.cmd(Command.ZRANGEBYSCORE).arg(due).arg("-inf").arg(nowMillis).arg("LIMIT").arg(0).arg(max);
    return redis.send(read).compose(members -> {
      List<String> keys = new ArrayList<>(List.of(due, stream(siteId)));
      members.forEach(m -> keys.add(Keys.run(siteId, m.toString())));
      return FIRE_STEPS.run(redis, keys, List.of(String.valueOf(nowMillis), Keys.runPrefix(siteId), String.valueOf(max),
          String.valueOf(STEPS_PER_UNIT)));
    }).map(Moved::of);
  }

  /** Moves due retries into the work stream (claim_retries.lua). */
  Future<Moved> claimDueRetries(String siteId, long nowMillis, int max) {
    return CLAIM_RETRIES.run(redis,
        List.of(Keys.site(siteId, Keys.Part.RETRIES), stream(siteId)),
        List.of(String.valueOf(nowMillis), String.valueOf(max)))
        .map(Moved::of);
  }

  /**
   * Deletes the group's consumers that hold no pending unit and have not read for
   * {@code idleMillis}: each process start adds consumers, and dead ones would otherwise stay
   * listed forever. A live consumer reads every few hundred milliseconds (and XREADGROUP would
   * recreate it anyway). How many were deleted.
   */
  Future<Integer> pruneConsumers(String siteId, long idleMillis) {
    String stream = stream(siteId);
    return redis.send(Request.cmd(Command.XINFO).arg("CONSUMERS").arg(stream).arg(GROUP)).compose(consumers -> {
      List<Future<Response>> deletions = new ArrayList<>();
      for (Response c : consumers) {
        String name = c.get("name").toString();
        if (!name.equals(consumer) && c.get("pending").toLong() == 0 && c.get("idle").toLong() > idleMillis) {
          deletions.add(redis.send(Request.cmd(Command.XGROUP).arg("DELCONSUMER").arg(stream).arg(GROUP).arg(name)));
        }
      }
      return Future.all(deletions).map(deletions.size());
    }).recover(err -> isNoGroup(err) || (err.getMessage() != null && err.getMessage().startsWith("ERR no such key"))
        ? Future.succeededFuture(0) : Future.failedFuture(err));
  }

  private Future<Void> createGroup(String stream) {
    return redis.send(Request.cmd(Command.XGROUP).arg("CREATE").arg(stream).arg(GROUP).arg("0").arg("MKSTREAM"))
        .<Void>mapEmpty()
        .recover(err -> err.getMessage() != null && err.getMessage().startsWith("BUSYGROUP")
            ? Future.succeededFuture() : Future.failedFuture(err));
  }

  private static List<WorkUnit> units(String siteId, Response entries) {
    List<WorkUnit> out = new ArrayList<>();
    if (entries != null) {
      for (Response entry : entries) {
        if (entry != null) {
          out.add(WorkUnit.parse(siteId, entry));
        }
      }
    }
    return out;
  }

  private static boolean isNoGroup(Throwable err) {
    return err.getMessage() != null && err.getMessage().startsWith("NOGROUP");
  }

  private static String stream(String siteId) {
    return Keys.site(siteId, Keys.Part.WORK);
  }
}
