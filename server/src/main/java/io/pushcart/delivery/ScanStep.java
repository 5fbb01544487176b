package io.pushcart.delivery;

import io.pushcart.campaign.AudiencePlan;
import io.pushcart.campaign.StoredCampaign;
import io.pushcart.redis.Keys;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One page of a campaign's audience: SSCAN a driver set from the unit's cursor, keep the
 * members the audience accepts, and commit them together with the next page's unit. Only one
 * page of ids is ever in memory.
 */
final class ScanStep {
  /** SSCAN's COUNT hint: about this many ids per send unit. */
  static final int PAGE = 1000;

  private final Redis redis;
  private final WorkQueue queue;
  private final Clock clock;

  ScanStep(Redis redis, WorkQueue queue, Clock clock) {
    this.redis = redis;
    this.queue = queue;
    this.clock = clock;
  }

  Future<Void> run(WorkUnit.Scan unit, StoredCampaign campaign) {
    AudiencePlan plan = campaign.plan();
    if (unit.driver() >= plan.drivers().size()) {
      return queue.ack(unit); // a unit we cannot place: never block the stream with it
    }
    String site = unit.siteId();
    String driverKey = plan.drivers().get(unit.driver())
        .map(tag -> Keys.tag(site, tag))
        .orElse(Keys.site(site, Keys.Part.SUBSCRIPTIONS));
    Request scan = Request.cmd(Command.SSCAN).arg(driverKey).arg(unit.cursor()).arg("COUNT").arg(PAGE);
    return redis.send(scan).compose(page -> {
      String next = page.get(0).toString();
      List<String> members = page.get(1).stream().map(Response::toString).toList();
      Integer nextDriver = !next.equals("0") ? Integer.valueOf(unit.driver())
          : unit.driver() + 1 < plan.drivers().size() ? Integer.valueOf(unit.driver() + 1) : null;
      String nextCursor = !next.equals("0") ? next : "0";
      return accepted(site, plan, unit.driver(), members)
          .compose(ids -> queue.commitScan(unit, ids, nextDriver, nextCursor, clock.instant().toString()))
          .mapEmpty();
    });
  }

  private Future<List<String>> accepted(String site, AudiencePlan plan, int driver, List<String> members) {
    if (!plan.needsTags() || members.isEmpty()) {
      return Future.succeededFuture(members);
    }
    List<Request> reads = members.stream()
        .map(id -> Request.cmd(Command.HGET).arg(Keys.subscription(site, id)).arg("tags")).toList();
    return redis.batch(reads).map(tagLists -> {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < members.size(); i++) {
        Response tags = tagLists.get(i);
        if (tags != null && plan.accepts(driver, tagSet(tags.toString()))) {
          ids.add(members.get(i));
        }
      }
      return ids;
    });
  }

  private static Set<String> tagSet(String json) {
    Set<String> tags = new HashSet<>();
    new JsonArray(json).forEach(t -> tags.add(String.valueOf(t)));
    return tags;
  }
}
