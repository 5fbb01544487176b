package io.pushcart.site;

import io.pushcart.engagement.Engagement;
import io.pushcart.redis.Keys;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/**
 * Sites in Redis: one hash per site ({@code pc:{site}:site}) and the global set of site ids. The
 * hash's {@code identitySecret} is absent for sites created before identity secrets existed.
 */
public final class SiteStore {
  private final Redis redis;
  private final KeyVault vault;

  public SiteStore(Redis redis, KeyVault vault) {
    this.redis = redis;
    this.vault = vault;
  }

  public Future<Void> create(Site site) {
    Request hset = Request.cmd(Command.HSET).arg(Keys.site(site.id(), Keys.Part.RECORD))
        .arg("id").arg(site.id())
        .arg("name").arg(site.name())
        .arg("origins").arg(new JsonArray(site.origins()).encode())
        .arg("vapidSubject").arg(site.vapidSubject())
        .arg("timezone").arg(site.timezone().getId())
        .arg("vapidPublicKey").arg(site.vapidPublicKey())
        .arg("vapidPrivateKey").arg(vault.seal(site.id(), "vapidPrivateKey", site.vapidPrivateKey()))
        .arg("secretKeyHash").arg(site.secretKeyHash())
        .arg("identitySecret").arg(site.identitySecret())
        .arg("createdAt").arg(site.createdAt().toString());
    if (site.maxSubscriptions() != null) {
      hset.arg("maxSubscriptions").arg(site.maxSubscriptions());
    }
    engagement(hset, new java.util.ArrayList<>(), site.engagement());
    return redis.send(hset)
        .compose(ok -> redis.send(Request.cmd(Command.SADD).arg(Keys.SITES).arg(site.id())))
        .mapEmpty();
  }

  /**
   * Rewrites the fields a site's owner may change (name, origins, VAPID subject, time zone,
   * subscription quota, engagement rules: each absent when there is none).
   */
  public Future<Void> update(Site site) {
    String key = Keys.site(site.id(), Keys.Part.RECORD);
    Request hset = Request.cmd(Command.HSET).arg(key)
        .arg("name").arg(site.name())
        .arg("origins").arg(new JsonArray(site.origins()).encode())
        .arg("vapidSubject").arg(site.vapidSubject())
        .arg("timezone").arg(site.timezone().getId());
    List<String> absent = new java.util.ArrayList<>();
    if (site.maxSubscriptions() != null) {
      hset.arg("maxSubscriptions").arg(site.maxSubscriptions());
    } else {
      absent.add("maxSubscriptions");
    }
    engagement(hset, absent, site.engagement());
    Request hdel = Request.cmd(Command.HDEL).arg(key);
    absent.forEach(hdel::arg);
    return (absent.isEmpty() ? redis.send(hset) : redis.batch(List.of(hset, hdel)).map(r -> r.get(0))).mapEmpty();
  }

  /** The engagement rules' fields: set in {@code hset}, or (absent ones) named in {@code absent}. */
  private static void engagement(Request hset, List<String> absent, Engagement rules) {
    List<String> values = rules.stored();
    for (int i = 0; i < values.size(); i++) {
      if (values.get(i) != null) {
        hset.arg(Engagement.FIELDS.get(i)).arg(values.get(i));
      } else {
        absent.add(Engagement.FIELDS.get(i));
      }
    }
  }

  /** A site's engagement rules and time zone, for the delivery workers (one HMGET). */
  public Future<Engagement.OfSite> engagement(String siteId) {
    Request hmget = Request.cmd(Command.HMGET).arg(Keys.site(siteId, Keys.Part.RECORD)).arg("timezone");
    Engagement.FIELDS.forEach(hmget::arg);
    return redis.send(hmget).map(r -> new Engagement.OfSite(r.get(0) == null ? Site.UTC : ZoneId.of(r.get(0).toString()),
        Engagement.fromStored(str(r.get(1)), str(r.get(2)), str(r.get(3)))));
  }

  private static String str(Response r) {
    return r == null ? null : r.toString();
  }

  /**
   * Replaces the site's identity secret. Kept readable (not hashed like the secret key): the
   * server needs it to check HMACs.
   */
  public Future<Void> setIdentitySecret(String siteId, String secret) {
    return redis.send(Request.cmd(Command.HSET).arg(Keys.site(siteId, Keys.Part.RECORD))
        .arg("identitySecret").arg(secret)).mapEmpty();
  }

