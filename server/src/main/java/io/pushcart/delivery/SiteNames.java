package io.pushcart.delivery;

import io.pushcart.redis.Keys;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/** A site's name, as templates read it ({@code {{ site.name }}}): read once per personalized unit. */
final class SiteNames {
  private final Redis redis;

  SiteNames(Redis redis) {
    this.redis = redis;
  }

  Future<String> of(String siteId) {
    return redis.send(read(siteId)).map(SiteNames::name);
  }

  /** The read, for callers that pipeline it with others. */
  static Request read(String siteId) {
    return Request.cmd(Command.HGET).arg(Keys.site(siteId, Keys.Part.RECORD)).arg("name");
  }

  /** The name in the read's reply ('' when the site has none). */
  static String name(Response reply) {
    return reply == null ? "" : reply.toString();
  }
}
