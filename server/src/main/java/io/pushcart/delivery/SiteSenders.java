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
import java.util.List;
import java.util.Map;

/**
 * One request builder per site, holding the site's VAPID signer, so that its JWT is signed once
 * per push-service origin and reused (RFC 8292 tokens live 12 h here), not once per message.
 * The site is read again when its builder is older than {@link #FRESH_MS}, and the builder made
 * anew only if its VAPID subject or keys changed: a changed {@code vapidSubject} (or rotated
 * keys) takes effect within seconds on every instance, without a restart.
 * Confined to one delivery verticle's event loop; the builders themselves are thread-safe and
 * are used from the crypto workers.
 */
final class SiteSenders {
  /** How long a site's builder is used before the site is read again. */
  static final long FRESH_MS = 10_000;

  private final SiteStore sites;
  private final Aes128GcmEncryptor encryptor;
  private final CryptoProvider crypto;
  private final Clock clock;
  private final Map<String, Sender> bySite = new HashMap<>();

  /** A builder and what it was made from. */
  private record Sender(PushRequestBuilder builder, String subject, String publicKey, long readAt) {
  }

  SiteSenders(SiteStore sites, CryptoProvider crypto, Clock clock) {
    this.sites = sites;
    this.crypto = crypto;
    this.encryptor = new Aes128GcmEncryptor(crypto);
    this.clock = clock;
  }

  /** Builders of key pairs a rotation replaced, by site and public key; such a pair never changes. */
  private final Map<String, PushRequestBuilder> past = new HashMap<>();
  /** Per site, the key of the subscriptions stored before keys were recorded, once a rotation named it. */
  private final Map<String, String> unrecorded = new HashMap<>();

  /**
   * A builder for each VAPID public key among {@code vapidKeys} (as subscriptions recorded them; ''
   * for one recorded before keys were): the site's current pair, or the past pair a subscription
   * was made with, since a push service refuses a message signed with another key (RFC 8292 §3.2).
   * A key the site no longer knows falls back to the current one.
   */
  Future<java.util.function.Function<String, PushRequestBuilder>> forKeys(String siteId, java.util.Set<String> vapidKeys) {
    return forSite(siteId).compose(current -> {
      Sender sender = bySite.get(siteId);
      List<Future<Void>> loads = new java.util.ArrayList<>();
      for (String key : vapidKeys) {
        String known = key.isEmpty() ? unrecorded.get(siteId) : key;
        if (key.equals(sender.publicKey()) || (known != null && past.containsKey(pastKey(siteId, known, sender)))) {
          continue;
        }
        loads.add(sites.pastVapidKey(siteId, key).map(found -> {
          found.ifPresent(pair -> {
            if (key.isEmpty()) {
              unrecorded.put(siteId, pair[0]);
            }
            past.computeIfAbsent(pastKey(siteId, pair[0], sender), k -> new PushRequestBuilder(encryptor, new VapidSigner(
                VapidKeys.fromBase64Url(pair[0], pair[1]), sender.subject(), crypto, clock)));
          });
          return null;
        }));
      }
      // Resolved here, on the event loop: the crypto workers read an immutable map only.
      return Future.all(loads).map(v -> {
        Map<String, PushRequestBuilder> resolved = new HashMap<>();
        for (String key : vapidKeys) {
          String pub = key.isEmpty() ? unrecorded.getOrDefault(siteId, sender.publicKey()) : key;
          resolved.put(key, pub.equals(sender.publicKey()) ? current : past.getOrDefault(pastKey(siteId, pub, sender), current));
        }
        Map<String, PushRequestBuilder> fixed = Map.copyOf(resolved);
        return key -> fixed.getOrDefault(key, current);
      });
    });
  }

  /** A past pair's builder is made for the site's subject of the moment: a new subject, a new builder. */
  private static String pastKey(String siteId, String publicKey, Sender current) {
    return siteId + " " + publicKey + " " + current.subject();
  }

  Future<PushRequestBuilder> forSite(String siteId) {
    Sender cached = bySite.get(siteId);
    long now = clock.millis();
    if (cached != null && now - cached.readAt() < FRESH_MS) {
      return Future.succeededFuture(cached.builder());
    }
    return sites.find(siteId).map(found -> {
      Site site = found.orElseThrow(() -> new IllegalStateException("site " + siteId + " has work but no record"));
      Sender fresh = cached != null && cached.subject().equals(site.vapidSubject()) && cached.publicKey().equals(site.vapidPublicKey())
          ? new Sender(cached.builder(), cached.subject(), cached.publicKey(), now)
          : new Sender(new PushRequestBuilder(encryptor, new VapidSigner(
              VapidKeys.fromBase64Url(site.vapidPublicKey(), site.vapidPrivateKey()), site.vapidSubject(), crypto, clock)),
              site.vapidSubject(), site.vapidPublicKey(), now);
      bySite.put(siteId, fresh);
      return fresh.builder();
    });
  }
}
