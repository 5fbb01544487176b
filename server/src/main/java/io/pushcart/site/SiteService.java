package io.pushcart.site;

import io.pushcart.common.ClientError;
import io.pushcart.common.Ids;
import io.pushcart.common.JsonFields;
import io.pushcart.common.TimeZones;
import io.pushcart.engagement.Engagement;
import io.pushcart.webpush.CryptoProvider;
import io.pushcart.webpush.VapidKeys;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/** Creating sites and checking who may act for one. */
public final class SiteService {
  /** Secret API keys start with this, so a leaked one is recognisable in a scan of code or logs. */
  static final String SECRET_PREFIX = "pcsk_";
  static final List<String> UPDATABLE = java.util.stream.Stream.concat(
      java.util.stream.Stream.of("name", "origins", "vapidSubject", "timezone", "maxSubscriptions"), Engagement.FIELDS.stream()).toList();
  /** The largest subscription quota accepted: far above any store, below what the checks' arithmetic holds. */
  static final long MAX_QUOTA = 1_000_000_000L;

  private final SiteStore store;
  private final CryptoProvider crypto;
  private final Clock clock;

  public SiteService(SiteStore store, CryptoProvider crypto, Clock clock) {
    this.store = store;
    this.crypto = crypto;
    this.clock = clock;
  }

  /**
   * A new site, its secret key (the only moment it exists outside a hash) and its identity secret
   * (stored, to check signatures, but shown only now). toString shows neither.
   */
  public record Created(Site site, String secretKey, String identitySecret) {
    @Override
    public String toString() {
      return "Created[" + site + "]";
    }
  }

  /**
   * {@code POST /v1/sites}: {@code {name, origins, vapidSubject, timezone, maxSubscriptions}} and
   * the engagement rules ({@code frequencyCap, quietHours, attributionWindow}).
   */
  public Future<Created> create(JsonObject body) {
    JsonFields f = JsonFields.of(body);
    String name = f.requiredString("name", 200);
    List<String> origins = SiteRules.origins(f.stringList("origins", 100, 300));
    String vapidSubject = f.requiredString("vapidSubject", 300);
    SiteRules.checkVapidSubject(vapidSubject);
    ZoneId timezone = timezone(f).orElse(Site.UTC);
    VapidKeys keys = VapidKeys.generate(crypto);
    String secret = SECRET_PREFIX + Ids.random(32);
    Site site = new Site(Ids.random(12), name, origins, vapidSubject, timezone,
        keys.publicKeyBase64Url(), keys.privateKeyBase64Url(), Ids.sha256Hex(secret), Identity.newSecret(), clock.instant(),
        maxSubscriptions(f).orElse(null), Engagement.update(Engagement.NONE, body));
    return store.create(site).map(v -> new Created(site, secret, site.identitySecret()));
  }

  /**
   * {@code POST /v1/sites/{site}/identity-secret}: a new identity secret, replacing the old one at
   * once (no grace period): signatures made with the old one, such as those printed into cached
   * pages, no longer link anyone. Sites created before identity secrets existed get their first.
   * The new secret is returned to be shown this once.
   */
  public Future<String> rotateIdentitySecret(Site site) {
    String secret = Identity.newSecret();
    return store.setIdentitySecret(site.id(), secret).map(secret);
  }

  /**
   * {@code PATCH /v1/sites/{site}}: the fields given replace the stored ones. Keys and the secret
   * stay as they are. {@code maxSubscriptions: null} removes the quota.
   */
  public Future<Site> update(Site site, JsonObject body) {
    JsonFields f = JsonFields.of(body);
    for (String field : body.fieldNames()) {
      if (field.equals("identitySecret")) {
        throw ClientError.invalid(field, "a site's identitySecret is made by the server: rotate it with"
            + " POST /v1/sites/" + site.id() + "/identity-secret");
      }
      if (!UPDATABLE.contains(field)) {
        throw ClientError.invalid(field, "a site's " + field + " cannot be changed; PATCH takes " + String.join(", ", UPDATABLE));
      }
    }
    String name = f.optionalString("name", 200).orElse(site.name());
    List<String> origins = body.containsKey("origins") ? SiteRules.origins(f.stringList("origins", 100, 300)) : site.origins();
    String vapidSubject = f.optionalString("vapidSubject", 300).orElse(site.vapidSubject());
    SiteRules.checkVapidSubject(vapidSubject);
    Site updated = new Site(site.id(), name, origins, vapidSubject, timezone(f).orElse(site.timezone()),
        site.vapidPublicKey(), site.vapidPrivateKey(), site.secretKeyHash(), site.identitySecret(), site.createdAt(),
        body.containsKey("maxSubscriptions") ? maxSubscriptions(f).orElse(null) : site.maxSubscriptions(),
        Engagement.update(site.engagement(), body));
    return store.update(updated).map(updated);
  }

