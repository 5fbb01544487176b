package io.pushcart.common;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Typed reads of a request body's fields. Each failure is a {@link ClientError} naming the field
 * by its JSON path, so the client learns exactly what to fix.
 */
public final class JsonFields {
  private final JsonObject json;
  private final String path;

  private JsonFields(JsonObject json, String path) {
    this.json = json;
    this.path = path;
  }

  public static JsonFields of(JsonObject json) {
    return new JsonFields(json, "");
  }

  /** Fields of an object nested in the request at {@code path} (ending in a dot, as in "audience."). */
  public static JsonFields at(JsonObject json, String path) {
    return new JsonFields(json, path);
  }

  public String path(String name) {
    return path + name;
  }

  public boolean has(String name) {
    return json.containsKey(name) && json.getValue(name) != null;
  }

  public String requiredString(String name, int maxLength) {
    return optionalString(name, maxLength)
        .orElseThrow(() -> ClientError.invalid(path(name), path(name) + " is required"));
  }

  public Optional<String> optionalString(String name, int maxLength) {
    Object value = json.getValue(name);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof String s)) {
      throw ClientError.invalid(path(name), path(name) + " must be a string");
    }
    if (s.isBlank()) {
      throw ClientError.invalid(path(name), path(name) + " must not be empty");
    }
    if (s.length() > maxLength) {
      throw ClientError.invalid(path(name), path(name) + " is longer than " + maxLength + " characters");
    }
    return Optional.of(s);
  }

  public Optional<Long> optionalLong(String name, long min, long max) {
    Object value = json.getValue(name);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw ClientError.invalid(path(name), path(name) + " must be a whole number");
    }
    long v = n.longValue();
    if (v < min || v > max) {
      throw ClientError.invalid(path(name), path(name) + " must be between " + min + " and " + max);
    }
    return Optional.of(v);
  }

  public Optional<Boolean> optionalBoolean(String name) {
    Object value = json.getValue(name);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof Boolean b)) {
      throw ClientError.invalid(path(name), path(name) + " must be true or false");
    }
    return Optional.of(b);
  }

  public Optional<JsonFields> optionalObject(String name) {
    Object value = json.getValue(name);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof JsonObject o)) {
      throw ClientError.invalid(path(name), path(name) + " must be an object");
    }
    return Optional.of(new JsonFields(o, path(name) + "."));
  }

  public JsonFields requiredObject(String name) {
    return optionalObject(name).orElseThrow(() -> ClientError.invalid(path(name), path(name) + " is required"));
  }

  /** A list of strings, each checked by {@code maxLength}; absent is an empty list. */
  public List<String> stringList(String name, int maxItems, int maxLength) {
    Object value = json.getValue(name);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray array)) {
      throw ClientError.invalid(path(name), path(name) + " must be an array of strings");
    }
    if (array.size() > maxItems) {
      throw ClientError.invalid(path(name), path(name) + " has more than " + maxItems + " items");
    }
    List<String> out = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      String itemPath = path(name) + "[" + i + "]";
      if (!(array.getValue(i) instanceof String s) || s.isBlank()) {
        throw ClientError.invalid(itemPath, itemPath + " must be a non-empty string");
      }
      if (s.length() > maxLength) {
        throw ClientError.invalid(itemPath, itemPath + " is longer than " + maxLength + " characters");
      }
      out.add(s);
    }
    return out;
  }

  public Optional<JsonArray> optionalArray(String name) {
    Object value = json.getValue(name);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof JsonArray array)) {
      throw ClientError.invalid(path(name), path(name) + " must be an array");
    }
    return Optional.of(array);
  }

  public JsonObject json() {
    return json;
  }
}
