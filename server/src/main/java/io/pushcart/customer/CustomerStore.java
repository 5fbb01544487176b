package io.pushcart.customer;

import io.pushcart.redis.Keys;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What Redis holds of a customer beyond the subscriptions themselves (those are written by
 * SubscriptionStore): the customer's set of subscription ids, the commerce events of those
 * subscriptions, and the traces campaigns kept of them (progress, receipts, retries).
 */
public final class CustomerStore {
  private static final int PAGE = 1000;

  private final Redis redis;

  public CustomerStore(Redis redis) {
    this.redis = redis;
  }

  /** The ids of the customer's subscriptions. */
  public Future<List<String>> subscriptions(String site, String customerId) {
    return redis.send(Request.cmd(Command.SMEMBERS).arg(Keys.customer(site, customerId)))
        .map(r -> {
          List<String> ids = new ArrayList<>();
          r.forEach(id -> ids.add(id.toString()));
          ids.sort(null);
          return ids;
        });
  }

  /**
   * The stored events of the customer or of these subscriptions, oldest first:
   * {id, eventId, type, subscriptionIds, customerId, data, occurredAt, receivedAt}.
   */
  public Future<List<JsonObject>> events(String site, String customerId, Set<String> subscriptionIds) {
    List<JsonObject> out = new ArrayList<>();
    return eventsFrom(site, "-", customerId, subscriptionIds, (id, fields) -> {
      JsonObject e = new JsonObject().put("id", id).put("type", fields.getString("type"))
          .put("subscriptionIds", new JsonArray(fields.getString("subscriptions", "[]")))
          .put("data", new JsonObject(fields.getString("data", "{}"))).put("occurredAt", fields.getString("at"))
          .put("receivedAt", fields.getString("received", fields.getString("at")));
      if (!fields.getString("customer", "").isEmpty()) {
        e.put("customerId", fields.getString("customer"));
      }
      if (!fields.getString("id", "").isEmpty()) {
        e.put("eventId", fields.getString("id").replaceFirst("^(id|order):", ""));
      }
      out.add(e);
    }).map(v -> out);
  }

  /** Deletes the stored events of the customer or of these subscriptions. */
  public Future<Void> deleteEvents(String site, String customerId, Set<String> subscriptionIds) {
    List<String> doomed = new ArrayList<>();
    return eventsFrom(site, "-", customerId, subscriptionIds, (id, fields) -> doomed.add(id)).compose(v -> {
      if (doomed.isEmpty()) {
        return Future.succeededFuture();
      }
      Request del = Request.cmd(Command.XDEL).arg(Keys.site(site, Keys.Part.EVENTS));
      doomed.forEach(del::arg);
      return redis.send(del).mapEmpty();
    });
  }

  private interface EntryVisitor {
    void visit(String id, JsonObject fields);
  }

  /** Pages through the site's event stream (capped, so bounded), visiting the entries of the customer or these subscriptions. */
  private Future<Void> eventsFrom(String site, String from, String customerId, Set<String> subscriptionIds, EntryVisitor visitor) {
    return redis.send(Request.cmd(Command.XRANGE).arg(Keys.site(site, Keys.Part.EVENTS)).arg(from).arg("+").arg("COUNT").arg(PAGE))
        .compose(entries -> {
          String last = null;
          for (Response entry : entries) {
            last = entry.get(0).toString();
            JsonObject fields = new JsonObject();
            Response f = entry.get(1);
            for (int i = 0; i + 1 < f.size(); i += 2) {
              fields.put(f.get(i).toString(), f.get(i + 1).toString());
            }
            boolean concerns = customerId.equals(fields.getString("customer"))
                || subscriptionIds.contains(fields.getString("subscription"))
                || new JsonArray(fields.getString("subscriptions", "[]")).stream().anyMatch(subscriptionIds::contains);
            if (concerns) {
              visitor.visit(last, fields);
            }
          }
          return entries.size() < PAGE ? Future.<Void>succeededFuture()
              : eventsFrom(site, "(" + last, customerId, subscriptionIds, visitor);
        });
  }

  /**
   * Removes what the site's campaigns kept of these subscriptions: their entries in every
   * campaign's progress hash and receipt set, and their waiting retries.
   */
  public Future<Void> forgetInCampaigns(String site, Set<String> subscriptionIds) {
    return redis.send(Request.cmd(Command.ZRANGE).arg(Keys.site(site, Keys.Part.CAMPAIGNS)).arg(0).arg(-1)).compose(campaigns -> {
      List<Request> writes = new ArrayList<>();
      for (Response c : campaigns) {
        Request progress = Request.cmd(Command.HDEL).arg(Keys.campaignProgress(site, c.toString()));
        Request receipts = Request.cmd(Command.SREM).arg(Keys.campaignReceipts(site, c.toString()));
        for (String id : subscriptionIds) {
          progress.arg(id);
          for (String kind : List.of("delivered", "clicked", "closed")) {
            receipts.arg(kind + ":" + id);
          }
        }
        writes.add(progress);
        writes.add(receipts);
      }
      return (writes.isEmpty() ? Future.<List<Response>>succeededFuture(List.of()) : redis.batch(writes))
          .compose(v -> redis.send(Request.cmd(Command.ZRANGE).arg(Keys.site(site, Keys.Part.RETRIES)).arg(0).arg(-1)))
          .compose(retries -> {
            Request rem = Request.cmd(Command.ZREM).arg(Keys.site(site, Keys.Part.RETRIES));
            int n = 0;
            for (Response r : retries) {
              String[] parts = r.toString().split("\\|");
              // A campaign's retry names the subscription; a step's, '<run>.<gen>.<step>.<subscription>'.
              String id = parts.length >= 2 ? parts[1].substring(parts[1].lastIndexOf('.') + 1) : "";
              if (subscriptionIds.contains(id)) {
                rem.arg(r.toString());
                n++;
              }
            }
            return n == 0 ? Future.succeededFuture() : redis.send(rem).mapEmpty();
          });
    });
  }

  public Future<Void> deleteSet(String site, String customerId) {
    return redis.send(Request.cmd(Command.DEL).arg(Keys.customer(site, customerId))).mapEmpty();
  }
}
