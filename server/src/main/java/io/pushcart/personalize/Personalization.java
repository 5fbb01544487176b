package io.pushcart.personalize;

import io.pushcart.webpush.Aes128GcmEncryptor;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * One recipient's push payload from a template (MARKETING.md §5): the context its roots read
 * ({@code subscriber}, {@code site}, and the run's {@code cart}, {@code product} or {@code order}),
 * the subscriber's locale and the data's currency for {@code money}, and the two reasons a message
 * is not sent: a value it needs is missing ({@code missingData}), or it is too large for one
 * RFC 8291 record ({@code tooLarge}). Campaigns, automation steps, transactional pushes and
 * {@code POST /preview} all render through here.
 */
public final class Personalization {
  public static final String MISSING_DATA = "missingData";
  public static final String TOO_LARGE = "tooLarge";

  private Personalization() {
  }

  /** A rendered payload, or why there is none. */
  public sealed interface Result {
    record Payload(JsonObject json, byte[] bytes) implements Result {
    }

    record Suppressed(String reason, String detail) implements Result {
    }
  }

  /**
   * Renders {@code template} for {@code subscriber} (its §1 fields, empty when unknown), adds
   * {@code extra} (ids, flags) and the tag {@code defaultTag} when the notification has none.
   */
  public static Result payload(MessageTemplate template, Map<String, Object> subscriber, String siteName,
                               Map<String, Object> roots, JsonObject extra, String defaultTag) {
    Map<String, Object> context = new HashMap<>(roots);
    context.put("subscriber", subscriber);
    context.put("site", Map.of("name", siteName == null ? "" : siteName));
    Object locale = subscriber.get("locale");
    MessageTemplate.Rendered rendered = template.render(context, locale == null ? null : locale.toString(), currency(roots));
    if (rendered instanceof MessageTemplate.Rendered.Missing missing) {
      return new Result.Suppressed(MISSING_DATA, missing.path());
    }
    JsonObject json = ((MessageTemplate.Rendered.Ok) rendered).notification();
    if (defaultTag != null && !json.containsKey("tag")) {
      json.put("tag", defaultTag);
    }
    json.mergeIn(extra);
    byte[] bytes = json.encode().getBytes(StandardCharsets.UTF_8);
    return bytes.length > Aes128GcmEncryptor.MAX_PLAINTEXT ? new Result.Suppressed(TOO_LARGE, bytes.length + " bytes")
        : new Result.Payload(json, bytes);
  }

  /** The currency {@code money} uses without an argument: the data's (a cart's, an order's, a product's). */
  private static String currency(Map<String, Object> roots) {
    for (Object root : roots.values()) {
      if (root instanceof Map<?, ?> m && m.get("currency") instanceof String c) {
        return c;
      }
      if (root instanceof JsonObject o && o.getValue("currency") instanceof String c) {
        return c;
      }
    }
    return null;
  }
}
