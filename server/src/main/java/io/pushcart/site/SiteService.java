package io.pushcart.site;

import io.pushcart.common.ClientError;
import io.pushcart.common.Ids;
import io.pushcart.webpush.CryptoProvider;
import io.pushcart.webpush.VapidKeys;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.List;

/** Creating sites and checking who may act for one. */
public final class SiteService {
  /** Secret API keys start with this, so a leaked one is recognisable in a scan of code or logs. */
  static final String SECRET_PREFIX = "pcsk_";

  private final SiteStore store;
  private final CryptoProvider crypto;
  private final Clock clock;

  public SiteService(SiteStore store, CryptoProvider crypto, Clock clock) {
    this.store = store;
    this.crypto = crypto;
    this.clock = clock;
  }

  /** A new site and its secret key: the only moment the secret exists outside a hash. */
  public record Created(Site site, String secretKey) {
    @Override
    public String toString() {
      return "Created[" + site + "]";
    }
  }

  public Future<Created> create(String name, List<String> origins, String vapidSubject) {
    List<String> normalized = SiteRules.origins(origins);
    SiteRules.checkVapidSubject(vapidSubject);
    VapidKeys keys = VapidKeys.generate(crypto);
    String secret = SECRET_PREFIX + Ids.random(32);
    Site site = new Site(Ids.random(12), name, normalized, vapidSubject,
        keys.publicKeyBase64Url(), keys.privateKeyBase64Url(), Ids.sha256Hex(secret), clock.instant());
    return store.create(site).map(v -> new Created(site, secret));
  }

  /** The site, when it exists; a 404 otherwise. For browser-facing calls that need no secret. */
  public Future<Site> find(String siteId) {
    if (!Ids.looksLikeId(siteId)) {
      return Future.failedFuture(ClientError.notFound("site " + siteId));
    }
    return store.find(siteId).compose(site -> site.<Future<Site>>map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(ClientError.notFound("site " + siteId))));
  }

  /** The site, when {@code secretKey} is its secret API key; 401 or 404 otherwise. */
  public Future<Site> authenticate(String siteId, String secretKey) {
    if (secretKey == null) {
      return Future.failedFuture(ClientError.unauthorized("send the site's secret key as 'Authorization: Bearer <key>'"));
    }
    return find(siteId).compose(site -> Ids.constantTimeEquals(site.secretKeyHash(), Ids.sha256Hex(secretKey))
        ? Future.succeededFuture(site)
        : Future.failedFuture(ClientError.unauthorized("the secret key does not belong to site " + siteId)));
  }

  public Future<Long> subscriberCount(String siteId) {
    return store.subscriberCount(siteId);
  }
}
