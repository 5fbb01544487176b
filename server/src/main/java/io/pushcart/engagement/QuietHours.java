package io.pushcart.engagement;

import io.pushcart.common.ClientError;
import io.pushcart.common.JsonFields;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A daily window of wall-clock time in which no message is sent (MARKETING.md §6): from
 * {@code start} (inclusive) to {@code end} (exclusive), crossing midnight when start is after end.
 * Each day's window is placed with the zone's own rules for that day, so a DST change moves it
 * with the clocks: 22:00–08:00 in New York is 10 hours on most nights, 9 on the night clocks
 * spring forward, 11 when they fall back. A wall-clock time a DST gap skips counts from the
 * first instant after the gap (as {@link ZonedDateTime#of} places it).
 */
public record QuietHours(LocalTime start, LocalTime end) {
  private static final Pattern TIME = Pattern.compile("([01]\\d|2[0-3]):([0-5]\\d)");

  static QuietHours parse(JsonObject json, String path) {
    JsonFields f = JsonFields.at(json, path + ".");
    for (String key : json.fieldNames()) {
      if (!key.equals("start") && !key.equals("end")) {
        throw ClientError.invalid(f.path(key), "quiet hours are {\"start\": \"22:00\", \"end\": \"08:00\"}; unknown field " + key);
      }
    }
    LocalTime start = time(f, "start");
    LocalTime end = time(f, "end");
    if (start.equals(end)) {
      throw ClientError.invalid(f.path("end"), f.path("end") + " must differ from start: a window from " + start
          + " to " + start + " is empty");
    }
    return new QuietHours(start, end);
  }

  private static LocalTime time(JsonFields f, String name) {
    String text = f.requiredString(name, 5);
    Matcher m = TIME.matcher(text);
    if (!m.matches()) {
      throw ClientError.invalid(f.path(name), f.path(name) + " must be a 24-hour time HH:MM such as 22:00; not " + text);
    }
    return LocalTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
  }

  /**
   * When the window that holds {@code now} in {@code zone} ends, or empty when {@code now} is
   * outside every window. Only the windows starting on now's local date and the day before can
   * hold it; each is placed on its own day.
   */
  public Optional<Instant> endOfWindow(ZoneId zone, Instant now) {
    LocalDate today = LocalDate.ofInstant(now, zone);
    for (int d = -1; d <= 0; d++) {
      LocalDate day = today.plusDays(d);
      Instant from = ZonedDateTime.of(day, start, zone).toInstant();
      Instant to = ZonedDateTime.of(start.isBefore(end) ? day : day.plusDays(1), end, zone).toInstant();
      if (!now.isBefore(from) && now.isBefore(to)) {
        return Optional.of(to);
      }
    }
    return Optional.empty();
  }

  JsonObject toJson() {
    return new JsonObject().put("start", start.toString()).put("end", end.toString());
  }

  static QuietHours fromJson(JsonObject json) {
    return new QuietHours(LocalTime.parse(json.getString("start")), LocalTime.parse(json.getString("end")));
  }
}
