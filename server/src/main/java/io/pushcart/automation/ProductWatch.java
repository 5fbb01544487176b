package io.pushcart.automation;

import io.pushcart.redis.Keys;
import io.pushcart.redis.LuaScript;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What shoppers saw of the catalogue, for the price-drop and back-in-stock triggers: who viewed
 * which product variant at which price and stock (the last 30 days), who bought it, and each
 * variant's stock, so that a {@code product.updated} finds whom it concerns page by page.
 */
final class ProductWatch {
  /** MARKETING.md §4: a price drop is against a price seen within the last 30 days. */
  static final Duration VIEW_WINDOW = Duration.ofDays(30);
  /** How long view records live after the last view: the window, and a day. */
  static final long KEEP_SECONDS = VIEW_WINDOW.plusDays(1).toSeconds();
  static final long BOUGHT_SECONDS = Duration.ofDays(400).toSeconds();
  static final int PAGE = 500;
  private static final LuaScript STATE = LuaScript.load("product_state");

  private final Redis redis;

  ProductWatch(Redis redis) {
    this.redis = redis;
  }

  /** A viewer who may hear of the change: the subscription, and the price and stock it saw. */
  record Viewer(String subscriptionId, Optional<Double> priceSeen, boolean sawOutOfStock) {
  }

  private static String variant(JsonObject data) {
    return data.getString("variantId", "");
  }

  /** {@code product.viewed}: the subscriptions saw this variant at this price and stock, at {@code atMillis}. */
  Future<Void> viewed(String site, List<String> subscriptions, JsonObject data, long atMillis) {
    String product = data.getString("productId");
    String viewers = Keys.productViewers(site, product);
    String seen = Keys.productSeen(site, product);
    List<Request> writes = new ArrayList<>();
    for (String sub : subscriptions) {
      writes.add(Request.cmd(Command.ZADD).arg(viewers).arg(atMillis).arg(sub));
      // What a customer's erase must find: the products this subscription viewed.
      writes.add(Request.cmd(Command.SADD).arg(Keys.viewedBy(site, sub)).arg(product + "|" + variant(data)));
      writes.add(Request.cmd(Command.EXPIRE).arg(Keys.viewedBy(site, sub)).arg(KEEP_SECONDS));
      Object price = data.getValue("price");
      Object inStock = data.getValue("inStock");
      writes.add(Request.cmd(Command.HSET).arg(seen).arg(sub + "|" + variant(data))
          .arg((price == null ? "" : price.toString()) + "|" + (Boolean.FALSE.equals(inStock) ? "0" : "1")));
    }
    writes.add(Request.cmd(Command.ZREMRANGEBYSCORE).arg(viewers).arg("-inf").arg(atMillis - VIEW_WINDOW.toMillis()));
    writes.add(Request.cmd(Command.EXPIRE).arg(viewers).arg(KEEP_SECONDS));
    writes.add(Request.cmd(Command.EXPIRE).arg(seen).arg(KEEP_SECONDS));
    return redis.batch(writes).mapEmpty();
  }

  /** {@code order.completed}: the subscriptions bought these items (a back-in-stock alert is not for them). */
  Future<Void> bought(String site, List<String> subscriptions, JsonArray items) {
    if (items == null || items.isEmpty() || subscriptions.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Request> writes = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      if (items.getValue(i) instanceof JsonObject item && item.getString("productId") != null) {
        String key = Keys.productBuyers(site, item.getString("productId"));
        Request add = Request.cmd(Command.SADD).arg(key);
        subscriptions.forEach(add::arg);
        writes.add(add);
        writes.add(Request.cmd(Command.EXPIRE).arg(key).arg(BOUGHT_SECONDS));
        for (String sub : subscriptions) {
          writes.add(Request.cmd(Command.SADD).arg(Keys.boughtBy(site, sub)).arg(item.getString("productId")));
          writes.add(Request.cmd(Command.EXPIRE).arg(Keys.boughtBy(site, sub)).arg(BOUGHT_SECONDS));
        }
      }
    }
    return writes.isEmpty() ? Future.succeededFuture() : redis.batch(writes).mapEmpty();
  }

