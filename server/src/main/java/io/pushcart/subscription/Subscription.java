package io.pushcart.subscription;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * One browser's push subscription as registered by the snippet. Its id is derived from the
 * endpoint, so registering the same endpoint twice can never make two subscribers.
 */
public record Subscription(
    String id,
    String endpoint,
    String p256dh,
    String auth,
    List<String> tags,
    JsonObject attributes) {

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("endpoint", endpoint)
        .put("tags", new JsonArray(tags)).put("attributes", attributes);
  }
}
