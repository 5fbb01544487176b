package io.pushcart.automation;

import io.pushcart.automation.AutomationRuns.Event;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The catalogue's triggers (MARKETING.md §4): {@code price_drop} and {@code back_in_stock}. What
 * shoppers viewed and bought is noted as their events are recorded ({@link ProductWatch}); a
 * {@code product.updated} then starts the runs of the viewers it concerns.
 */
public final class ProductAlerts {
  /**
   * A restock is announced again to its viewers when the store repeats its update within this
   * time (a retry after a lost answer): each viewer's run key holds the restock's number, so
   * nobody hears of it twice.
   */
  static final Duration RESTOCK_REPEAT = Duration.ofMinutes(10);

  private final AutomationCache cache;
  private final RunStore runs;
  private final ProductWatch products;
  private final Clock clock;

  ProductAlerts(AutomationCache cache, RunStore runs, ProductWatch products, Clock clock) {
    this.cache = cache;
    this.runs = runs;
    this.products = products;
    this.clock = clock;
  }

  /**
   * A catalogue change, before it is recorded (so that a retry of a lost answer does it again,
   * idempotently): the viewers of the variant hear of a price below the one they saw (once per
   * price level) and of its return to stock if they saw it out of stock (once per return), unless
   * they bought it.
   */
  public Future<Void> productUpdated(String site, Event e) {
    long now = clock.millis();
    return products.updated(site, e.data(), now).compose(stock -> cache.enabled(site).compose(all -> {
      List<Automation> drops = all.stream().filter(a -> a.trigger() == Trigger.PRICE_DROP).toList();
      boolean restocked = stock.inStock() && stock.restocks() > 0 && now - stock.restockedAtMillis() <= RESTOCK_REPEAT.toMillis();
      List<Automation> restocks = restocked ? all.stream().filter(a -> a.trigger() == Trigger.BACK_IN_STOCK).toList() : List.of();
      Object price = e.data().getValue("price");
      if (restocks.isEmpty() && (drops.isEmpty() || !(price instanceof Number))) {
        return Future.succeededFuture();
      }
      return announce(site, e, drops, restocks, stock.restocks(), price instanceof Number n ? n.doubleValue() : Double.NaN, now, 0);
    }));
  }

  private Future<Void> announce(String site, Event e, List<Automation> drops, List<Automation> restocks, long restock, double price,
                                long now, int offset) {
    String product = e.data().getString("productId") + ":" + e.data().getString("variantId", "");
    return products.viewers(site, e.data(), now, offset).compose(page -> {
      List<Future<String>> entries = new ArrayList<>();
      for (ProductWatch.Viewer v : page.viewers()) {
        List<String> subs = List.of(v.subscriptionId());
        for (Automation a : drops) {
          if (v.priceSeen().isPresent() && price < v.priceSeen().get()) {
            JsonObject data = e.data().copy().put("previousPrice", v.priceSeen().get());
            entries.add(runs.enter(site, new RunStore.Entry(a, "price:" + v.subscriptionId() + ":" + product + ":" + price, subs,
                Optional.empty(), Optional.empty(), data, e.occurredAt().toEpochMilli(), false), now));
          }
        }
        for (Automation a : restocks) {
          if (v.sawOutOfStock()) {
            entries.add(runs.enter(site, new RunStore.Entry(a, "stock:" + v.subscriptionId() + ":" + product + ":" + restock, subs,
                Optional.empty(), Optional.empty(), e.data(), e.occurredAt().toEpochMilli(), false), now));
          }
        }
      }
      return Future.all(entries).compose(v -> page.read() < ProductWatch.PAGE ? Future.succeededFuture()
          : announce(site, e, drops, restocks, restock, price, now, offset + page.read()));
    });
  }

  /**
   * What a recorded event notes for the price-drop and back-in-stock triggers: product views and
   * purchases. (A repeated event id notes nothing: it is not recorded again.)
   */
  public Future<Void> recorded(String site, Event e) {
    return switch (e.type()) {
      case "product.viewed" -> products.viewed(site, e.subscriptions(), e.data(), e.occurredAt().toEpochMilli());
      case "order.completed" -> products.bought(site, e.subscriptions(), e.data().getJsonArray("items"));
      default -> Future.succeededFuture();
    };
  }
}
