package io.pushcart.engagement;

import io.pushcart.common.JsonFields;
import io.vertx.core.json.JsonObject;

/**
 * Which of the site's engagement rules a message definition (a campaign, an automation, a
 * transactional push) is exempt from: {@code ignoreCap} (sent whatever the frequency caps say,
 * and still counted) and {@code ignoreQuietHours} (sent inside quiet hours too).
 */
public record Exemptions(boolean ignoreCap, boolean ignoreQuietHours) {
  public static final Exemptions NONE = new Exemptions(false, false);

  /** From a definition's fields, each absent one as in {@code defaults}. */
  public static Exemptions parse(JsonFields f, Exemptions defaults) {
    return new Exemptions(f.optionalBoolean("ignoreCap").orElse(defaults.ignoreCap),
        f.optionalBoolean("ignoreQuietHours").orElse(defaults.ignoreQuietHours));
  }

  /** From stored JSON (a definition as {@link #putJson} wrote it). */
  public static Exemptions fromJson(JsonObject json, Exemptions defaults) {
    return new Exemptions(json.getBoolean("ignoreCap", defaults.ignoreCap),
        json.getBoolean("ignoreQuietHours", defaults.ignoreQuietHours));
  }

  /** Puts the fields that differ from {@code defaults}. */
  public JsonObject putJson(JsonObject json, Exemptions defaults) {
    if (ignoreCap != defaults.ignoreCap) {
      json.put("ignoreCap", ignoreCap);
    }
    if (ignoreQuietHours != defaults.ignoreQuietHours) {
      json.put("ignoreQuietHours", ignoreQuietHours);
    }
    return json;
  }
}
