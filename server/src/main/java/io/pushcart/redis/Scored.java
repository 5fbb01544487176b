package io.pushcart.redis;

import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.util.ArrayList;
import java.util.List;

/** A sorted-set member with its score, as {@code ZRANGE ... WITHSCORES} answers. */
public record Scored(String member, long score) {

  /** The members of a {@code WITHSCORES} reply: RESP3 answers pairs, RESP2 a flat list. */
  public static List<Scored> parse(Response reply) {
    List<Scored> out = new ArrayList<>();
    if (reply == null) {
      return out;
    }
    for (int i = 0; i < reply.size(); i++) {
      Response e = reply.get(i);
      if (e.type() == ResponseType.MULTI) {
        out.add(new Scored(e.get(0).toString(), e.get(1).toDouble().longValue()));
      } else {
        out.add(new Scored(e.toString(), reply.get(++i).toDouble().longValue()));
      }
    }
    return out;
  }
}
