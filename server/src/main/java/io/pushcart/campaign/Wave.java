package io.pushcart.campaign;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * One fan-out of a campaign, due at {@code at}. A campaign sent now or at {@code sendAt} has one
 * wave, which scans the audience's driver sets ({@link AudiencePlan}). A local-time campaign has a
 * wave per distinct instant at which its wall-clock time comes in some time zone; each scans the
 * sets of its {@code zones} ("" stands for the subscribers without a zone, placed in the site's).
 * A {@code late} wave's time had already passed when the campaign was created: its subscribers
 * are counted as lapsed, never sent to.
 */
public record Wave(Instant at, List<String> zones, boolean late, boolean rest) {
  Wave(Instant at, List<String> zones, boolean late) {
    this(at, zones, late, false);
  }

  public boolean local() {
    return !zones.isEmpty();
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject().put("at", at.toEpochMilli());
    if (!zones.isEmpty()) {
      json.put("zones", new JsonArray(zones));
    }
    if (rest) {
      json.put("rest", true);
    }
    return late ? json.put("late", true) : json;
  }

  static Wave fromJson(JsonObject json) {
    JsonArray zones = json.getJsonArray("zones", new JsonArray());
    return new Wave(Instant.ofEpochMilli(json.getLong("at")), zones.stream().map(String::valueOf).toList(),
        json.getBoolean("late", false), json.getBoolean("rest", false));
  }

  static String encode(List<Wave> waves) {
    return new JsonArray(waves.stream().map(Wave::toJson).toList()).encode();
  }

  /** Empty for null: a campaign stored before waves existed has its one wave implied. */
  static List<Wave> decode(String json) {
    if (json == null) {
      return List.of();
    }
    return new JsonArray(json).stream().map(o -> fromJson((JsonObject) o)).toList();
  }
}
