package io.pushcart.config;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads typed values from environment variables; each error names the variable it came from. */
final class EnvReader {
  private final Map<String, String> env;

  EnvReader(Map<String, String> env) {
    this.env = env;
  }

  Optional<String> optional(String name) {
    return Optional.ofNullable(env.get(name)).map(String::trim).filter(v -> !v.isEmpty());
  }

  String string(String name, String fallback) {
    return optional(name).orElse(fallback);
  }

  int integer(String name, int fallback, int min, int max) {
    Optional<String> value = optional(name);
    if (value.isEmpty()) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(value.get());
      if (n < min || n > max) {
        throw new ConfigException(name + ": " + n + " is outside " + min + ".." + max);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new ConfigException(name + ": '" + value.get() + "' is not a whole number");
    }
  }

  boolean bool(String name, boolean fallback) {
    Optional<String> value = optional(name).map(String::toLowerCase);
    if (value.isEmpty()) {
      return fallback;
    }
    return switch (value.get()) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default -> throw new ConfigException(name + ": '" + value.get() + "' is not true or false");
    };
  }

  List<String> list(String name) {
    return optional(name).map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
        .orElse(List.of());
  }
}