  /**
   * The most subscriptions the site may hold. Registrations beyond it are refused; the ones it
   * holds stay (a quota set below the count stops new ones only).
   */
  private static Optional<Long> maxSubscriptions(JsonFields f) {
    return f.optionalLong("maxSubscriptions", 0, MAX_QUOTA);
  }

  private static Optional<ZoneId> timezone(JsonFields f) {
    return f.optionalString("timezone", 64).map(tz -> TimeZones.check(tz, "timezone"));
  }

  /** The site, when it exists; a 404 otherwise. For browser-facing calls that need no secret. */
  public Future<Site> find(String siteId) {
    if (!Ids.looksLikeId(siteId)) {
      return Future.failedFuture(ClientError.notFound("site " + siteId));
    }
    return store.find(siteId).compose(site -> site.<Future<Site>>map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(ClientError.notFound("site " + siteId))));
  }

  /**
   * The site, when {@code secretKey} is its secret API key, or the key it replaced while that
   * one's grace period lasts; 401 or 404 otherwise.
   */
  public Future<Site> authenticate(String siteId, String secretKey) {
    if (secretKey == null) {
      return Future.failedFuture(ClientError.unauthorized("send the site's secret key as 'Authorization: Bearer <key>'"));
    }
    String hash = Ids.sha256Hex(secretKey);
    return find(siteId).compose(site -> Ids.constantTimeEquals(site.secretKeyHash(), hash) ? Future.succeededFuture(site)
        : store.previousSecretKey(siteId).compose(previous -> previous
            .filter(p -> Ids.constantTimeEquals(p.hash(), hash))
            .map(p -> clock.instant().isBefore(p.validUntil()) ? Future.succeededFuture(site)
                : Future.<Site>failedFuture(ClientError.unauthorized("this secret key of site " + siteId + " was replaced and its "
                    + "grace period ended at " + p.validUntil() + ": use the new one")))
            .orElseGet(() -> Future.failedFuture(ClientError.unauthorized("the secret key does not belong to site " + siteId)))));
  }

  /**
   * {@code POST /v1/sites/{site}/vapid-keys}: a new VAPID key pair for new subscriptions. Each
   * existing subscription keeps being signed with the pair it was made with (a push service
   * refuses another), until the snippet moves it to the new key on the shopper's next visit.
   */
  public Future<JsonObject> rotateVapidKeys(Site site) {
    VapidKeys keys = VapidKeys.generate(crypto);
    return store.rotateVapidKeys(site, keys.publicKeyBase64Url(), keys.privateKeyBase64Url())
        .map(v -> new JsonObject().put("vapidPublicKey", keys.publicKeyBase64Url()).put("previousVapidPublicKey", site.vapidPublicKey()));
  }

  /** The most a rotated secret key stays valid: 30 days. */
  static final Duration MAX_GRACE = Duration.ofDays(30);

  /**
   * {@code POST /v1/sites/{site}/secret-key} {@code {graceHours?}} (default 24, 0 to 720): a new
   * secret key, shown this once; the one it replaces keeps working for the grace period, so the
   * store can deploy the new one without a moment of 401s. Only the last replaced key has a grace
   * period: rotating twice ends the first one's at once.
   */
  public Future<JsonObject> rotateSecretKey(Site site, JsonObject body) {
    for (String key : body.fieldNames()) {
      if (!key.equals("graceHours")) {
        throw ClientError.invalid(key, "the body takes graceHours; unknown field " + key);
      }
    }
    long hours = JsonFields.of(body).optionalLong("graceHours", 0, MAX_GRACE.toHours()).orElse(24L);
    String secret = SECRET_PREFIX + Ids.random(32);
    Instant until = clock.instant().plus(Duration.ofHours(hours));
    return store.rotateSecretKey(site.id(), Ids.sha256Hex(secret), site.secretKeyHash(), until)
        .map(v -> new JsonObject().put("secretKey", secret).put("previousKeyValidUntil", until.toString()));
  }

  public Future<Long> subscriberCount(String siteId) {
    return store.subscriberCount(siteId);
  }
}
