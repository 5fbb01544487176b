package io.pushcart.segment;

import io.pushcart.redis.Keys;
import java.util.ArrayList;
import java.util.List;

/**
 * The names of a site's audience bitmaps (docs/redis-keys.md), as lib.lua's memberships() sets
 * them: {@code all}; {@code tag:<tag>}; {@code <field>:<value>} and {@code has:<field>} for
 * browser, os, deviceType and country; {@code zone:<zone>} ({@code zone:} for none); and for
 * each time field {@code has:<field>} and {@code t:<field>:<i>}, bit i of the hour since 1970;
 * for orderCount {@code has:orderCount} and {@code n:orderCount:<i>}, bit i of its bucket;
 * for an indexed custom attribute k: {@code has:a:<k>} (any value), {@code has:a:n:<k>} and
 * {@code a:n:<k>:<i>} (a number: bit i of its bucket), {@code a:b:<k>=true|false}, and
 * {@code has:a:s:<k>} and {@code a:s:<k>=<value>} (a string, for its first 32 values).
 */
public final class Bitmaps {
  /** Bits of a number's bucket (NumberBuckets). */
  public static final int NUMBER_BITS = 24;
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

  /** {@code has:<field>} then the slices of bit 0 to bit 23 of the bucket of a built-in number field (orderCount). */
  public static List<String> builtinNumber(String site, String field) {
    return sliced(site, "has:" + field, "n:" + field + ":", NUMBER_BITS);
  }

  /** {@code has:a:<k>}: the subscribers with a value of any type for attribute {@code key}. */
  public static String attributeHas(String site, String key) {
    return Keys.bitmap(site, "has:a:" + key);
  }

  /** {@code has:a:n:<k>} then the slices of bit 0 to bit 23 of the bucket of numeric attribute {@code key}. */
  public static List<String> number(String site, String key) {
    return sliced(site, "has:a:n:" + key, "a:n:" + key + ":", NUMBER_BITS);
  }

  public static String booleanValue(String site, String key, boolean value) {
    return Keys.bitmap(site, "a:b:" + key + "=" + value);
  }

  public static String stringHas(String site, String key) {
    return Keys.bitmap(site, "has:a:s:" + key);
  }

  public static String stringValue(String site, String key, String value) {
    return Keys.bitmap(site, "a:s:" + key + "=" + value);
  }

  /** The keys a write of attribute {@code key} = {@code value} most likely touches (a guess for DeclaredKeys). */
  public static List<String> attribute(String site, String key, Object value) {
    List<String> keys = new ArrayList<>(List.of(attributeHas(site, key)));
    if (value instanceof Number) {
      keys.addAll(number(site, key));
    } else if (value instanceof Boolean b) {
      keys.add(booleanValue(site, key, b));
    } else if (value instanceof String s) {
      keys.addAll(List.of(stringHas(site, key), stringValue(site, key, s), Keys.attributeValues(site, key)));
    }
    return keys;
  }

  /** {@code has:<field>} then the slices of bit 0 to bit 19 of a time field. */
  public static List<String> time(String site, String field) {
    return sliced(site, "has:" + field, "t:" + field + ":", TIME_BITS);
  }

  /** A bit-sliced index: its presence bitmap, then the slices of bit 0 to bit {@code bits - 1}. */
  private static List<String> sliced(String site, String has, String slicePrefix, int bits) {
    List<String> keys = new ArrayList<>(bits + 1);
    keys.add(Keys.bitmap(site, has));
    for (int i = 0; i < bits; i++) {
      keys.add(Keys.bitmap(site, slicePrefix + i));
    }
    return keys;
  }
}
