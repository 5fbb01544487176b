package io.pushcart.segment;

import io.pushcart.redis.Keys;
import java.util.ArrayList;
import java.util.List;

/**
 * The names of a site's audience bitmaps (docs/redis-keys.md), as lib.lua's memberships() sets
 * them: {@code all}; {@code tag:<tag>}; {@code <field>:<value>} and {@code has:<field>} for
 * browser, os, deviceType and country; {@code zone:<zone>} ({@code zone:} for none); and for
 * each time field {@code has:<field>} and {@code t:<field>:<i>}, bit i of the hour since 1970.
 */
public final class Bitmaps {
  /** Bits of the hour index of time fields: up to 2^20 hours after 1970 (year 2089). */
  public static final int TIME_BITS = 20;
  public static final long MAX_HOUR = (1L << TIME_BITS) - 1;

  private Bitmaps() {
  }

  public static String all(String site) {
    return Keys.bitmap(site, "all");
  }

  public static String tag(String site, String tag) {
    return Keys.bitmap(site, "tag:" + tag);
  }

  public static String value(String site, String field, String value) {
    return Keys.bitmap(site, field + ":" + value);
  }

  public static String has(String site, String field) {
    return Keys.bitmap(site, "has:" + field);
  }

  public static String zone(String site, String zone) {
    return Keys.bitmap(site, "zone:" + zone);
  }

  /** {@code has:<field>} then the slices of bit 0 to bit 19 of a time field. */
  public static List<String> time(String site, String field) {
    List<String> keys = new ArrayList<>(TIME_BITS + 1);
    keys.add(has(site, field));
    for (int i = 0; i < TIME_BITS; i++) {
      keys.add(Keys.bitmap(site, "t:" + field + ":" + i));
    }
    return keys;
  }
}
