package io.pushcart.campaign;

import io.pushcart.common.ClientError;
import io.pushcart.common.JsonFields;
import io.pushcart.common.TimeZones;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a campaign goes out and when it stops: now, at {@code sendAt}, or at {@code localTime} in
 * each subscriber's own time zone; never at or after {@code expiresAt}.
 *
 * @param localTime the wall-clock time, and the day when one was given (otherwise each zone's
 *                  next occurrence of that time)
 */
public record Timing(Optional<Instant> sendAt, Optional<LocalTime> localTime, Optional<LocalDate> localDate,
                     Optional<Instant> expiresAt) {
  /** A sendAt this close behind the clock means "now" (clocks differ); further back is a mistake. */
  static final Duration PAST_TOLERANCE = Duration.ofSeconds(60);
  /** How far ahead a campaign may be planned: further is a typo (a year, not a date), and TTLs end sooner anyway. */
  static final Duration MAX_AHEAD = Duration.ofDays(366);
  private static final Pattern LOCAL = Pattern.compile("(?:(\\d{4}-\\d{2}-\\d{2})T)?([01]\\d|2[0-3]):([0-5]\\d)");

  static Timing parse(JsonFields f, Instant now) {
    Optional<Instant> sendAt = f.optionalString("sendAt", 64).map(v -> instant(v, "sendAt"));
    Optional<String> local = f.optionalString("localTime", 32);
    if (sendAt.isPresent() && local.isPresent()) {
      throw ClientError.invalid("localTime", "give sendAt (one instant for everyone) or localTime (a wall-clock time "
          + "in each subscriber's zone), not both");
    }
    if (sendAt.isPresent() && sendAt.get().isBefore(now.minus(PAST_TOLERANCE))) {
      throw ClientError.invalid("sendAt", "sendAt " + sendAt.get() + " is in the past (now " + now
          + "); leave sendAt out to send now");
    }
    Optional<LocalTime> time = Optional.empty();
    Optional<LocalDate> date = Optional.empty();
    if (local.isPresent()) {
      Matcher m = LOCAL.matcher(local.get());
      if (!m.matches()) {
        throw ClientError.invalid("localTime", "localTime must be a 24-hour time HH:MM from 00:00 to 23:59, "
            + "optionally after a date (2026-11-24T10:00), not \"" + local.get() + "\"");
      }
      time = Optional.of(LocalTime.of(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))));
      if (m.group(1) != null) {
        try {
          date = Optional.of(LocalDate.parse(m.group(1)));
        } catch (DateTimeParseException e) {
          throw ClientError.invalid("localTime", "localTime has no such date: " + m.group(1));
        }
      }
    }
    Optional<Instant> expiresAt = f.optionalString("expiresAt", 64).map(v -> instant(v, "expiresAt"));
    notTooFar(sendAt, "sendAt", now);
    notTooFar(expiresAt, "expiresAt", now);
    notTooFar(date.map(d -> d.atStartOfDay(ZoneOffset.UTC).toInstant()), "localTime", now);
    return new Timing(sendAt, time, date, expiresAt);
  }

  /** Whether the campaign waits for its time (false: it sends as soon as it is created). */
  public boolean scheduled(Instant now) {
    return localTime.isPresent() || sendAt.filter(at -> at.isAfter(now)).isPresent();
  }

  /**
   * The campaign's waves, earliest first, planned at {@code now}. A local-time campaign gets one
   * wave per distinct instant over every zone the JDK knows (about 600 zones fall into about 40
   * instants), so that subscribers who join a zone after planning are still reached.
   */
  List<Wave> waves(ZoneId siteZone, Instant now) {
    if (localTime.isEmpty()) {
      Instant at = sendAt.filter(t -> t.isAfter(now)).orElse(now);
      return checkExpiry(List.of(new Wave(at, List.of(), false)), now);
    }
    Map<Instant, List<String>> byInstant = new TreeMap<>();
    List<String> late = new ArrayList<>();
    List<String> zones = new ArrayList<>(TimeZones.KNOWN);
    zones.add("");
    zones.sort(null);
    for (String zone : zones) {
      Instant at = localInstant(zone.isEmpty() ? siteZone : ZoneId.of(zone), now);
      if (at.isBefore(now.minus(PAST_TOLERANCE))) {
        late.add(zone);
      } else {
        byInstant.computeIfAbsent(at.isBefore(now) ? now : at, k -> new ArrayList<>()).add(zone);
      }
    }
    if (byInstant.isEmpty()) {
      throw ClientError.invalid("localTime", "localTime " + localDate.get() + "T" + localTime.get()
          + " has already passed in every time zone");
    }
    List<Wave> waves = new ArrayList<>();
    if (!late.isEmpty()) {
      waves.add(new Wave(now, List.copyOf(late), true));
    }
    byInstant.forEach((at, inZone) -> waves.add(new Wave(at, List.copyOf(inZone), false)));
    return checkExpiry(waves, now);
  }

  /** When {@code localTime} comes in {@code zone}: on the given day, or next after {@code now}. */
  private Instant localInstant(ZoneId zone, Instant now) {
    LocalTime time = localTime.orElseThrow();
    if (localDate.isPresent()) {
      return ZonedDateTime.of(localDate.get(), time, zone).toInstant();
    }
    LocalDate today = LocalDate.ofInstant(now, zone);
    Instant at = ZonedDateTime.of(today, time, zone).toInstant();
    return at.isBefore(now) ? ZonedDateTime.of(today.plusDays(1), time, zone).toInstant() : at;
  }

  /** expiresAt must leave time to send: after the first wave (sendAt, or now). */
  private List<Wave> checkExpiry(List<Wave> waves, Instant now) {
    Instant first = waves.stream().filter(w -> !w.late()).findFirst().map(Wave::at).orElse(now);
    if (expiresAt.isPresent() && !expiresAt.get().isAfter(first)) {
      throw ClientError.invalid("expiresAt", "expiresAt " + expiresAt.get() + " must be after "
          + (sendAt.isPresent() ? "sendAt " + first : localTime.isPresent() ? "the first zone's localTime, " + first : "now, " + now));
    }
    return waves;
  }

  /** The fields as the API shows them. */
  void putJson(JsonObject json) {
    sendAt.ifPresent(t -> json.put("sendAt", t.toString()));
    localTime.ifPresent(t -> json.put("localTime", localDate.map(d -> d + "T").orElse("") + t));
    expiresAt.ifPresent(t -> json.put("expiresAt", t.toString()));
  }

  private static void notTooFar(Optional<Instant> at, String field, Instant now) {
    if (at.isPresent() && at.get().isAfter(now.plus(MAX_AHEAD))) {
      throw ClientError.invalid(field, field + " is more than " + MAX_AHEAD.toDays() + " days ahead: " + at.get());
    }
  }

  private static Instant instant(String value, String field) {
    try {
      return OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      throw ClientError.invalid(field, field + " must be an RFC 3339 timestamp with an offset, such as "
          + "2026-11-24T09:00:00+01:00 or 2026-11-24T08:00:00Z, not \"" + value + "\"");
    }
  }
}
