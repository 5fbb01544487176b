package io.pushcart.engagement;

import io.pushcart.common.ClientError;
import io.pushcart.common.JsonFields;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A site's rules for how often and when its subscribers hear from it, and how long a click may
 * earn an order (MARKETING.md §6): {@code frequencyCap}, {@code quietHours},
 * {@code attributionWindow}. Stored as the site hash's fields of those names (JSON, JSON, ISO
 * 8601 text), written and read only here.
 */
public record Engagement(List<FrequencyCap> frequencyCap, Optional<QuietHours> quietHours, Duration attributionWindow,
                         String attributionWindowText) {
  public static final List<String> FIELDS = List.of("frequencyCap", "quietHours", "attributionWindow");
  public static final Engagement NONE = new Engagement(List.of(), Optional.empty(), Duration.ofDays(1), "P1D");
  static final int MAX_CAPS = 10;
  static final Duration MAX_ATTRIBUTION = Duration.ofDays(30);

  /** A site's rules with its time zone (where subscribers without a zone of their own are placed). */
  public record OfSite(java.time.ZoneId zone, Engagement rules) {
  }

  /** Whether any cap applies. */
  public boolean capped() {
    return !frequencyCap.isEmpty();
  }

  /**
   * The fields of a {@code PATCH /v1/sites/{site}} body that set these rules applied to
   * {@code current}: a field given replaces it, {@code null} removes it (the attribution window
   * returns to P1D), an absent one stays.
   */
  public static Engagement update(Engagement current, JsonObject body) {
    JsonFields f = JsonFields.of(body);
    List<FrequencyCap> caps = current.frequencyCap;
    if (body.containsKey("frequencyCap")) {
      caps = List.of();
      Optional<JsonArray> list = f.optionalArray("frequencyCap");
      if (list.isPresent()) {
        if (list.get().size() > MAX_CAPS) {
          throw ClientError.invalid("frequencyCap", "frequencyCap takes at most " + MAX_CAPS + " windows");
        }
        List<FrequencyCap> parsed = new ArrayList<>();
        for (int i = 0; i < list.get().size(); i++) {
          String path = "frequencyCap[" + i + "]";
          if (!(list.get().getValue(i) instanceof JsonObject cap)) {
            throw ClientError.invalid(path, path + " must be an object such as {\"max\": 3, \"per\": \"P1D\"}");
          }
          parsed.add(FrequencyCap.parse(cap, path));
        }
        caps = List.copyOf(parsed);
      }
    }
    Optional<QuietHours> quiet = current.quietHours;
    if (body.containsKey("quietHours")) {
      quiet = f.optionalObject("quietHours").map(q -> QuietHours.parse(q.json(), "quietHours"));
    }
    Duration window = current.attributionWindow;
    String windowText = current.attributionWindowText;
    if (body.containsKey("attributionWindow")) {
      Optional<String> text = f.optionalString("attributionWindow", 32);
      window = text.map(Engagement::attributionWindow).orElse(NONE.attributionWindow);
      windowText = text.orElse(NONE.attributionWindowText);
    }
    return new Engagement(caps, quiet, window, windowText);
  }

  private static Duration attributionWindow(String text) {
    try {
      Duration d = Duration.parse(text);
      if (d.compareTo(Duration.ofMinutes(1)) >= 0 && d.compareTo(MAX_ATTRIBUTION) <= 0) {
        return d;
      }
    } catch (DateTimeParseException e) {
      // said below
    }
    throw ClientError.invalid("attributionWindow", "attributionWindow must be an ISO 8601 duration from PT1M to P30D, "
        + "such as P1D or PT12H; not " + text);
  }

  /** The rules as the site shows them. */
  public void putJson(JsonObject json) {
    json.put("frequencyCap", new JsonArray(frequencyCap.stream().map(FrequencyCap::toJson).toList()));
    json.put("quietHours", quietHours.map(QuietHours::toJson).orElse(null));
    json.put("attributionWindow", attributionWindowText);
  }

  /** The site hash's values of {@link #FIELDS}, in that order; null removes a field. */
  public List<String> stored() {
    List<String> values = new ArrayList<>(3);
    values.add(frequencyCap.isEmpty() ? null : new JsonArray(frequencyCap.stream().map(FrequencyCap::toJson).toList()).encode());
    values.add(quietHours.map(q -> q.toJson().encode()).orElse(null));
    values.add(attributionWindowText.equals(NONE.attributionWindowText) ? null : attributionWindowText);
    return values;
  }

  /** From the site hash's values of {@link #FIELDS} (null where absent). */
  public static Engagement fromStored(String caps, String quiet, String window) {
    List<FrequencyCap> list = caps == null ? List.of()
        : new JsonArray(caps).stream().map(o -> FrequencyCap.fromJson((JsonObject) o)).toList();
    return new Engagement(list, Optional.ofNullable(quiet).map(q -> QuietHours.fromJson(new JsonObject(q))),
        window == null ? NONE.attributionWindow : Duration.parse(window), window == null ? NONE.attributionWindowText : window);
  }
}
