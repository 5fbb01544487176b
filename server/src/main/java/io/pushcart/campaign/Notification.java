package io.pushcart.campaign;

import io.pushcart.common.ClientError;
import io.pushcart.common.JsonFields;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the shopper sees: the fields of the Notifications API that the service worker passes to
 * {@code showNotification}. Rendered into the push payload by {@link #payload(String, String)}.
 */
public record Notification(
    String title,
    Optional<String> body,
    Optional<String> url,
    Optional<String> icon,
    Optional<String> image,
    Optional<String> badge,
    Optional<String> tag,
    boolean requireInteraction,
    List<Action> actions) {

  /** Browsers show at most two action buttons (Chrome); more would be silently dropped. */
  public static final int MAX_ACTIONS = 2;
  private static final int MAX_URL = 2048;

  public record Action(String action, String title, Optional<String> url) {
  }

  public static Notification parse(JsonFields f) {
    List<Action> actions = new ArrayList<>();
    JsonArray array = f.optionalArray("actions").orElseGet(JsonArray::new);
    if (array.size() > MAX_ACTIONS) {
      throw ClientError.invalid(f.path("actions"), f.path("actions") + " may hold at most " + MAX_ACTIONS + " actions");
    }
    for (int i = 0; i < array.size(); i++) {
      String item = f.path("actions") + "[" + i + "]";
      if (!(array.getValue(i) instanceof JsonObject o)) {
        throw ClientError.invalid(item, item + " must be an object {action, title, url}");
      }
      JsonFields a = JsonFields.at(o, item + ".");
      actions.add(new Action(a.requiredString("action", 64), a.requiredString("title", 64), url(a, "url")));
    }
    return new Notification(
        f.requiredString("title", 200),
        f.optionalString("body", 1000),
        url(f, "url"), url(f, "icon"), url(f, "image"), url(f, "badge"),
        f.optionalString("tag", 64),
        f.optionalBoolean("requireInteraction").orElse(false),
        List.copyOf(actions));
  }

  private static Optional<String> url(JsonFields f, String name) {
    Optional<String> value = f.optionalString(name, MAX_URL);
    value.filter(v -> !v.contains("{{") && !v.contains("{%")).ifPresent(v -> { // a merge field is checked as a template
      try {
        URI uri = new URI(v);
        if (!"https".equalsIgnoreCase(uri.getScheme()) && !"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
          throw new URISyntaxException(v, "not http(s)");
        }
      } catch (URISyntaxException e) {
        throw ClientError.invalid(f.path(name), f.path(name) + " must be an absolute http(s) URL");
      }
    });
    return value;
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("title", title);
    body.ifPresent(v -> json.put("body", v));
    url.ifPresent(v -> json.put("url", v));
    icon.ifPresent(v -> json.put("icon", v));
    image.ifPresent(v -> json.put("image", v));
    badge.ifPresent(v -> json.put("badge", v));
    tag.ifPresent(v -> json.put("tag", v));
    if (requireInteraction) {
      json.put("requireInteraction", true);
    }
    if (!actions.isEmpty()) {
      JsonArray a = new JsonArray();
      actions.forEach(x -> {
        JsonObject o = new JsonObject().put("action", x.action()).put("title", x.title());
        x.url().ifPresent(u -> o.put("url", u));
        a.add(o);
      });
      json.put("actions", a);
    }
    return json;
  }

  /**
   * The push payload the service worker reads. The tag defaults to the campaign id, and
   * {@code renotify} is always set with it: a message re-sent after a crash then replaces its
   * twin on the device instead of showing twice, and a reused tag still alerts.
   */
  public String payload(String siteId, String campaignId) {
    return payload(siteId, campaignId, Optional.empty());
  }

  /** The payload of one variant of a campaign: it also names the variant. */
  public String payload(String siteId, String campaignId, Optional<String> variant) {
    JsonObject json = toJson();
    variant.ifPresent(v -> json.put("variant", v));
    if (!json.containsKey("tag")) {
      json.put("tag", "pc-" + campaignId);
    }
    json.put("renotify", true);
    json.put("campaignId", campaignId);
    json.put("siteId", siteId);
    return json.encode();
  }
}
