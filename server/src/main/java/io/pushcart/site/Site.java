package io.pushcart.site;

import io.pushcart.engagement.Engagement;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

/**
 * A store using Pushcart. {@code timezone} is where local-time campaigns place subscribers that
 * have no time zone of their own. The VAPID private key, the hash of the secret API key and the
 * identity secret ({@link Identity}; null for sites made before there were any) are held here but
 * never rendered: {@link #toJson()} shows only what the site's owner may read back, and
 * {@link #toString()} only the id and name. {@code maxSubscriptions} is the most subscriptions
 * the site may hold (new registrations beyond it are refused), or null for no limit.
 * {@code engagement}: its frequency caps, quiet hours and attribution window.
 */
public record Site(
    String id,
    String name,
    List<String> origins,
    String vapidSubject,
    ZoneId timezone,
    String vapidPublicKey,
    String vapidPrivateKey,
    String secretKeyHash,
    String identitySecret,
    Instant createdAt,
    Long maxSubscriptions,
    Engagement engagement) {
  /** A new site's time zone until its owner sets one. */
  public static final ZoneId UTC = ZoneId.of("UTC");

  public boolean allowsOrigin(String origin) {
    return origin != null && origins.contains(origin.toLowerCase());
  }

  /** The same site with another identity secret. */
  public Site withIdentitySecret(String secret) {
    return new Site(id, name, origins, vapidSubject, timezone, vapidPublicKey, vapidPrivateKey, secretKeyHash, secret, createdAt,
        maxSubscriptions, engagement);
  }

  /** The same site with other engagement rules (frequency caps, quiet hours, attribution window). */
  public Site withEngagement(Engagement rules) {
    return new Site(id, name, origins, vapidSubject, timezone, vapidPublicKey, vapidPrivateKey, secretKeyHash, identitySecret, createdAt,
        maxSubscriptions, rules);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("id", id)
        .put("name", name)
        .put("origins", new JsonArray(origins))
        .put("vapidSubject", vapidSubject)
        .put("timezone", timezone.getId())
        .put("vapidPublicKey", vapidPublicKey)
        .put("hasIdentitySecret", identitySecret != null)
        .put("maxSubscriptions", maxSubscriptions)
        .put("createdAt", createdAt.toString());
    engagement.putJson(json);
    return json;
  }

  @Override
  public String toString() {
    return "Site[" + id + ", " + name + "]";
  }
}
