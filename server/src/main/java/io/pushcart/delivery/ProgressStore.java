package io.pushcart.delivery;

import io.pushcart.redis.Keys;
import io.pushcart.redis.LuaScript;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-subscriber progress of a campaign: what makes a re-run unit (after a crash, or a retry)
 * send only what was not sent, and count each outcome once.
 */
final class ProgressStore {
  private static final LuaScript RECORD = LuaScript.load("record_outcomes");
  private static final LuaScript MARK_DUE = LuaScript.load("mark_due");

  private final Redis redis;

  ProgressStore(Redis redis) {
    this.redis = redis;
  }

  /**
   * Claims the ids of a send unit that are still due for its attempt (see mark_due.lua); the
   * others already have an outcome, a later retry, or belong to another unit.
   */
  Future<List<String>> claimDue(WorkUnit.Send unit) {
    List<String> args = new ArrayList<>(unit.ids().size() + 2);
    args.add(String.valueOf(unit.attempt()));
    args.add(unit.entryId());
    args.addAll(unit.ids());
    return MARK_DUE.run(redis, List.of(Keys.campaignProgress(unit.siteId(), unit.campaignId())), args)
        .map(claimed -> claimed.stream().map(Response::toString).toList());
  }

  /** Records outcomes; the campaign's status afterwards. */
  Future<String> record(String siteId, String campaignId, List<Outcome> outcomes, String now) {
    List<String> args = new ArrayList<>(2 + outcomes.size() * 5);
    args.add(campaignId);
    args.add(now);
    for (Outcome o : outcomes) {
      args.add(o.subscriptionId());
      args.add(o.kind().wire);
      args.add(String.valueOf(o.attempt()));
      args.add(String.valueOf(o.retryAtMillis()));
      args.add(o.reason());
    }
    return RECORD.run(redis, List.of(Keys.campaign(siteId, campaignId), Keys.campaignProgress(siteId, campaignId),
            Keys.site(siteId, Keys.Part.RETRIES), Keys.campaignFailures(siteId, campaignId)), args)
        .map(Response::toString);
  }
}
