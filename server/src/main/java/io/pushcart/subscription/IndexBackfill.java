package io.pushcart.subscription;

import io.pushcart.redis.DeclaredKeys;
import io.pushcart.redis.Keys;
import io.pushcart.redis.LuaScript;
import io.pushcart.segment.Bitmaps;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The upgrade to audience bitmaps: subscriptions stored by an earlier version have no ordinal,
 * so no audience would find them. Each site not yet marked {@code indexVersion} 1 has its
 * subscriptions entered (index_subscription.lua, idempotent), then the sets the earlier version
 * kept per tag and time zone, and its scan counter, are deleted, and the site is marked.
 * Delivery starts after it, so no campaign fans out past someone not yet indexed. Instances
 * racing through it do the same idempotent work; one stopped half-way starts again.
 */
public final class IndexBackfill {
  public static final int VERSION = 1;
  private static final LuaScript INDEX = LuaScript.load("index_subscription");
  private static final Logger LOG = Logger.getLogger(IndexBackfill.class.getName());

  private final Redis redis;

  public IndexBackfill(Redis redis) {
    this.redis = redis;
  }

  /** Every site; the number of subscriptions indexed. */
  public Future<Long> run() {
    return redis.send(Request.cmd(Command.SMEMBERS).arg(Keys.SITES)).compose(sites -> {
      Future<Long> chain = Future.succeededFuture(0L);
      for (Response site : sites) {
        chain = chain.compose(total -> site(site.toString()).map(n -> total + n));
      }
      return chain;
    });
  }

  private Future<Long> site(String site) {
    String record = Keys.site(site, Keys.Part.RECORD);
    return redis.send(Request.cmd(Command.HGET).arg(record).arg("indexVersion")).compose(version -> {
      if (version != null && version.toInteger() >= VERSION) {
        return Future.succeededFuture(0L);
      }
      Set<String> oldSets = new LinkedHashSet<>();
      return complete(site, oldSets, 0, 0).compose(n -> {
        if (n < 0) {
          return Future.succeededFuture(0L); // not marked: the next start passes over it again
        }
        if (n > 0) {
          LOG.info("site " + site + ": " + n + " subscriptions of an earlier version entered into the audience bitmaps");
        }
        List<Request> cleanup = new ArrayList<>();
        oldSets.add(Keys.earlier(site, "subs-added"));
        oldSets.forEach(k -> cleanup.add(Request.cmd(Command.DEL).arg(k)));
        cleanup.add(Request.cmd(Command.HSET).arg(record).arg("indexVersion").arg(VERSION));
        return redis.batch(cleanup).map(v -> n);
      });
    });
  }

  /**
   * Passes over the site's set until every member is indexed: an SSCAN cursor means nothing in
   * another Redis process (a restart or failover between two pages can make it skip members),
   * so a pass is checked by comparing the set's size with the subscriptions in the {@code all}
   * bitmap, and made again (skipping those done) when they differ.
   */
  private Future<Long> complete(String site, Set<String> oldSets, long done, int passes) {
    return page(site, "0", oldSets, done).compose(n -> redis.batch(List.of(
            Request.cmd(Command.SCARD).arg(Keys.site(site, Keys.Part.SUBSCRIPTIONS)),
            Request.cmd(Command.BITCOUNT).arg(Bitmaps.all(site))))
        .compose(sizes -> {
          long members = sizes.get(0).toLong();
          long indexed = sizes.get(1).toLong();
          if (indexed >= members || passes >= MAX_PASSES) {
            if (indexed < members) {
              // Delivery must not wait for ever on an oddity: it starts, and the next start tries again.
              LOG.warning("site " + site + ": " + (members - indexed) + " subscriptions still not indexed after "
                  + MAX_PASSES + " passes; the next start tries again");
              return Future.succeededFuture(-1L);
            }
            return Future.succeededFuture(n);
          }
          return complete(site, oldSets, n, passes + 1);
        }));
  }

  private static final int MAX_PASSES = 5;

  /** One SSCAN page (a restart mid-way only means starting again: the script skips those done). */
  private Future<Long> page(String site, String cursor, Set<String> oldSets, long done) {
    return redis.send(Request.cmd(Command.SSCAN).arg(Keys.site(site, Keys.Part.SUBSCRIPTIONS)).arg(cursor).arg("COUNT").arg(500))
        .compose(reply -> {
          List<String> ids = new ArrayList<>();
          reply.get(1).forEach(id -> ids.add(id.toString()));
          Future<Long> chain = Future.succeededFuture(done);
          for (int from = 0; from < ids.size(); from += 20) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + 20));
            chain = chain.compose(n -> Future.all(chunk.stream().map(id -> index(site, id, oldSets)).toList())
                .map(all -> n + all.<Boolean>list().stream().filter(b -> b).count()));
          }
          String next = reply.get(0).toString();
          return chain.compose(n -> next.equals("0") ? Future.succeededFuture(n) : page(site, next, oldSets, n));
        });
  }

  private Future<Boolean> index(String site, String id, Set<String> oldSets) {
    String key = Keys.subscription(site, id);
    return redis.send(Request.cmd(Command.HMGET).arg(key).arg("tags").arg("attributes")).compose(v -> {
      Set<String> guessed = new LinkedHashSet<>(List.of(Bitmaps.all(site)));
      if (v.get(0) != null) {
        new JsonArray(v.get(0).toString()).forEach(t -> {
          guessed.add(Bitmaps.tag(site, String.valueOf(t)));
          oldSets.add(Keys.earlier(site, "tag:" + t));
        });
      }
      JsonObject attributes = v.get(1) == null ? new JsonObject() : new JsonObject(v.get(1).toString());
      attributes.forEach(e -> guessed.addAll(Bitmaps.attribute(site, e.getKey(), e.getValue())));
      Object zone = attributes.getValue("timezone");
      oldSets.add(Keys.earlier(site, "zone:" + (zone instanceof String z ? z : "")));
      guessed.addAll(Bitmaps.time(site, "subscribedAt"));
      guessed.addAll(Bitmaps.time(site, "lastSeenAt"));
      return DeclaredKeys.run(redis, INDEX, List.of(key, Keys.site(site, Keys.Part.ORDINAL_SEQ),
          Keys.site(site, Keys.Part.ORDINALS_FREE), Keys.site(site, Keys.Part.IDS), Keys.site(site, Keys.Part.ATTRIBUTE_INDEX)), guessed,
          List.of(id, Keys.bitmapPrefix(site), Keys.customerPrefix(site)));
    }).map(r -> r.toLong() == 1);
  }
}
