package io.pushcart.event;

import io.pushcart.redis.DeclaredKeys;
import io.pushcart.redis.Keys;
import io.pushcart.segment.Bitmaps;
import io.pushcart.redis.LuaScript;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Instant;
import java.util.List;

/** Events in Redis: receipts counted into campaign stats, commerce events appended to the site's event stream. */
public final class EventStore {
  /** The stream keeps about this many recent events per site; the automations read it as it grows. */
  static final int STREAM_MAX = 100_000;
  private static final LuaScript RECEIPT = LuaScript.load("record_receipt");

  private final Redis redis;

  public EventStore(Redis redis) {
    this.redis = redis;
  }

  /**
   * 1 counted (and a delivery or click stamped on the subscription), 0 a repeat, -1 no such
   * campaign, -2 the campaign did not target the subscription.
   */
  public Future<Long> recordReceipt(String siteId, String campaignId, String stat, String subscriptionId, Instant now) {
    List<String> guessed = switch (stat) {
      case "delivered" -> Bitmaps.time(siteId, "lastDeliveredAt");
      case "clicked" -> Bitmaps.time(siteId, "lastClickedAt");
      default -> List.of();
    };
    return DeclaredKeys.run(redis, RECEIPT, List.of(Keys.campaign(siteId, campaignId), Keys.campaignReceipts(siteId, campaignId),
            Keys.campaignProgress(siteId, campaignId), Keys.subscription(siteId, subscriptionId)), guessed,
        List.of(stat, subscriptionId, now.toString(), Keys.bitmapPrefix(siteId))).map(Response::toLong);
  }

  public Future<Void> append(String siteId, String subscriptionId, EventType type, JsonObject data, Instant at) {
    return redis.send(Request.cmd(Command.XADD).arg(Keys.site(siteId, Keys.Part.EVENTS))
            .arg("MAXLEN").arg("~").arg(STREAM_MAX).arg("*")
            .arg("type").arg(type.wire).arg("subscription").arg(subscriptionId)
            .arg("data").arg(data.encode()).arg("at").arg(at.toString()))
        .mapEmpty();
  }
}
