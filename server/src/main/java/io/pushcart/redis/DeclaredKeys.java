package io.pushcart.redis;

import io.pushcart.common.Unavailable;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs a script whose written keys depend on what is stored (a subscription's bitmaps follow its
 * stored values), while declaring every key it writes, as Redis Cluster requires: the caller
 * guesses them, and a script that needs one it was not given writes nothing and replies
 * {@code [-2, key, ...]}; it is then run again with those added.
 */
public final class DeclaredKeys {
  private static final int MAX_TRIES = 5;

  private DeclaredKeys() {
  }

  public static Future<Response> run(Redis redis, LuaScript script, List<String> keys, Collection<String> guessed,
                                     List<String> args) {
    return run(redis, script, keys, new LinkedHashSet<>(guessed), args, 1);
  }

  private static Future<Response> run(Redis redis, LuaScript script, List<String> keys, Set<String> guessed,
                                      List<String> args, int attempt) {
    List<String> all = new ArrayList<>(keys);
    all.addAll(guessed);
    return script.run(redis, all, args).compose(reply -> {
      if (reply == null || reply.type() != ResponseType.MULTI || reply.size() == 0 || reply.get(0).toLong() != -2) {
        return Future.succeededFuture(reply);
      }
      if (attempt >= MAX_TRIES) {
        return Future.failedFuture(new Unavailable("the subscription kept changing while it was being written", null));
      }
      for (int i = 1; i < reply.size(); i++) {
        guessed.add(reply.get(i).toString());
      }
      return run(redis, script, keys, guessed, args, attempt + 1);
    });
  }
}
