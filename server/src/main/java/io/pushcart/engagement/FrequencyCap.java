package io.pushcart.engagement;

import io.pushcart.common.ClientError;
import io.pushcart.common.JsonFields;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.format.DateTimeParseException;

/**
 * At most {@code max} messages to one subscription in any rolling window of length {@code per}
 * (MARKETING.md §6, {@code frequencyCap: [{max, per}]}). {@code perText} is the duration as the
 * site's owner wrote it ({@code P1D}), shown back as given.
 */
public record FrequencyCap(int max, Duration per, String perText) {
  static final int MAX_MESSAGES = 100;
  static final Duration MIN_WINDOW = Duration.ofMinutes(1);
  static final Duration MAX_WINDOW = Duration.ofDays(30);

  static FrequencyCap parse(JsonObject json, String path) {
    JsonFields f = JsonFields.at(json, path + ".");
    for (String key : json.fieldNames()) {
      if (!key.equals("max") && !key.equals("per")) {
        throw ClientError.invalid(f.path(key), "a frequency cap is {\"max\": 3, \"per\": \"P1D\"}; unknown field " + key);
      }
    }
    int max = f.optionalLong("max", 1, MAX_MESSAGES)
        .orElseThrow(() -> ClientError.invalid(f.path("max"), f.path("max") + " is required: the most messages per window"))
        .intValue();
    String text = f.requiredString("per", 32);
    Duration per;
    try {
      per = Duration.parse(text);
    } catch (DateTimeParseException e) {
      throw ClientError.invalid(f.path("per"), f.path("per") + " must be an ISO 8601 duration such as P1D or PT6H; not " + text);
    }
    if (per.compareTo(MIN_WINDOW) < 0 || per.compareTo(MAX_WINDOW) > 0) {
      throw ClientError.invalid(f.path("per"), f.path("per") + " must be from PT1M to P30D; not " + text);
    }
    return new FrequencyCap(max, per, text);
  }

  JsonObject toJson() {
    return new JsonObject().put("max", max).put("per", perText);
  }

  static FrequencyCap fromJson(JsonObject json) {
    return new FrequencyCap(json.getInteger("max"), Duration.parse(json.getString("per")), json.getString("per"));
  }
}
