package io.pushcart.segment;

import io.pushcart.redis.Keys;
import io.vertx.core.Future;
import io.vertx.core.json.Json;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Saved segments in Redis: a hash each, and the site's index of them by creation time (docs/redis-keys.md). */
public final class SegmentStore {
  private final Redis redis;

  public SegmentStore(Redis redis) {
    this.redis = redis;
  }

  /** Writes the segment (new or changed); a new one enters the index first, so a stop between the two leaves nothing listed without a body. */
  public Future<Void> save(String site, SavedSegment s) {
    Request hash = Request.cmd(Command.HSET).arg(Keys.segment(site, s.id())).arg("id").arg(s.id()).arg("name").arg(s.name())
        .arg("rule").arg(Json.encode(s.ruleJson())).arg("createdAt").arg(s.createdAt()).arg("updatedAt").arg(s.updatedAt());
    s.count().ifPresent(n -> hash.arg("count").arg(n));
    s.countedAt().ifPresent(at -> hash.arg("countedAt").arg(at));
    return redis.send(Request.cmd(Command.ZADD).arg(Keys.site(site, Keys.Part.SEGMENTS)).arg("NX")
            .arg(Instant.parse(s.createdAt()).toEpochMilli()).arg(s.id()))
        .compose(v -> redis.send(hash)).mapEmpty();
  }

  /** Stores a fresh count, if the segment still exists. */
  public Future<Void> saveCount(String site, String id, long count, String at) {
    String key = Keys.segment(site, id);
    return redis.send(Request.cmd(Command.EXISTS).arg(key)).compose(found -> found.toLong() == 0 ? Future.<Void>succeededFuture()
        : redis.send(Request.cmd(Command.HSET).arg(key).arg("count").arg(count).arg("countedAt").arg(at)).mapEmpty());
  }

  public Future<Optional<SavedSegment>> find(String site, String id) {
    return redis.send(Request.cmd(Command.HGETALL).arg(Keys.segment(site, id))).map(SegmentStore::parse);
  }

  /** Every segment of the site, oldest first. */
  public Future<List<SavedSegment>> list(String site) {
    return redis.send(Request.cmd(Command.ZRANGE).arg(Keys.site(site, Keys.Part.SEGMENTS)).arg(0).arg(-1)).compose(ids -> {
      if (ids.size() == 0) {
        return Future.succeededFuture(List.<SavedSegment>of());
      }
      List<Request> reads = new ArrayList<>();
      ids.forEach(id -> reads.add(Request.cmd(Command.HGETALL).arg(Keys.segment(site, id.toString()))));
      return redis.batch(reads).map(hashes -> hashes.stream().map(SegmentStore::parse).flatMap(Optional::stream).toList());
    });
  }

  public Future<Long> size(String site) {
    return redis.send(Request.cmd(Command.ZCARD).arg(Keys.site(site, Keys.Part.SEGMENTS))).map(Response::toLong);
  }

  /** True when there was such a segment. */
  public Future<Boolean> delete(String site, String id) {
    return redis.send(Request.cmd(Command.ZREM).arg(Keys.site(site, Keys.Part.SEGMENTS)).arg(id))
        .compose(v -> redis.send(Request.cmd(Command.DEL).arg(Keys.segment(site, id))))
        .map(r -> r.toLong() == 1);
  }

  private static Optional<SavedSegment> parse(Response h) {
    if (h == null || !h.containsKey("id")) {
      return Optional.empty();
    }
    Object ruleJson = Json.decodeValue(h.get("rule").toString());
    return Optional.of(new SavedSegment(h.get("id").toString(), h.get("name").toString(), RuleParser.parse(ruleJson, "rule"),
        ruleJson, Optional.ofNullable(h.get("count")).map(Response::toLong),
        Optional.ofNullable(h.get("countedAt")).map(Response::toString), h.get("createdAt").toString(),
        h.get("updatedAt").toString()));
  }
}
