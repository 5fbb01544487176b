package io.pushcart.delivery;

import io.pushcart.redis.Keys;
import io.pushcart.redis.LuaScript;
import io.pushcart.subscription.StoredSubscriber;
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
   * A subscriber claimed for sending, with its subscription (empty strings when it is gone).
   * {@code vapidKey}: the VAPID public key the subscription was made with ('' when not recorded).
   * {@code subscriber}: its fields, when the message is personalized or has an audience (else null).
   */
  record Claimed(String id, String endpoint, String p256dh, String auth, String vapidKey, StoredSubscriber subscriber) {
    Claimed(String id, String endpoint, String p256dh, String auth, String vapidKey) {
      this(id, endpoint, p256dh, auth, vapidKey, null);
    }

    boolean gone() {
      return endpoint.isEmpty();
    }
  }

  /** The subscription fields a personalized message or an audience check reads, after the four sending needs. */
  static final List<String> SUBSCRIBER_FIELDS = StoredSubscriber.FIELDS;

  /**
   * Claims the ids of a send unit that are still due for its attempt, and reads their
   * subscriptions, in one script call (mark_due.lua); the others already have an outcome, a
   * later retry, or belong to another unit. With {@code subscribers}, each comes with the fields
   * templates read.
   */
  Future<List<Claimed>> claimDue(WorkUnit.Send unit, boolean subscribers) {
    List<String> keys = new ArrayList<>(unit.ids().size() + 2);
    keys.add(Keys.campaign(unit.siteId(), unit.campaignId()));
    keys.add(Keys.campaignProgress(unit.siteId(), unit.campaignId()));
    unit.ids().forEach(id -> keys.add(Keys.subscription(unit.siteId(), id)));
    List<String> args = new ArrayList<>(unit.ids().size() + 3);
    args.add(String.valueOf(unit.attempt()));
    args.add(unit.entryId());
    args.add(subscribers ? String.join(" ", SUBSCRIBER_FIELDS) : "");
    args.addAll(unit.ids());
    return MARK_DUE.run(redis, keys, args).map(reply -> claimed(reply, 0, subscribers));
  }

  /**
   * The claimed subscriptions of a mark script's reply (mark_due.lua, mark_step.lua) from index
   * {@code from}: per id, the id, endpoint, p256dh, auth and vapidKey, then with {@code
   * subscribers} the values of {@link #SUBSCRIBER_FIELDS}.
   */
  static List<Claimed> claimed(Response reply, int from, boolean subscribers) {
    int width = 5 + (subscribers ? SUBSCRIBER_FIELDS.size() : 0);
    List<Claimed> claimed = new ArrayList<>(reply.size() / width);
    for (int i = from; i + width - 1 < reply.size(); i += width) {
      StoredSubscriber fields = null;
      if (subscribers) {
        List<String> values = new ArrayList<>(SUBSCRIBER_FIELDS.size());
        for (int j = 5; j < width; j++) {
          String v = reply.get(i + j).toString();
          values.add(v.isEmpty() ? null : v);
        }
        fields = StoredSubscriber.of(values);
      }
      claimed.add(new Claimed(reply.get(i).toString(), reply.get(i + 1).toString(), reply.get(i + 2).toString(),
          reply.get(i + 3).toString(), reply.get(i + 4).toString(), fields));
    }
    return claimed;
  }

  /** Records outcomes; the campaign's status afterwards. */
  Future<String> record(String siteId, String campaignId, List<Outcome> outcomes, String now) {
    List<String> args = new ArrayList<>(2 + outcomes.size() * 5);
    args.add(campaignId);
    args.add(now);
    Outcome.appendTo(args, outcomes);
    return RECORD.run(redis, List.of(Keys.campaign(siteId, campaignId), Keys.campaignProgress(siteId, campaignId),
            Keys.site(siteId, Keys.Part.RETRIES), Keys.campaignFailures(siteId, campaignId), Keys.site(siteId, Keys.Part.FINISHED)), args)
        .map(Response::toString);
  }
}
