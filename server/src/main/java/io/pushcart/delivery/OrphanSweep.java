package io.pushcart.delivery;

import io.pushcart.campaign.CampaignStatus;
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
 * A safety net: finds messages of sending campaigns marked in flight by a work unit that no
 * longer exists, and hands them back as retries (hand_back_orphans.lua). Nothing known leaves
 * such marks (a unit is acknowledged only once all its outcomes are stored), but one would stop
 * its campaign from ever completing, so it is looked for every {@link DeliveryVerticle#PRUNE_EVERY_MS}.
 *
 * <p>Reads the progress hash with HSCAN, a page at a time. The cursor lives only for one sweep:
 * if Redis restarts during it, the sweep may miss marks, and the next one finds them.
 */
final class OrphanSweep {
  private static final LuaScript HAND_BACK = LuaScript.load("hand_back_orphans");
  /** The newest campaigns of a site looked at: a campaign still sending is among them. */
  static final int RECENT_CAMPAIGNS = 50;
  private static final int PAGE = 1000;

  private final Redis redis;

  OrphanSweep(Redis redis) {
    this.redis = redis;
  }

  /** Sweeps the site's recent sending campaigns; how many messages were handed back. */
  Future<Long> sweepSite(String siteId, long nowMillis) {
    Request recent = Request.cmd(Command.ZRANGE).arg(Keys.site(siteId, Keys.Part.CAMPAIGNS)).arg(-RECENT_CAMPAIGNS).arg(-1);
    return redis.send(recent).compose(ids -> {
      Future<Long> total = Future.succeededFuture(0L);
      for (Response id : ids) {
        String campaignId = id.toString();
        total = total.compose(sum -> sendingCampaign(siteId, campaignId)
            .compose(sending -> sending ? sweep(siteId, campaignId, "0", nowMillis, 0L) : Future.succeededFuture(0L))
            .map(n -> sum + n));
      }
      return total;
    });
  }

  private Future<Boolean> sendingCampaign(String siteId, String campaignId) {
    return redis.send(Request.cmd(Command.HGET).arg(Keys.campaign(siteId, campaignId)).arg("status"))
        .map(s -> s != null && CampaignStatus.SENDING.wire().equals(s.toString()));
  }

  /** One campaign, from {@code cursor} on. */
  Future<Long> sweep(String siteId, String campaignId, String cursor, long nowMillis, long handed) {
    Request page = Request.cmd(Command.HSCAN).arg(Keys.campaignProgress(siteId, campaignId)).arg(cursor).arg("COUNT").arg(PAGE);
    return redis.send(page).compose(r -> {
      String next = r.get(0).toString();
      List<String> args = new ArrayList<>(List.of(campaignId, String.valueOf(nowMillis)));
      Response fields = r.get(1);
      for (int i = 0; i + 1 < fields.size(); i += 2) {
        if (fields.get(i + 1).toString().startsWith("s")) {
          args.add(fields.get(i).toString());
          args.add(fields.get(i + 1).toString());
        }
      }
      Future<Long> handedHere = args.size() == 2 ? Future.succeededFuture(0L)
          : HAND_BACK.run(redis, List.of(Keys.campaignProgress(siteId, campaignId), Keys.site(siteId, Keys.Part.WORK),
              Keys.site(siteId, Keys.Part.RETRIES), Keys.site(siteId, Keys.Part.PARKED)), args).map(Response::toLong);
      return handedHere.compose(n -> next.equals("0") ? Future.succeededFuture(handed + n)
          : sweep(siteId, campaignId, next, nowMillis, handed + n));
    });
  }
}
