package io.pushcart.engagement;

import io.pushcart.redis.Keys;
import io.pushcart.redis.LuaScript;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.Currency;
import java.util.List;
import java.util.Optional;

/**
 * Conversions and revenue (MARKETING.md §6, docs/engagement.md): an {@code order.completed} is
 * attributed once per {@code orderId} to the notification its customer or subscription clicked
 * last within the site's {@code attributionWindow} before the order — that campaign (and
 * variant), automation step or transactional push gets one conversion and the order's total in
 * its currency — and an {@code order.refunded} subtracts, never below zero. Revenue is kept in
 * minor units of the currency (cents), so sums are exact.
 */
public final class Attribution {
  private static final LuaScript ATTRIBUTE = LuaScript.load("attribute_order");
  private static final LuaScript REFUND = LuaScript.load("refund_order");
  /** How long an order's attribution is kept for its refunds: past a year, a refund no longer changes the stats. */
  static final Duration KEEP = Duration.ofDays(400);

  private final Redis redis;

  public Attribution(Redis redis) {
    this.redis = redis;
  }

  /** A click as record_receipt.lua keeps it in a subscription's {@code lastClick}. */
  record Click(Instant at, String counters, String prefix, String variant, String source) {
    static Optional<Click> parse(String stored) {
      if (stored == null || stored.isEmpty()) {
        return Optional.empty();
      }
      String[] parts = stored.split("\\|", -1);
      return parts.length == 5 ? Optional.of(new Click(Instant.parse(parts[0]), parts[1], parts[2], parts[3], parts[4]))
          : Optional.empty();
    }
  }

  /**
   * Attributes an order to the last click in {@code (occurredAt - window, occurredAt]} among
   * {@code clicks}: its subscriptions' (the customer's, or the one that ordered) 'lastClick', as
   * recording the order read them ('' for none). Completes with true when it was attributed now;
   * false when no click qualifies or the order was attributed before.
   */
  public Future<Boolean> orderCompleted(String siteId, java.time.ZoneId zone, List<String> clicks, JsonObject order,
                                        Instant occurredAt, Duration window, Instant now) {
    String orderId = order.getString("orderId");
    Click last = null;
    for (String stored : clicks) {
      Click c = Click.parse(stored).orElse(null);
      if (c != null && !c.at().isAfter(occurredAt) && c.at().isAfter(occurredAt.minus(window))
          && (last == null || c.at().isAfter(last.at()))) {
        last = c;
      }
    }
    if (last == null || orderId == null) {
      return Future.succeededFuture(false);
    }
    Optional<String> currency = Optional.ofNullable(order.getString("currency"));
    long revenue = currency.isPresent() && order.getValue("total") instanceof Number total ? minorUnits(total, currency.get()) : 0;
    return ATTRIBUTE.run(redis, List.of(Keys.attribution(siteId, orderId), last.counters(), Report.key(siteId, zone, occurredAt)),
            List.of(last.prefix(), last.variant(), String.valueOf(revenue), currency.orElse(""), String.valueOf(KEEP.toSeconds()),
                now.toString(), last.source()))
        .map(r -> r.toInteger() == 1);
  }

  /** Subtracts a refund from its order's attributed revenue: the minor units taken off (0 when none). */
  public Future<Long> orderRefunded(String siteId, java.time.ZoneId zone, JsonObject refund, Instant now) {
    String orderId = refund.getString("orderId");
    String key = Keys.attribution(siteId, orderId);
    return redis.send(Request.cmd(Command.HMGET).arg(key).arg("counters").arg("currency")).compose(v -> {
      if (v.get(0) == null || !(refund.getValue("amount") instanceof Number amount)) {
        return Future.succeededFuture(0L);
      }
      String currency = refund.getString("currency", v.get(1).toString());
      return REFUND.run(redis, List.of(key, v.get(0).toString(), Report.key(siteId, zone, now)),
              List.of(String.valueOf(minorUnits(amount, currency)), currency))
          .map(r -> Math.max(0, r.toLong()));
    });
  }

  /** An amount in minor units of its currency (2 digits for a code the JDK does not know). */
  static long minorUnits(Number amount, String currency) {
    return new BigDecimal(amount.toString()).setScale(digits(currency), RoundingMode.HALF_UP).unscaledValue().longValueExact();
  }

  /** Minor units back to an amount, for the stats. */
  public static BigDecimal amount(long minorUnits, String currency) {
    return BigDecimal.valueOf(minorUnits, digits(currency));
  }

  private static int digits(String currency) {
    try {
      int d = Currency.getInstance(currency).getDefaultFractionDigits();
      return d < 0 ? 2 : d;
    } catch (IllegalArgumentException e) {
      return 2;
    }
  }
}
