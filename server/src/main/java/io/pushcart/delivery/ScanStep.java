package io.pushcart.delivery;

import io.pushcart.campaign.Audience;
import io.pushcart.campaign.AudiencePlan;
import io.pushcart.campaign.StoredCampaign;
import io.pushcart.campaign.Wave;
import io.pushcart.redis.Keys;
import io.pushcart.redis.LuaScript;
import io.pushcart.segment.Rule;
import io.pushcart.subscription.StoredSubscriber;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * One page of a campaign wave's audience: SSCAN a driver set from the unit's cursor
 * (scan_page.lua, which restarts the set from 0 when Redis is another process now), keep the
 * members the audience accepts, and commit them together with the next page's unit. Only one
 * page of ids is ever in memory. The drivers are the audience's sets (a wave sent at one
 * instant) or the time-zone sets of a local-time wave, whose members are then checked against
 * the whole audience rule.
 */
final class ScanStep {
  /** SSCAN's COUNT hint: about this many ids per send unit. */
  static final int PAGE = 1000;
  private static final LuaScript SCAN_PAGE = LuaScript.load("scan_page");
  private static final Logger LOG = Logger.getLogger(ScanStep.class.getName());

  private final Redis redis;
  private final WorkQueue queue;
  private final Clock clock;

  ScanStep(Redis redis, WorkQueue queue, Clock clock) {
    this.redis = redis;
    this.queue = queue;
    this.clock = clock;
  }

  /** What one wave scans, and how a member met in driver number {@code i} is accepted. */
  private record WaveScan(List<String> driverKeys, AudiencePlan plan, boolean local, boolean late) {
    boolean accepts(int driver, Rule.Subscriber member, Instant now) {
      return local ? plan.audience().matches(member, now) : plan.accepts(driver, member, now);
    }
  }

  Future<Void> run(WorkUnit.Scan unit, StoredCampaign campaign) {
    String site = unit.siteId();
    AudiencePlan plan = campaign.plan();
    List<Wave> waves = campaign.waves();
    Wave wave = unit.wave() < waves.size() ? waves.get(unit.wave()) : null;
    List<String> keys = wave != null && wave.local()
        ? wave.zones().stream().map(z -> Keys.zone(site, z)).toList()
        : plan.drivers().stream().map(d -> d.map(tag -> Keys.tag(site, tag)).orElse(Keys.site(site, Keys.Part.SUBSCRIPTIONS))).toList();
    if (unit.driver() >= keys.size() || (wave == null && unit.wave() > 0)) {
      return queue.ack(unit); // a unit we cannot place: never block the stream with it
    }
    WaveScan scan = new WaveScan(keys, plan, wave != null && wave.local(), wave != null && wave.late());
    return page(unit, scan, unit.driver(), unit.cursor(), campaign);
  }

  /** Scans from driver {@code driver} at {@code cursor}; empty drivers (most zones) are passed in the same step. */
  private Future<Void> page(WorkUnit.Scan unit, WaveScan scan, int driver, WorkUnit.Cursor cursor, StoredCampaign campaign) {
    return SCAN_PAGE.run(redis, List.of(scan.driverKeys().get(driver)),
        List.of(cursor.position(), cursor.runId(), String.valueOf(PAGE))).compose(page -> {
      WorkUnit.Cursor next = new WorkUnit.Cursor(page.get(0).toString(), page.get(2).toString());
      List<String> members = page.get(1).stream().map(Response::toString).toList();
      if (page.get(3).toInteger() == 1) {
        LOG.info("campaign " + unit.campaignId() + ": Redis is another process than when its audience scan began "
            + "(restart or failover); scanning set " + driver + " of wave " + unit.wave() + " again from its start");
      }
      boolean driverDone = next.atStart();
      boolean lastDriver = driver + 1 >= scan.driverKeys().size();
      if (members.isEmpty() && driverDone && !lastDriver) {
        return page(unit, scan, driver + 1, WorkUnit.Cursor.START, campaign);
      }
      Integer nextDriver = !driverDone ? Integer.valueOf(driver) : lastDriver ? null : Integer.valueOf(driver + 1);
      Instant now = clock.instant();
      // Messages that may no longer go out are still counted, as lapsed: the stats say who was missed.
      boolean lapse = scan.late() || campaign.expiresAt().filter(at -> !now.isBefore(at)).isPresent();
      // Checked against the set's size: a scan where every member of the whole set is targeted.
      boolean wholeSet = !scan.local() && scan.plan().audience() instanceof Audience.All;
      return accepted(unit.siteId(), scan, driver, members, now)
          .compose(ids -> queue.commitScan(unit, ids, nextDriver, driverDone ? WorkUnit.Cursor.START : next, lapse, wholeSet,
              now.toString()))
          .onSuccess(commit -> {
            if (commit == WorkQueue.ScanCommit.RESCAN) {
              LOG.warning("campaign " + unit.campaignId() + " of site " + unit.siteId() + ": its audience scan met fewer "
                  + "subscribers than the set holds; scanning it again from its start");
            }
          })
          .mapEmpty();
    });
  }

  /** The members the audience takes: each member's fields the rule needs, read in one batch (none for "all"). */
  private Future<List<String>> accepted(String site, WaveScan scan, int driver, List<String> members, Instant now) {
    List<String> reads = scan.plan().audience().reads();
    if (reads.isEmpty() || members.isEmpty()) {
      return Future.succeededFuture(members);
    }
    List<Request> hmgets = members.stream().map(id -> {
      Request r = Request.cmd(Command.HMGET).arg(Keys.subscription(site, id));
      reads.forEach(r::arg);
      return r;
    }).toList();
    return redis.batch(hmgets).map(replies -> {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < members.size(); i++) {
        List<String> values = new ArrayList<>(reads.size());
        replies.get(i).forEach(v -> values.add(v == null ? null : v.toString()));
        StoredSubscriber member = StoredSubscriber.of(values);
        if (member != null && scan.accepts(driver, member, now)) {
          ids.add(members.get(i));
        }
      }
      return ids;
    });
  }
}
