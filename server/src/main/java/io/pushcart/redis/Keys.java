package io.pushcart.redis;

/**
 * Every Redis key Pushcart uses is built here, and each is described in docs/redis-keys.md.
 *
 * <p>All keys of one site carry the hash tag {@code {siteId}}, so whatever one operation (or one
 * Lua script) touches lies on one Redis Cluster slot. Site and campaign ids are base64url, which
 * never contains a brace. Only {@link #SITES}, {@link #ACTIVE_SITES} and {@link #originPause} are global.
 */
public final class Keys {
  private static final String PREFIX = "pc:";

  /** SET of every site id. */
  public static final String SITES = PREFIX + "sites";
  /**
   * ZSET of the site ids delivery workers poll (ones that may have work), scored by the creation
   * epoch millis of their latest campaign; idle ones are pruned (ActiveSites).
   */
  public static final String ACTIVE_SITES = PREFIX + "active-sites";
  /**
   * STRING: a marker sealed with PUSHCART_MASTER_KEY, present once the sites' VAPID private keys
   * are stored encrypted; a server with another key (or none) refuses to start (site.KeyVault).
   */
  public static final String MASTER_KEY_CHECK = PREFIX + "master-key-check";

  /** SET that listed the sites to poll before {@link #ACTIVE_SITES}; read once to adopt its sites, then deleted. */
  public static final String LEGACY_WORK_SITES = PREFIX + "work-sites";

  /**
   * STRING: epoch millis until which a push-service origin asked everyone to back off, expiring
   * then. Global: a push service is shared by every site.
   */
  public static String originPause(String origin) {
    return PREFIX + "pause:" + origin;
  }

  private Keys() {
  }

  private static String site(String siteId) {
    return PREFIX + "{" + siteId + "}:";
  }

  /** HASH: the site's record (name, origins, VAPID keys, secret key hash). */
  public static String site(String siteId, Part part) {
    return site(siteId) + part.suffix;
  }

  /** HASH: one subscription. */
  public static String subscription(String siteId, String subscriptionId) {
    return site(siteId) + "sub:" + subscriptionId;
  }


  /**
   * Prefix of the site's audience bitmaps: {@code pc:{site}:bm:<name>}, bit n for the subscription
   * of ordinal n. The names are built by segment.Bitmaps (and lib.lua's memberships()).
   */
  public static String bitmapPrefix(String siteId) {
    return site(siteId) + "bm:";
  }

  public static String bitmap(String siteId, String name) {
    return bitmapPrefix(siteId) + name;
  }

  /**
   * A site key of an earlier version ({@code pc:{site}:<suffix>}: the per-tag and per-zone sets
   * and the scan counter the audience bitmaps replaced), named only to delete it on upgrade.
   */
  public static String earlier(String siteId, String suffix) {
    return site(siteId) + suffix;
  }

  /**
   * STRING: marks an event id (or an order id, {@code order:<orderId>}) as recorded, so a repeat
   * changes nothing; expires after 48 hours.
   */
  public static String eventKey(String siteId, String key) {
    return site(siteId) + "event:" + key;
  }

  /**
   * STRING: how many browser requests of one kind ({@code action}: {@code sub}, {@code event},
   * {@code public}) the site admitted in the one-minute window numbered {@code window} (epoch
   * minutes); expires just after the window ends (ratelimit.RateLimitStore).
   */
  public static String siteRate(String siteId, String action, long window) {
    return site(siteId) + "rl:" + action + ":" + window;
  }

  /**
   * STRING: as {@link #siteRate}, from one client address ({@code address}: an IPv4 address, or
   * an IPv6 /64 prefix; never a brace).
   */
  public static String addressRate(String siteId, String action, long window, String address) {
    return siteRate(siteId, action, window) + ":" + address;
  }

