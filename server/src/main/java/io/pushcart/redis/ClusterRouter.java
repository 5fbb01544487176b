package io.pushcart.redis;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.RequestImpl;
import io.vertx.redis.client.impl.ZModem;
import io.vertx.redis.client.impl.types.ErrorType;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Redis Cluster for Pushcart: each command goes to the master of its key's slot, over a pooled
 * standalone client of that one node. Every operation of ours touches one slot (keys carry the
 * site's hash tag), so no command needs more than one node, and an unreachable node fails only
 * the commands for its own slots. (Vert.x 5.0.10's cluster client connects to every node for
 * each command: one dead node failed every shard's commands for the seconds of a failover.)
 *
 * <p>The slot map comes from CLUSTER SLOTS, asked of any node that answers. It is read again
 * after a MOVED redirect (a slot migrated or a replica was promoted) and after a node could not
 * be reached (its replica may be taking over), at most every {@link #REFRESH_EVERY_MS}.
 * An ASK redirect (a slot being migrated) sends ASKING and the command on one connection.
 */
public final class ClusterRouter implements Redis {
  private static final int SLOTS = 16_384;
  private static final int REDIRECTS = 3;
  static final long REFRESH_EVERY_MS = 250;

  private final Function<String, Redis> connect;
  private final URI seed;
  private final Set<String> known = ConcurrentHashMap.newKeySet();
  private final Map<String, Redis> nodes = new ConcurrentHashMap<>();
  private volatile String[] masterBySlot;
  private Future<String[]> refreshing;
  private long refreshedAt = Long.MIN_VALUE;

  /**
   * @param seeds   node URLs ({@code redis://[user:pass@]host:port}); any that answers will do
   * @param connect makes a standalone client for one node's URL
   */
  public ClusterRouter(List<String> seeds, Function<String, Redis> connect) {
    this.connect = connect;
    this.seed = URI.create(seeds.get(0));
    seeds.forEach(known::add);
  }

  @Override
  public Future<Response> send(Request request) {
    return send(request, REDIRECTS);
  }

  private Future<Response> send(Request request, int redirects) {
    return slotMap().compose(map -> {
      String node = map[slotOf(request)];
      if (node == null) {
        refreshSoon();
        return Future.failedFuture(new IllegalStateException("no master serves slot " + slotOf(request) + " now"));
      }
      return node(node).send(request).recover(err -> redirected(request, err, redirects));
    });
  }

  @Override
  public Future<List<Response>> batch(List<Request> requests) {
    if (requests.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return slotMap().compose(map -> {
      String node = map[slotOf(requests.get(0))];
      boolean oneNode = node != null && requests.stream().allMatch(r -> node.equals(map[slotOf(r)]));
      if (oneNode) {
        // A redirect inside a batch fails it: then each command finds its own way.
        return node(node).batch(requests).recover(err -> err instanceof ErrorType ? each(requests) : Future.failedFuture(err));
      }
      return each(requests);
    });
  }

  private Future<List<Response>> each(List<Request> requests) {
    List<Future<Response>> replies = new ArrayList<>(requests.size());
    requests.forEach(r -> replies.add(send(r)));
    return Future.all(replies).map(all -> {
      List<Response> out = new ArrayList<>(replies.size());
      replies.forEach(f -> out.add(f.result()));
      return out;
    });
  }

  /** MOVED: the slot has a new master (learn it, and the whole map soon); ASK: this once, ask that node. */
  private Future<Response> redirected(Request request, Throwable err, int redirects) {
    if (err instanceof ErrorType reply && redirects > 0 && (reply.is("MOVED") || reply.is("ASK"))) {
      // "MOVED 3999 127.0.0.1:6381"
      String[] parts = reply.getMessage().split(" ");
      String target = endpoint(parts[2]);
      if (reply.is("MOVED")) {
        String[] map = masterBySlot;
        if (map != null) {
          map[Integer.parseInt(parts[1])] = target;
        }
        refreshSoon();
        return send(request, redirects - 1);
      }
      return node(target).connect().compose(conn -> conn.send(Request.cmd(Command.ASKING))
          .compose(ok -> conn.send(request))
          .eventually(conn::close));
    }
    if (!(err instanceof ErrorType)) {
      refreshSoon(); // unreachable: its replica may be taking its slots over
    }
    return Future.failedFuture(err);
  }

  private static int slotOf(Request request) {
    List<byte[]> keys = ((RequestImpl) request).keys();
    // Commands without a key (PING) may go anywhere: slot 0's master.
    return keys.isEmpty() ? 0 : ZModem.generate(keys.get(0));
  }

  private Redis node(String endpoint) {
    return nodes.computeIfAbsent(endpoint, connect);
  }

  /** {@code host:port} as a URL with the seed's scheme and credentials. */
  private String endpoint(String hostPort) {
    String auth = seed.getRawUserInfo() == null ? "" : seed.getRawUserInfo() + "@";
    String url = seed.getScheme() + "://" + auth + hostPort;
    known.add(url);
    return url;
  }

  private Future<String[]> slotMap() {
    String[] map = masterBySlot;
    return map != null ? Future.succeededFuture(map) : refresh();
  }

  private void refreshSoon() {
    synchronized (this) {
      if (refreshing != null || System.currentTimeMillis() - refreshedAt < REFRESH_EVERY_MS) {
        return;
      }
    }
    refresh();
  }

  /** Reads CLUSTER SLOTS from the first node that answers; concurrent callers share one read. */
  private synchronized Future<String[]> refresh() {
    if (refreshing != null) {
      return refreshing;
    }
    Promise<String[]> done = Promise.promise();
    refreshing = done.future();
    ask(new ArrayList<>(new LinkedHashSet<>(known)), 0, null).onComplete(ar -> {
      synchronized (this) {
        refreshing = null;
        refreshedAt = System.currentTimeMillis();
      }
      if (ar.succeeded()) {
        masterBySlot = ar.result();
        done.complete(ar.result());
      } else {
        done.fail(ar.cause());
      }
    });
    return done.future();
  }

  private Future<String[]> ask(List<String> candidates, int i, Throwable last) {
    if (i >= candidates.size()) {
      return Future.failedFuture(new IllegalStateException("no cluster node answered CLUSTER SLOTS"
          + (last == null ? "" : ": " + last.getMessage()), last));
    }
    return node(candidates.get(i)).send(Request.cmd(Command.CLUSTER).arg("SLOTS"))
        .map(this::parse)
        .recover(err -> ask(candidates, i + 1, err));
  }

  /** CLUSTER SLOTS: {@code [[from, to, [host, port, id], replicas...], ...]}; masters only. */
  private String[] parse(Response slots) {
    String[] map = new String[SLOTS];
    for (Response range : slots) {
      Response master = range.get(2);
      String node = endpoint(master.get(0).toString() + ":" + master.get(1).toInteger());
      for (int slot = range.get(0).toInteger(); slot <= range.get(1).toInteger(); slot++) {
        map[slot] = node;
      }
    }
    return map;
  }

  /** Pushcart sends every command on its own; a connection bound to one node is not offered. */
  @Override
  public Future<RedisConnection> connect() {
    return Future.failedFuture(new UnsupportedOperationException("ClusterRouter routes each command; use send or batch"));
  }

  @Override
  public Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    nodes.values().forEach(n -> closing.add(n.close()));
    return Future.join(closing).mapEmpty();
  }
}