  /**
   * Replaces the site's VAPID key pair: the old pair enters the key history first (so a stop in
   * between leaves the old key current and known), and the first rotation records the old public
   * key as the one of the subscriptions stored before keys were recorded per subscription.
   */
  public Future<Void> rotateVapidKeys(Site site, String newPublic, String newPrivate) {
    String record = Keys.site(site.id(), Keys.Part.RECORD);
    return redis.send(Request.cmd(Command.HSET).arg(Keys.site(site.id(), Keys.Part.VAPID_KEYS)).arg(site.vapidPublicKey())
            .arg(vault.seal(site.id(), "vapidKey:" + site.vapidPublicKey(), site.vapidPrivateKey())))
        .compose(v -> redis.send(Request.cmd(Command.HSETNX).arg(record).arg("vapidUnrecordedKey").arg(site.vapidPublicKey())))
        .compose(v -> redis.send(Request.cmd(Command.HSET).arg(record).arg("vapidPublicKey").arg(newPublic)
            .arg("vapidPrivateKey").arg(vault.seal(site.id(), "vapidPrivateKey", newPrivate))))
        .mapEmpty();
  }

  /**
   * The private key of a VAPID public key the site had, or empty. {@code publicKey} '' asks for the
   * key of the subscriptions stored before keys were recorded: the one current at the first rotation
   * (empty when there was none: the current key).
   */
  public Future<Optional<String[]>> pastVapidKey(String siteId, String publicKey) {
    Future<String> which = !publicKey.isEmpty() ? Future.succeededFuture(publicKey)
        : redis.send(Request.cmd(Command.HGET).arg(Keys.site(siteId, Keys.Part.RECORD)).arg("vapidUnrecordedKey"))
            .map(r -> r == null ? "" : r.toString());
    return which.compose(key -> key.isEmpty() ? Future.succeededFuture(Optional.<String[]>empty())
        : redis.send(Request.cmd(Command.HGET).arg(Keys.site(siteId, Keys.Part.VAPID_KEYS)).arg(key))
            .map(r -> r == null ? Optional.<String[]>empty()
                : Optional.of(new String[] {key, vault.open(siteId, "vapidKey:" + key, r.toString())})));
  }

  /** A secret key replaced by a rotation: its hash, and until when it is still accepted. */
  public record PreviousKey(String hash, Instant validUntil) {
  }

  /** Replaces the secret key's hash, keeping the old one for its grace period (one step). */
  public Future<Void> rotateSecretKey(String siteId, String newHash, String previousHash, Instant previousUntil) {
    return redis.send(Request.cmd(Command.HSET).arg(Keys.site(siteId, Keys.Part.RECORD)).arg("secretKeyHash").arg(newHash)
        .arg("previousSecretKeyHash").arg(previousHash).arg("previousSecretKeyUntil").arg(previousUntil.toString())).mapEmpty();
  }

  public Future<Optional<PreviousKey>> previousSecretKey(String siteId) {
    return redis.send(Request.cmd(Command.HMGET).arg(Keys.site(siteId, Keys.Part.RECORD))
        .arg("previousSecretKeyHash").arg("previousSecretKeyUntil"))
        .map(r -> r.get(0) == null || r.get(1) == null ? Optional.empty()
            : Optional.of(new PreviousKey(r.get(0).toString(), Instant.parse(r.get(1).toString()))));
  }

  public Future<Optional<Site>> find(String siteId) {
    return redis.send(Request.cmd(Command.HGETALL).arg(Keys.site(siteId, Keys.Part.RECORD)))
        .map(this::toSite);
  }

  public Future<Long> subscriberCount(String siteId) {
    return redis.send(Request.cmd(Command.SCARD).arg(Keys.site(siteId, Keys.Part.SUBSCRIPTIONS)))
        .map(Response::toLong);
  }

  private Optional<Site> toSite(Response hash) {
    if (hash == null || hash.size() == 0 || !hash.containsKey("id")) {
      return Optional.empty();
    }
    List<String> origins = new JsonArray(hash.get("origins").toString()).stream().map(String::valueOf).toList();
    return Optional.of(new Site(
        hash.get("id").toString(),
        hash.get("name").toString(),
        origins,
        hash.get("vapidSubject").toString(),
        hash.containsKey("timezone") ? ZoneId.of(hash.get("timezone").toString()) : Site.UTC,
        hash.get("vapidPublicKey").toString(),
        vault.open(hash.get("id").toString(), "vapidPrivateKey", hash.get("vapidPrivateKey").toString()),
        hash.get("secretKeyHash").toString(),
        hash.containsKey("identitySecret") ? hash.get("identitySecret").toString() : null,
        Instant.parse(hash.get("createdAt").toString()),
        hash.containsKey("maxSubscriptions") ? hash.get("maxSubscriptions").toLong() : null,
        Engagement.fromStored(str(hash.get("frequencyCap")), str(hash.get("quietHours")), str(hash.get("attributionWindow")))));
  }
}
