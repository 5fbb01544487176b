package io.pushcart.automation;

import io.pushcart.campaign.WorkIndex;
import io.pushcart.redis.Keys;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Automations in Redis (docs/redis-keys.md): a hash each, holding the definition ({@code def}),
 * its times, and the counters the run scripts move (lib.lua's end_run, enter_run.lua,
 * mark_step.lua, record_step.lua); and the site's index of them by creation time.
 */
public final class AutomationStore {
  private final Redis redis;
  private final WorkIndex work;

  public AutomationStore(Redis redis, WorkIndex work) {
    this.redis = redis;
    this.work = work;
  }

  /** An automation as stored, with its times and counters. */
  public record Stored(Automation automation, String createdAt, String updatedAt, Map<String, Long> counters) {
  }

  /**
   * Writes the automation (new or changed). The site enters the delivery workers' index first (a
   * site with automations stays there), then the automation its site's index, scored by its
   * version (the update time: what {@link #versions} tells caches), then its body.
   */
  public Future<Void> save(String site, Automation a, String createdAt, String updatedAt) {
    return work.siteGetsWork(site, Instant.parse(updatedAt).toEpochMilli())
        .compose(v -> redis.send(Request.cmd(Command.ZADD).arg(Keys.site(site, Keys.Part.AUTOMATIONS))
            .arg(Instant.parse(updatedAt).toEpochMilli()).arg(a.id())))
        .compose(v -> redis.send(Request.cmd(Command.HSET).arg(Keys.automation(site, a.id())).arg("id").arg(a.id())
            .arg("def").arg(a.toJson().encode()).arg("createdAt").arg(createdAt).arg("updatedAt").arg(updatedAt)))
        .mapEmpty();
  }

  public Future<Optional<Stored>> find(String site, String id) {
    return redis.send(Request.cmd(Command.HGETALL).arg(Keys.automation(site, id))).map(AutomationStore::parse);
  }

  /** Every automation of the site (in no particular order). */
  public Future<List<Stored>> list(String site) {
    return versions(site).compose(v -> read(site, v.keySet()));
  }

  /** Each automation's id and version (update time, epoch millis): one cheap read, for caches. */
  public Future<Map<String, Long>> versions(String site) {
    return redis.send(Request.cmd(Command.ZRANGE).arg(Keys.site(site, Keys.Part.AUTOMATIONS)).arg(0).arg(-1).arg("WITHSCORES"))
        .map(r -> {
          Map<String, Long> out = new TreeMap<>();
          io.pushcart.redis.Scored.parse(r).forEach(s -> out.put(s.member(), s.score()));
          return out;
        });
  }

  /** These automations, those that exist. */
  public Future<List<Stored>> read(String site, java.util.Collection<String> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    List<Request> reads = new ArrayList<>();
    ids.forEach(id -> reads.add(Request.cmd(Command.HGETALL).arg(Keys.automation(site, id))));
    return redis.batch(reads).map(hashes -> hashes.stream().map(AutomationStore::parse).flatMap(Optional::stream).toList());
  }

  /** True when there was such an automation. Its live runs send nothing more (RunUnits finds no automation). */
  public Future<Boolean> delete(String site, String id) {
    return redis.send(Request.cmd(Command.ZREM).arg(Keys.site(site, Keys.Part.AUTOMATIONS)).arg(id))
        .compose(v -> redis.send(Request.cmd(Command.DEL).arg(Keys.automation(site, id))))
        .map(r -> r.toLong() == 1);
  }

  /** Removes these subscriptions from every automation's receipt set (a customer's erase). */
  public Future<Void> forgetReceipts(String site, List<String> subscriptions) {
    if (subscriptions.isEmpty()) {
      return Future.succeededFuture();
    }
    return versions(site).compose(all -> {
      List<Request> writes = new ArrayList<>();
      for (String id : all.keySet()) {
        Request rem = Request.cmd(Command.SREM).arg(Keys.automation(site, id) + ":receipts");
        for (int step = 1; step <= Automation.MAX_STEPS; step++) {
          for (String stat : List.of("delivered", "clicked", "closed")) {
            for (String sub : subscriptions) {
              rem.arg("step:" + step + ":" + stat + ":" + sub);
            }
          }
        }
        writes.add(rem);
      }
      return writes.isEmpty() ? Future.succeededFuture() : redis.batch(writes).mapEmpty();
    });
  }

  private static Optional<Stored> parse(Response h) {
    if (h == null || !h.containsKey("def")) {
      return Optional.empty();
    }
    Automation a = Automation.parse(h.get("id").toString(), new JsonObject(h.get("def").toString()));
    Map<String, Long> counters = new TreeMap<>();
    for (String key : h.getKeys()) {
      if (key.startsWith("stat:") || key.startsWith("step:")) {
        counters.put(key, h.get(key).toLong());
      }
    }
    return Optional.of(new Stored(a, h.get("createdAt").toString(), h.get("updatedAt").toString(), counters));
  }

  /**
   * {@code stats} of MARKETING.md §4 from the counters: entered, active, exited by reason, and per
   * step sent, accepted, failed, expired, held, delivered, clicked, closed, suppressed by reason,
   * and the orders attributed to it: conversions and revenue by currency.
   */
  static JsonObject stats(Stored s) {
    Map<String, Long> c = s.counters();
    JsonObject exited = new JsonObject();
    c.forEach((k, v) -> {
      if (k.startsWith("stat:exited:")) {
        exited.put(k.substring("stat:exited:".length()), v);
      }
    });
    JsonArray steps = new JsonArray();
    for (int i = 1; i <= s.automation().steps().size(); i++) {
      String prefix = "step:" + i + ":";
      JsonObject step = new JsonObject();
      for (String stat : List.of("sent", "accepted", "failed", "expired", "lapsed", "retried", "deferred", "held", "delivered",
          "clicked", "closed")) {
        step.put(stat, c.getOrDefault(prefix + stat, 0L));
      }
      JsonObject suppressed = new JsonObject();
      c.forEach((k, v) -> {
        if (k.startsWith(prefix + "suppressed:")) {
          suppressed.put(k.substring((prefix + "suppressed:").length()), v);
        }
      });
      step.put("suppressed", suppressed).put("conversions", c.getOrDefault(prefix + "conversions", 0L))
          .put("revenue", io.pushcart.campaign.CampaignStats.revenue(c, prefix));
      List<Automation.StepVariant> variants = s.automation().steps().get(i - 1).variants();
      if (!variants.isEmpty()) {
        JsonObject byName = new JsonObject();
        for (Automation.StepVariant v : variants) {
          String at = prefix + "v:" + v.name() + ":";
          JsonObject counters = new JsonObject();
          io.pushcart.campaign.CampaignStats.VARIANT_STATS.forEach(stat -> counters.put(stat, c.getOrDefault(at + stat, 0L)));
          byName.put(v.name(), counters.put("revenue", io.pushcart.campaign.CampaignStats.revenue(c, at)));
        }
        step.put("variants", byName);
      }
      steps.add(step);
    }
    return new JsonObject().put("entered", c.getOrDefault("stat:entered", 0L)).put("active", c.getOrDefault("stat:active", 0L))
        .put("exited", exited).put("steps", steps);
  }
}
