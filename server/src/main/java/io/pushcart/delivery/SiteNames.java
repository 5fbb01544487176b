package io.pushcart.delivery;

import io.pushcart.redis.Keys;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

/** A site's name, as templates read it ({@code {{ site.name }}}): read once per personalized unit. */
final class SiteNames {
  private final Redis redis;

  SiteNames(Redis redis) {
    this.redis = redis;
  }

  Future<String> of(String siteId) {
    return redis.send(Request.cmd(Command.HGET).arg(Keys.site(siteId, Keys.Part.RECORD)).arg("name"))
        .map(r -> r == null ? "" : r.toString());
  }
}
