package io.pushcart.support;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The operations of the API as {@code docs/openapi.yaml} lists them (read from the class path,
 * where the build packs it for the server to serve): a route added to the document is a route
 * the tests that walk this list cover.
 */
public final class OpenApiRoutes {
  private OpenApiRoutes() {
  }

  /**
   * One operation: method, path template ({@code /v1/sites/{site}}), whether it takes only a
   * secret (no browser or anonymous form), and its example JSON body (null when it has none).
   */
  public record Operation(String method, String path, boolean secretOnly, JsonObject example) {
    /** The names of the path's parameters, in order. */
    public List<String> parameters() {
      List<String> names = new ArrayList<>();
      for (int open = path.indexOf('{'); open >= 0; open = path.indexOf('{', open + 1)) {
        names.add(path.substring(open + 1, path.indexOf('}', open)));
      }
      return names;
    }

    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  public static List<Operation> load() {
    try (InputStream in = OpenApiRoutes.class.getClassLoader().getResourceAsStream("openapi.yaml")) {
      if (in == null) {
        throw new IllegalStateException("openapi.yaml is not on the class path");
      }
      Map<String, Object> document = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
      List<Operation> operations = new ArrayList<>();
      map(document.get("paths")).forEach((path, item) -> map(item).forEach((method, operation) -> {
        if (!method.equals("parameters")) {
          Map<String, Object> op = map(operation);
          operations.add(new Operation(method.toUpperCase(Locale.ROOT), path, secretOnly(op), example(op)));
        }
      }));
      return operations;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Security requirements that are all non-empty: no "or anonymous" ({@code {}}) among them. */
  private static boolean secretOnly(Map<String, Object> operation) {
    Object security = operation.get("security");
    return security instanceof List<?> list && !list.isEmpty() && list.stream().noneMatch(r -> map(r).isEmpty());
  }

  private static JsonObject example(Map<String, Object> operation) {
    Map<String, Object> body = map(operation.get("requestBody"));
    Map<String, Object> json = map(map(body.get("content")).get("application/json"));
    Object example = json.get("example");
    if (example == null && json.get("examples") instanceof Map<?, ?> examples && !examples.isEmpty()) {
      example = map(examples.values().iterator().next()).get("value");
    }
    return example instanceof Map<?, ?> ? (JsonObject) plain(example) : null;
  }

  /** YAML's values as JSON's: timestamps back to the ISO text they were written as. */
  private static Object plain(Object value) {
    if (value instanceof Map<?, ?> m) {
      JsonObject object = new JsonObject();
      m.forEach((k, v) -> object.put(String.valueOf(k), plain(v)));
      return object;
    }
    if (value instanceof List<?> l) {
      JsonArray array = new JsonArray();
      l.forEach(v -> array.add(plain(v)));
      return array;
    }
    if (value instanceof Date d) {
      return d.toInstant().toString();
    }
    return value;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }
}
