package io.pushcart.delivery;

import io.pushcart.redis.Keys;
import io.pushcart.redis.LuaScript;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-subscriber progress of a campaign: what makes a re-run unit (after a crash, or a retry)
 * send only what was not sent, and count each outcome once.
 */
final class ProgressStore {
  private static final LuaScript RECORD = LuaScript.load("record_outcomes");

  private final Redis redis;

  ProgressStore(Redis redis) {
    this.redis = redis;
  }

  /** The ids of {@code ids} still due for this attempt: no progress yet (attempt 1), or waiting for exactly this retry. */
  Future<List<String>> due(String siteId, String campaignId, int attempt, List<String> ids) {
    Request get = Request.cmd(Command.HMGET).arg(Keys.campaignProgress(siteId, campaignId));
    ids.forEach(get::arg);
    String expected = attempt == 1 ? null : "r" + attempt;
    return redis.send(get).map(states -> {
      List<String> due = new ArrayList<>(ids.size());
      for (int i = 0; i < ids.size(); i++) {
        Response state = states.get(i);
        String value = state == null ? null : state.toString();
        if (expected == null ? value == null : expected.equals(value)) {
          due.add(ids.get(i));
        }
      }
      return due;
    });
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
