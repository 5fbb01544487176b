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
   * {@code uncounted}: not counted against the site's frequency caps yet (never sent; lib.lua's
   * uncounted). {@code subscriber}: its fields, when the message is personalized, has an audience
   * or quiet hours read its time zone (else null).
   */
  record Claimed(String id, String endpoint, String p256dh, String auth, String vapidKey, boolean uncounted,
                 StoredSubscriber subscriber) {
    boolean gone() {
      return endpoint.isEmpty();
    }
  }

  /** The subscription fields a personalized message or an audience check reads, after the four sending needs. */
  static final List<String> SUBSCRIBER_FIELDS = StoredSubscriber.FIELDS;
  /** How many of {@link #SUBSCRIBER_FIELDS} hold a subscriber's time zone (its attributes). */
  static final int ZONE_FIELDS = SUBSCRIBER_FIELDS.indexOf("attributes") + 1;

  /**
   * Claims the ids of a send unit that are still due for its attempt, and reads their
   * subscriptions, in one script call (mark_due.lua); the others already have an outcome, a
   * later retry, or belong to another unit. Each comes with the first {@code fields} of
   * {@link #SUBSCRIBER_FIELDS} (0: none; all of them for a personalized message).
   */
  Future<List<Claimed>> claimDue(WorkUnit.Send unit, int fields) {
    List<String> keys = new ArrayList<>(unit.ids().size() + 2);
    keys.add(Keys.campaign(unit.siteId(), unit.campaignId()));
    keys.add(Keys.campaignProgress(unit.siteId(), unit.campaignId()));
    unit.ids().forEach(id -> keys.add(Keys.subscription(unit.siteId(), id)));
    List<String> args = new ArrayList<>(unit.ids().size() + 3);
    args.add(String.valueOf(unit.attempt()));
    args.add(unit.entryId());
    args.add(String.join(" ", SUBSCRIBER_FIELDS.subList(0, fields)));
    args.addAll(unit.ids());
    return MARK_DUE.run(redis, keys, args).map(reply -> claimed(reply, fields));
  }

  /**
   * The claimed subscriptions of a mark script's reply (mark_due.lua, mark_step.lua): per id, the
   * id, endpoint, p256dh, auth, vapidKey and whether it is uncounted, then the values of the first
   * {@code fields} of {@link #SUBSCRIBER_FIELDS}.
   */
  static List<Claimed> claimed(Response reply, int fields) {
    int width = 6 + fields;
    List<Claimed> claimed = new ArrayList<>(reply.size() / width);
    for (int i = 0; i + width - 1 < reply.size(); i += width) {
      StoredSubscriber subscriber = null;
      if (fields > 0) {
        List<String> values = new ArrayList<>(fields);
        for (int j = 6; j < width; j++) {
          String v = reply.get(i + j).toString();
          values.add(v.isEmpty() ? null : v);
        }
        subscriber = StoredSubscriber.of(values);
      }
      claimed.add(new Claimed(reply.get(i).toString(), reply.get(i + 1).toString(), reply.get(i + 2).toString(),
          reply.get(i + 3).toString(), reply.get(i + 4).toString(), !reply.get(i + 5).toString().isEmpty(), subscriber));
    }
    return claimed;
  }

  /** Records outcomes, each with its message's variant ('' for none); the campaign's status afterwards. */
  Future<String> record(String siteId, String campaignId, List<Outcome> outcomes, java.util.function.Function<Outcome, String> variant,
                        String report, String now) {
    List<String> args = new ArrayList<>(2 + outcomes.size() * 6);
    args.add(campaignId);
    args.add(now);
    Outcome.appendTo(args, outcomes, variant);
    return RECORD.run(redis, List.of(Keys.campaign(siteId, campaignId), Keys.campaignProgress(siteId, campaignId),
            Keys.site(siteId, Keys.Part.RETRIES), Keys.campaignFailures(siteId, campaignId), Keys.site(siteId, Keys.Part.FINISHED),
            report), args)
        .map(Response::toString);
  }
}
