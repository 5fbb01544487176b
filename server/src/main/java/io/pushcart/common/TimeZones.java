package io.pushcart.common;

import java.time.ZoneId;
import java.util.Set;

/** IANA time zones, as subscribers' {@code timezone} attribute and sites' {@code timezone} name them. */
public final class TimeZones {
  /** The region ids of the JDK's tz database: Europe/Berlin, America/New_York, UTC, ... */
  public static final Set<String> KNOWN = Set.copyOf(ZoneId.getAvailableZoneIds());

  private TimeZones() {
  }

  /**
   * The zone named by {@code value}, which must be an IANA name: offsets such as "+02:00" are
   * refused, since they do not follow daylight saving time and 10:00 there drifts by an hour.
   */
  public static ZoneId check(Object value, String field) {
    if (value instanceof String name && KNOWN.contains(name)) {
      return ZoneId.of(name);
    }
    throw ClientError.invalid(field, field + " must be an IANA time zone such as Europe/Berlin or America/New_York, not "
        + (value instanceof String ? "\"" + value + "\"" : String.valueOf(value)));
  }
}