  /** Removes what this subscription left here: its views (where it saw what) and purchases. */
  Future<Void> forget(String site, String sub) {
    return redis.batch(List.of(Request.cmd(Command.SMEMBERS).arg(Keys.viewedBy(site, sub)),
        Request.cmd(Command.SMEMBERS).arg(Keys.boughtBy(site, sub)))).compose(r -> {
          List<Request> writes = new ArrayList<>();
          for (Response seen : r.get(0)) {
            String[] pv = seen.toString().split("\\|", 2);
            writes.add(Request.cmd(Command.ZREM).arg(Keys.productViewers(site, pv[0])).arg(sub));
            writes.add(Request.cmd(Command.HDEL).arg(Keys.productSeen(site, pv[0])).arg(sub + "|" + (pv.length > 1 ? pv[1] : "")));
          }
          for (Response product : r.get(1)) {
            writes.add(Request.cmd(Command.SREM).arg(Keys.productBuyers(site, product.toString())).arg(sub));
          }
          writes.add(Request.cmd(Command.DEL).arg(Keys.viewedBy(site, sub)).arg(Keys.boughtBy(site, sub)));
          return redis.batch(writes).mapEmpty();
        });
  }

  /** A variant's stock after an update: the number of its last return to stock (0: none), when, and whether in stock now. */
  record Stock(long restocks, long restockedAtMillis, boolean inStock) {
  }

  /** {@code product.updated}: the variant's new state (product_state.lua). */
  Future<Stock> updated(String site, JsonObject data, long nowMillis) {
    Object inStock = data.getValue("inStock");
    return STATE.run(redis, List.of(Keys.productState(site, data.getString("productId"))), List.of(variant(data),
            data.getValue("price") == null ? "" : data.getValue("price").toString(),
            inStock == null ? "" : Boolean.TRUE.equals(inStock) ? "1" : "0", String.valueOf(nowMillis)))
        .map(r -> new Stock(r.get(0).toLong(), r.get(1).toLong(), r.get(2).toLong() == 1));
  }

  /** One page of viewers: those of the variant who did not buy it, and how many entries were read (below PAGE: the last page). */
  record Page(List<Viewer> viewers, int read) {
  }

  /**
   * The viewers of the product's variant within the window before {@code nowMillis}, one page from
   * {@code offset}, each with what it saw; those who bought the product are left out.
   */
  Future<Page> viewers(String site, JsonObject data, long nowMillis, int offset) {
    String product = data.getString("productId");
    Request page = Request.cmd(Command.ZRANGE).arg(Keys.productViewers(site, product)).arg(nowMillis - VIEW_WINDOW.toMillis())
        .arg("+inf").arg("BYSCORE").arg("LIMIT").arg(offset).arg(PAGE);
    return redis.send(page).compose(ids -> {
      if (ids == null || ids.size() == 0) {
        return Future.succeededFuture(new Page(List.of(), 0));
      }
      List<String> subs = ids.stream().map(Response::toString).toList();
      Request seen = Request.cmd(Command.HMGET).arg(Keys.productSeen(site, product));
      Request bought = Request.cmd(Command.SMISMEMBER).arg(Keys.productBuyers(site, product));
      subs.forEach(s -> {
        seen.arg(s + "|" + variant(data));
        bought.arg(s);
      });
      return redis.batch(List.of(seen, bought)).map(r -> {
        List<Viewer> out = new ArrayList<>();
        for (int i = 0; i < subs.size(); i++) {
          Response what = r.get(0).get(i);
          if (what == null || r.get(1).get(i).toLong() == 1) {
            continue; // saw another variant, or bought it
          }
          String[] parts = what.toString().split("\\|", -1);
          Optional<Double> price = parts[0].isEmpty() ? Optional.empty() : Optional.of(Double.parseDouble(parts[0]));
          out.add(new Viewer(subs.get(i), price, "0".equals(parts[1])));
        }
        return new Page(out, subs.size());
      });
    });
  }
}
