package io.pushcart.personalize;

import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.pushcart.common.ClientError;
import io.pushcart.personalize.MessageTemplate.Rendered;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/** Renders one template string as a notification's body: the shortest way to test a merge field. */
final class Render {
  private Render() {
  }

  /** A cart reminder's data: two items, a total in EUR, a subscriber called Ana. */
  static JsonObject shop() {
    return new JsonObject()
        .put("subscriber", new JsonObject().put("attributes", new JsonObject().put("firstName", "Ana")))
        .put("cart", new JsonObject()
            .put("items", new JsonArray()
                .add(new JsonObject().put("name", "Trail Runner").put("price", 49.9))
                .add(new JsonObject().put("name", "Wool Socks").put("price", 9)))
            .put("itemCount", 2)
            .put("total", 58.9)
            .put("currency", "EUR"))
        .put("site", new JsonObject().put("name", "Shoe Shop"));
  }

  static String body(String template, JsonObject context) {
    return body(template, context, "en-US", null);
  }

  static String body(String template, JsonObject context, String locale, String currency) {
    Rendered r = rendered(template, context, locale, currency);
    if (r instanceof Rendered.Ok ok) {
      return ok.notification().getString("body");
    }
    throw new AssertionError("expected a rendered body, got " + r);
  }

  /** The path a render reports missing; fails when the render succeeds. */
  static String missing(String template, JsonObject context) {
    return missing(template, context, "en-US", null);
  }

  static String missing(String template, JsonObject context, String locale, String currency) {
    Rendered r = rendered(template, context, locale, currency);
    if (r instanceof Rendered.Missing m) {
      return m.path();
    }
    throw new AssertionError("expected Missing, got " + r);
  }

  static Rendered rendered(String template, JsonObject context, String locale, String currency) {
    Map<String, Object> map = context.getMap();
    return MessageTemplate.compile(new JsonObject().put("body", template), "").render(map, locale, currency);
  }

  /** The error compiling a body; fails when it compiles. */
  static ClientError error(String template) {
    ClientError e = catchThrowableOfType(ClientError.class,
        () -> MessageTemplate.compile(new JsonObject().put("body", template), "steps[0].notification."));
    if (e == null) {
      throw new AssertionError("expected a ClientError for " + template);
    }
    return e;
  }
}
