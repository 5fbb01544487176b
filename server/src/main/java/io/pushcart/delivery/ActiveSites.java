package io.pushcart.delivery;

import io.pushcart.campaign.WorkIndex;
import io.pushcart.redis.Keys;
import io.pushcart.redis.LuaScript;
import io.pushcart.redis.Scored;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * The sites delivery workers poll: {@link Keys#ACTIVE_SITES}, each site scored by when its latest
 * campaign was created. A site leaves it once it has been idle a while — nothing in its work
 * stream, schedule or retries, and no campaign created for {@code idleMillis} — so the workers'
 * polling follows the sites that have work, not every site that ever had some.
 *
 * <p>Why removal is safe without a cross-slot transaction: a campaign's site is scored (to its
 * creation time) before its work is written, and a site is removed only if its score is still
 * the old one the pruner judged by (forget_site.lua). Work written after the pruner looked came
 * with a newer score, so the site stays.
 */
public final class ActiveSites implements WorkIndex {
  /**
   * Local event-bus address on which a site id is published when this instance adds work for it
   * (a campaign created or rescheduled, a wave fired, units or retries written): the delivery
   * workers then look at that site at once instead of at their next idle poll.
   */
  public static final String WORK_ADDRESS = "pushcart.site-work";

  /**
   * Local event-bus address on which a site id is published when this instance entered a run due
   * at once (a transactional push): the delivery workers dispatch the site's due steps at once
   * instead of at their next poll.
   */
  public static final String STEPS_DUE_ADDRESS = "pushcart.steps-due";

  /** Tells this instance's delivery workers that the site has a step due now ({@link #STEPS_DUE_ADDRESS}). */
  public static void announceStepsDue(EventBus eventBus, String siteId) {
    eventBus.publish(STEPS_DUE_ADDRESS, siteId);
  }

  /** Tells this instance's delivery workers that the site has new work ({@link #WORK_ADDRESS}). */
  public static void announceWork(EventBus eventBus, String siteId) {
    eventBus.publish(WORK_ADDRESS, siteId);
  }
  private static final LuaScript HAS_WORK = LuaScript.load("site_has_work");
  private static final LuaScript FORGET = LuaScript.load("forget_site");

  private final Redis redis;

  public ActiveSites(Redis redis) {
    this.redis = redis;
  }

  /** The site is about to get work (a campaign created at {@code nowMillis}): workers poll it. */
  @Override
  public Future<Void> siteGetsWork(String siteId, long nowMillis) {
    return redis.send(Request.cmd(Command.ZADD).arg(Keys.ACTIVE_SITES).arg(nowMillis).arg(siteId)).mapEmpty();
  }

  public Future<List<String>> list() {
    return redis.send(Request.cmd(Command.ZRANGE).arg(Keys.ACTIVE_SITES).arg(0).arg(-1))
        .map(r -> r == null ? List.of() : r.stream().map(Response::toString).toList());
  }

  /**
   * Removes the sites that had no campaign created for {@code idleMillis} and have no work left
   * (their stream, schedule and retries are empty, and they have no automation); how many were removed.
   */
  public Future<Integer> pruneIdle(long nowMillis, long idleMillis) {
    Request stale = Request.cmd(Command.ZRANGE).arg(Keys.ACTIVE_SITES).arg("-inf").arg(nowMillis - idleMillis)
        .arg("BYSCORE").arg("WITHSCORES");
    return redis.send(stale).compose(sites -> {
      List<Future<Boolean>> removals = new ArrayList<>();
      for (Scored site : Scored.parse(sites)) {
        removals.add(hasNoWork(site.member())
            .compose(idle -> idle ? forget(site.member(), site.score()) : Future.succeededFuture(false)));
      }
      return Future.all(removals).map(all -> (int) removals.stream().filter(f -> f.result()).count());
    });
  }

  /**
   * Read atomically (site_has_work.lua): once a site has no work, only a new campaign gives it
   * some, and that moves its score first, so {@link #forget} keeps it.
   */
  private Future<Boolean> hasNoWork(String siteId) {
    return HAS_WORK.run(redis, List.of(Keys.site(siteId, Keys.Part.WORK), Keys.site(siteId, Keys.Part.SCHEDULE),
        Keys.site(siteId, Keys.Part.RETRIES), Keys.site(siteId, Keys.Part.AUTOMATIONS), Keys.site(siteId, Keys.Part.RUN_DUE)),
        List.of()).map(r -> r.toLong() == 0);
  }

  /** Removes the site if its score is still {@code score}: a campaign created meanwhile keeps it. */
  Future<Boolean> forget(String siteId, long score) {
    return FORGET.run(redis, List.of(Keys.ACTIVE_SITES), List.of(siteId, String.valueOf(score))).map(r -> r.toLong() == 1);
  }

  /**
   * Moves the sites of the set that held them before this index ({@code pc:work-sites}) into it, so
   * work written by an earlier version is still found. Idempotent; a no-op once done.
   */
  public Future<Void> adoptLegacy(long nowMillis) {
    return redis.send(Request.cmd(Command.SMEMBERS).arg(Keys.LEGACY_WORK_SITES)).compose(members -> {
      if (members == null || members.size() == 0) {
        return Future.succeededFuture();
      }
      Request add = Request.cmd(Command.ZADD).arg(Keys.ACTIVE_SITES).arg("NX");
      members.forEach(site -> add.arg(nowMillis).arg(site.toString()));
      return redis.send(add).compose(v -> redis.send(Request.cmd(Command.DEL).arg(Keys.LEGACY_WORK_SITES))).mapEmpty();
    });
  }
}
