package io.pushcart.engagement;

import io.pushcart.campaign.CampaignStats;
import io.pushcart.common.ClientError;
import io.pushcart.redis.Keys;
import io.pushcart.site.Site;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The site's report ({@code GET /v1/sites/{site}/report}, docs/engagement.md): subscribers gained
 * and lost, messages sent (accepted by push services), delivered, clicked, conversions and
 * revenue, per day of the site's time zone and per campaign, automation and transactional
 * pushes. Read from counters kept as messages flow — one hash per site-day, {@code <stat>} and
 * {@code <source>:<stat>}, moved by the recording scripts (lib.lua's {@code report}) and, for
 * gained and lost, by {@link #count} — never from a scan of raw data.
 */
public final class Report {
  /** The counters, in the order the report shows them; revenue is kept as {@code revenue:<currency>} in minor units. */
  public static final List<String> STATS = List.of("gained", "lost", "sent", "delivered", "clicked", "conversions");
  /** The longest range one request reads: a year and a day. */
  static final int MAX_DAYS = 366;
  static final long KEEP_SECONDS = 400L * 24 * 3600;

  private final Redis redis;
  private final java.time.Clock clock;

  public Report(Redis redis, java.time.Clock clock) {
    this.redis = redis;
    this.clock = clock;
  }

  /** The site's report hash for the day {@code at} falls on in {@code zone}. */
  public static String key(String siteId, ZoneId zone, Instant at) {
    return Keys.report(siteId, LocalDate.ofInstant(at, zone));
  }

  /** Counts {@code n} of {@code stat} (gained, lost) for the site on today's date in its zone. */
  public Future<Void> count(Site site, Instant now, String stat, long n) {
    return count(site.id(), site.timezone(), now, stat, n);
  }

  public Future<Void> count(String siteId, ZoneId zone, Instant now, String stat, long n) {
    String key = key(siteId, zone, now);
    return redis.batch(List.of(Request.cmd(Command.HINCRBY).arg(key).arg(stat).arg(n),
        Request.cmd(Command.EXPIRE).arg(key).arg(KEEP_SECONDS))).mapEmpty();
  }

  /** {@code ?from=&to=&interval=}: dates of the site's zone, both included; interval day, week or month. */
  public Future<JsonObject> read(Site site, String fromText, String toText, String intervalText) {
    LocalDate today = LocalDate.ofInstant(clock.instant(), site.timezone());
    LocalDate to = toText == null ? today : date(toText, "to");
    LocalDate from = fromText == null ? to.minusDays(29) : date(fromText, "from");
    if (from.isAfter(to)) {
      throw ClientError.invalid("from", "from " + from + " is after to " + to);
    }
    long days = ChronoUnit.DAYS.between(from, to) + 1;
    if (days > MAX_DAYS) {
      throw ClientError.invalid("to", "a report covers at most " + MAX_DAYS + " days; from " + from + " to " + to + " is " + days);
    }
    String interval = intervalText == null ? "day" : intervalText;
    if (!List.of("day", "week", "month").contains(interval)) {
      throw ClientError.invalid("interval", "interval is day, week or month; not " + interval);
    }
    List<LocalDate> dates = new ArrayList<>();
    List<Request> reads = new ArrayList<>();
    for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
      dates.add(d);
      reads.add(Request.cmd(Command.HGETALL).arg(Keys.report(site.id(), d)));
    }
    return redis.batch(reads).map(replies -> {
      Map<LocalDate, Map<String, Long>> buckets = new TreeMap<>();
      Map<String, Long> totals = new HashMap<>();
      Map<String, Map<String, Long>> bySource = new TreeMap<>();
      for (int i = 0; i < dates.size(); i++) {
        Map<String, Long> bucket = buckets.computeIfAbsent(start(dates.get(i), interval, from), k -> new HashMap<>());
        Response day = replies.get(i);
        if (day == null) {
          continue;
        }
        for (String field : day.getKeys()) {
          long n = day.get(field).toLong();
          int colon = sourceEnd(field);
          if (colon < 0) {
            bucket.merge(field, n, Long::sum);
            totals.merge(field, n, Long::sum);
          } else {
            bySource.computeIfAbsent(field.substring(0, colon), k -> new HashMap<>()).merge(field.substring(colon + 1), n, Long::sum);
          }
        }
      }
      JsonArray intervals = new JsonArray();
      buckets.forEach((start, counters) -> intervals.add(counters(counters).put("start", start.toString())));
      JsonObject campaigns = new JsonObject();
      JsonObject automations = new JsonObject();
      JsonObject notifications = counters(bySource.getOrDefault("t", Map.of()));
      bySource.forEach((source, counters) -> {
        if (source.startsWith("c:")) {
          campaigns.put(source.substring(2), counters(counters));
        } else if (source.startsWith("a:")) {
          automations.put(source.substring(2), counters(counters));
        }
      });
      return new JsonObject().put("timezone", site.timezone().getId()).put("from", from.toString()).put("to", to.toString())
          .put("interval", interval).put("intervals", intervals).put("totals", counters(totals))
          .put("campaigns", campaigns).put("automations", automations).put("notifications", notifications);
    });
  }

  /** Where a field's source ends ('c:<id>:sent' → after the id), or -1 for a site-wide counter ('sent', 'revenue:EUR'). */
  private static int sourceEnd(String field) {
    if (field.startsWith("c:") || field.startsWith("a:")) {
      return field.indexOf(':', 2);
    }
    return field.startsWith("t:") ? 1 : -1;
  }

  /** The counters as shown: every stat (0 when none) and revenue by currency. */
  private static JsonObject counters(Map<String, Long> counters) {
    JsonObject json = new JsonObject();
    STATS.forEach(s -> json.put(s, counters.getOrDefault(s, 0L)));
    return json.put("revenue", CampaignStats.revenue(counters, ""));
  }

  /** The first day of the interval holding {@code day}, not before the report's {@code from}. */
  private static LocalDate start(LocalDate day, String interval, LocalDate from) {
    LocalDate start = switch (interval) {
      case "week" -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
      case "month" -> day.withDayOfMonth(1);
      default -> day;
    };
    return start.isBefore(from) ? from : start;
  }

  private static LocalDate date(String text, String field) {
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw ClientError.invalid(field, field + " must be a date YYYY-MM-DD (a day of the site's time zone); not " + text);
    }
  }
}