  /** SET: the string values of custom attribute {@code key} that have a bitmap (the first 32 seen). */
  public static String attributeValues(String siteId, String key) {
    return site(siteId, Part.ATTRIBUTE_INDEX) + ":" + key;
  }

  /** SET of the subscription ids linked to this customer of the store. */
  public static String customer(String siteId, String customerId) {
    return customerPrefix(siteId) + customerId;
  }

  /** Prefix of {@link #customer}, for Lua scripts that build the key from a customer id. */
  public static String customerPrefix(String siteId) {
    return site(siteId) + "customer:";
  }

  /**
   * HASH: an order's attribution (engagement.Attribution): the counters it credited, their prefix,
   * the variant, currency, revenue and what refunds left of it; expires 400 days after.
   */
  public static String attribution(String siteId, String orderId) {
    return site(siteId) + "attribution:" + orderId;
  }

  /**
   * HASH: the site's report counters of one day of its time zone (engagement.Report): {@code <stat>}
   * and {@code <source>:<stat>}; expires 400 days after its last write.
   */
  public static String report(String siteId, java.time.LocalDate day) {
    return site(siteId) + "report:" + day;
  }

  /** HASH: a saved segment (name, rule, count, countedAt). */
  public static String segment(String siteId, String segmentId) {
    return site(siteId) + "segment:" + segmentId;
  }

  /** HASH: a campaign's definition, status and stats counters. */
  public static String campaign(String siteId, String campaignId) {
    return campaignPrefix(siteId) + campaignId;
  }

  /** Prefix of {@link #campaign}, for Lua scripts that build the key from a campaign id. */
  public static String campaignPrefix(String siteId) {
    return site(siteId) + "campaign:";
  }

  /** HASH: subscription id → how far this campaign's message to it got (exactly-once bookkeeping). */
  public static String campaignProgress(String siteId, String campaignId) {
    return site(siteId) + "campaign:" + campaignId + ":progress";
  }

  /** HASH: failure reason (status and push-service message) → how many messages of this campaign failed so. */
  public static String campaignFailures(String siteId, String campaignId) {
    return site(siteId) + "campaign:" + campaignId + ":failures";
  }

  /** SET: {@code type:subscriptionId} of the service-worker receipts already counted for this campaign. */
  public static String campaignReceipts(String siteId, String campaignId) {
    return site(siteId) + "campaign:" + campaignId + ":receipts";
  }

  /** HASH: an automation's definition ({@code def}, JSON), times, and its run and per-step counters. */
  public static String automation(String siteId, String automationId) {
    return automationPrefix(siteId) + automationId;
  }

  /** Prefix of {@link #automation}, for Lua scripts that build the key from an automation id. */
  public static String automationPrefix(String siteId) {
    return site(siteId) + "automation:";
  }

  /**
   * HASH: one automation run: its automation, trigger, status and end reason, generation, step and
   * phase, the subscriptions it sends to, its data (cart, product or order) and the message state
   * of each device for each step sent ({@code <gen>.<step>:<subscription id>}).
   */
  public static String run(String siteId, String runId) {
    return runPrefix(siteId) + runId;
  }

  /** Prefix of {@link #run}, for Lua scripts that build the key from a run id. */
  public static String runPrefix(String siteId) {
    return site(siteId) + "run:";
  }

  /** What a run index set or an order marker is about: a cart, a customer or a subscription. */
  public enum Subject {
    CART("k"), CUSTOMER("c"), SUBSCRIPTION("s");

    private final String tag;

    Subject(String tag) {
      this.tag = tag;
    }
  }

  /** SET: ids of the runs about this customer or subscription (those whose hashes expired are dropped as met), expiring. */
  public static String runIndex(String siteId, Subject subject, String id) {
    return site(siteId) + "runs:" + subject.tag + ":" + id;
  }

  /** STRING: epoch millis of the newest order of this cart, customer or subscription (expiring). */
  public static String orderMarker(String siteId, Subject subject, String id) {
    return site(siteId) + "ordered:" + subject.tag + ":" + id;
  }

