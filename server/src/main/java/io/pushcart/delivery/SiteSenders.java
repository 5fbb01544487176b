package io.pushcart.delivery;

import io.pushcart.site.Site;
import io.pushcart.site.SiteStore;
import io.pushcart.webpush.Aes128GcmEncryptor;
import io.pushcart.webpush.CryptoProvider;
import io.pushcart.webpush.PushRequestBuilder;
import io.pushcart.webpush.VapidKeys;
import io.pushcart.webpush.VapidSigner;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * One request builder per site, holding the site's VAPID signer, so that its JWT is signed once
 * per push-service origin and reused (RFC 8292 tokens live 12 h here), not once per message.
 * Confined to one delivery verticle's event loop; the builders themselves are thread-safe and
 * are used from the crypto workers.
 */
final class SiteSenders {
  private final SiteStore sites;
  private final Aes128GcmEncryptor encryptor;
  private final CryptoProvider crypto;
  private final Clock clock;
  private final Map<String, PushRequestBuilder> bySite = new HashMap<>();

  SiteSenders(SiteStore sites, CryptoProvider crypto, Clock clock) {
    this.sites = sites;
    this.crypto = crypto;
    this.encryptor = new Aes128GcmEncryptor(crypto);
    this.clock = clock;
  }

  Future<PushRequestBuilder> forSite(String siteId) {
    PushRequestBuilder cached = bySite.get(siteId);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    return sites.find(siteId).map(found -> {
      Site site = found.orElseThrow(() -> new IllegalStateException("site " + siteId + " has work but no record"));
      VapidKeys keys = VapidKeys.fromBase64Url(site.vapidPublicKey(), site.vapidPrivateKey());
      PushRequestBuilder builder = new PushRequestBuilder(encryptor, new VapidSigner(keys, site.vapidSubject(), crypto, clock));
      bySite.put(siteId, builder);
      return builder;
    });
  }
}
