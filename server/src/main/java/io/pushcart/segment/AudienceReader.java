package io.pushcart.segment;

import io.pushcart.common.Ids;
import io.pushcart.redis.Keys;
import io.pushcart.redis.LuaScript;
import io.pushcart.subscription.StoredSubscriber;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The one way an audience is evaluated, for counting ({@link #count}), for a campaign's fan-out
 * and for listing members ({@link #page}): the rule's {@link AudienceProgram} run on the site's
 * bitmaps by audience.lua, and the members it cannot settle checked with {@link Rule#matches}
 * on their stored fields ({@link #check}). A count is therefore exactly what a campaign sent at
 * that moment would target. Nothing is held in memory beyond one page of ids.
 */
public final class AudienceReader {
  private static final LuaScript AUDIENCE = LuaScript.load("audience");
  /** Members to check per page when counting the unsure ones. */
  static final int CHECK_PAGE = 2000;

  private final Redis redis;

  public AudienceReader(Redis redis) {
    this.redis = redis;
  }

  /** One page of an audience in ordinal order: the ids in it, and the ordinal to go on from (-1 at the end). */
  public record Page(List<String> ids, long next) {
    public boolean last() {
      return next < 0;
    }
  }

  /** How many subscribers of {@code site} match {@code rule} at {@code now} (in {@code zones}, when not null). */
  public Future<Long> count(String site, Rule rule, Instant now, List<String> zones) {
    AudienceProgram program = AudienceProgram.compile(site, rule, now, zones);
    Future<Long> sure = run(site, program, "count", 0, 0).map(r -> r.get(0).toLong());
    if (program.exact()) {
      return sure;
    }
    return sure.compose(n -> countUnsure(site, program, rule, now, 0, n));
  }

  private Future<Long> countUnsure(String site, AudienceProgram program, Rule rule, Instant now, long from, long total) {
    return run(site, program, "unsure", from, CHECK_PAGE).compose(r -> {
      long next = r.get(0).toLong();
      return check(site, ids(r.get(2)), rule, now).compose(passed -> {
        long sum = total + passed.size();
        return next < 0 ? Future.succeededFuture(sum) : countUnsure(site, program, rule, now, next, sum);
      });
    });
  }

  /**
   * The members from ordinal {@code from}, reading at most {@code limit} candidates (a page may
   * hold fewer members than that, even none, and still not be the last).
   */
  public Future<Page> page(String site, Rule rule, Instant now, List<String> zones, long from, int limit) {
    AudienceProgram program = AudienceProgram.compile(site, rule, now, zones);
    return run(site, program, "page", from, limit).compose(r -> {
      List<String> accepted = new ArrayList<>(ids(r.get(1)));
      long next = r.get(0).toLong();
      return check(site, ids(r.get(2)), rule, now).map(passed -> {
        accepted.addAll(passed);
        return new Page(accepted, next);
      });
    });
  }

  /** The ids among {@code ids} whose stored fields match the rule (gone ones do not). */
  private Future<List<String>> check(String site, List<String> ids, Rule rule, Instant now) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    List<Request> reads = ids.stream().map(id -> {
      Request r = Request.cmd(Command.HMGET).arg(Keys.subscription(site, id));
      StoredSubscriber.FIELDS.forEach(r::arg);
      return r;
    }).toList();
    return redis.batch(reads).map(replies -> {
      List<String> passed = new ArrayList<>();
      for (int i = 0; i < ids.size(); i++) {
        List<String> values = new ArrayList<>(StoredSubscriber.FIELDS.size());
        replies.get(i).forEach(v -> values.add(v == null ? null : v.toString()));
        StoredSubscriber member = StoredSubscriber.of(values);
        if (member != null && rule.matches(member, now)) {
          passed.add(ids.get(i));
        }
      }
      return passed;
    });
  }

  private Future<Response> run(String site, AudienceProgram program, String mode, long from, int limit) {
    AudienceScript script = program.script();
    List<String> keys = new ArrayList<>();
    keys.add(Keys.site(site, Keys.Part.IDS));
    String scratch = Keys.bitmap(site, "tmp:" + Ids.random(9) + ":");
    for (int i = 1; i <= script.scratch(); i++) {
      keys.add(scratch + i);
    }
    keys.addAll(script.keys());
    List<String> args = new ArrayList<>(List.of(mode, String.valueOf(from), String.valueOf(limit),
        String.valueOf(script.scratch())));
    args.addAll(script.tokens());
    return AUDIENCE.run(redis, keys, args);
  }

  private static List<String> ids(Response list) {
    List<String> out = new ArrayList<>(list.size());
    list.forEach(r -> out.add(r.toString()));
    return out;
  }
}