  /** ZSET: subscriptions that viewed the product, scored by their last view (epoch millis; the last 30 days). */
  public static String productViewers(String siteId, String productId) {
    return site(siteId) + "viewers:" + productId;
  }

  /** HASH: {@code <subscription>|<variant>} → {@code <price>|<1 in stock, 0 not>} as that subscription last saw it. */
  public static String productSeen(String siteId, String productId) {
    return site(siteId) + "seen:" + productId;
  }

  /** SET: subscriptions that bought the product (a back-in-stock alert is not for them). */
  public static String productBuyers(String siteId, String productId) {
    return site(siteId) + "bought:" + productId;
  }

  /** SET: {@code <product>|<variant>} this subscription viewed (what erasing it must clean), expiring. */
  public static String viewedBy(String siteId, String subscriptionId) {
    return site(siteId) + "viewed-by:" + subscriptionId;
  }

  /** SET: products this subscription bought (what erasing it must clean), expiring. */
  public static String boughtBy(String siteId, String subscriptionId) {
    return site(siteId) + "bought-by:" + subscriptionId;
  }

  /** HASH: the product's variants as the store last reported them: {@code <variant>:inStock|price|restocks}. */
  public static String productState(String siteId, String productId) {
    return site(siteId) + "product:" + productId;
  }

  /** The site-wide keys. */
  public enum Part {
    /** HASH: the site record. */
    RECORD("site"),
    /** SET: ids of all subscriptions. */
    SUBSCRIPTIONS("subs"),
    /** STRING: the next subscription ordinal never given out (audience bitmaps). */
    ORDINAL_SEQ("ord-seq"),
    /** LIST: ordinals of deleted subscriptions, given out again first. */
    ORDINALS_FREE("ord-free"),
    /** STRING: the id table, the subscription id of ordinal n at byte n × 22. */
    IDS("ids"),
    /**
     * HASH: the custom attribute keys the audience bitmaps index (the first 20 a site uses);
     * {@link #attributeValues} holds each one's indexed string values.
     */
    ATTRIBUTE_INDEX("attr-index"),
    /**
     * SET: ids of the finished (completed or cancelled) campaigns whose per-subscriber details
     * (progress, receipts, failure reasons) are still kept; RetentionSweep deletes those older
     * than the retention period.
     */
    FINISHED("finished"),
    /**
     * HASH: VAPID public key → its private key (sealed like the site's), for each key pair a
     * rotation replaced: subscriptions made with it are still signed with it.
     */
    VAPID_KEYS("vapid-keys"),
    /** ZSET: saved segment ids scored by creation time. */
    SEGMENTS("segments"),
    /** ZSET: campaign ids scored by creation time. */
    CAMPAIGNS("campaigns"),
    /** STREAM: delivery work units, consumed by the group {@code delivery}. */
    WORK("work"),
    /** ZSET: {@code campaignId:wave} of the waves of scheduled campaigns, scored by due epoch millis. */
    SCHEDULE("schedule"),
    /** ZSET: retries waiting for their time, scored by due epoch millis. */
    RETRIES("retries"),
    /** HASH: work-unit entry id → JSON of a unit parked after too many deliveries (its fields, reason, parkedAt). */
    PARKED("parked"),
    /** HASH: work-unit entry id → the last failure of that unit (kept until it completes or is parked). */
    UNIT_FAILURES("unit-failures"),
    /** STREAM: commerce events (cart, order, product view), capped, for the automations. */
    EVENTS("events"),
    /** ZSET: automation ids scored by creation time. */
    AUTOMATIONS("automations"),
    /** ZSET: ids of the automation runs waiting for their next step, scored by its due epoch millis. */
    RUN_DUE("run-due");

    private final String suffix;

    Part(String suffix) {
      this.suffix = suffix;
    }
  }
}
