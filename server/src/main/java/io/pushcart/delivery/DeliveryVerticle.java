package io.pushcart.delivery;

import io.pushcart.campaign.ActiveSites;
import io.pushcart.campaign.CampaignStatus;
import io.pushcart.campaign.CampaignStore;
import io.pushcart.campaign.StoredCampaign;
import io.pushcart.common.Ids;
import io.pushcart.common.Unavailable;
import io.pushcart.config.Config;
import io.pushcart.redis.RedisConnector;
import io.pushcart.site.SiteStore;
import io.pushcart.subscription.EndpointPolicy;
import io.pushcart.subscription.SubscriptionStore;
import io.pushcart.webpush.CryptoProvider;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.redis.client.Redis;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A delivery worker: claims work units from the sites' streams and runs them. Several run per
 * instance (one per core by default), each on its own event loop with its own push client;
 * every instance sharing a Redis shares the work. Per-message crypto runs on the shared
 * {@code pushcart-crypto} worker pool (one thread per core): measured at ~90 µs a message, it
 * would otherwise hold the event loop that reads push-service responses.
 */
public final class DeliveryVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(DeliveryVerticle.class.getName());
  /**
   * Units one worker runs at once: enough to overlap one unit's Redis round trips and its
   * slowest answers with the others' sending.
   */
  static final int UNITS_IN_FLIGHT = Integer.getInteger("pushcart.unitsInFlight", 4);
  static final long IDLE_POLL_MS = 100;
  /** While Redis is unavailable, a unit in hand is run again this often, at most {@link #MAX_RERUNS} times. */
  static final long RERUN_AFTER_MS = 1_000;
  static final int MAX_RERUNS = 120;
  static final long RETRY_POLL_MS = 250;
  /** How late a scheduled wave may fire: the schedule is read this often. */
  static final long SCHEDULE_POLL_MS = 250;
  /**
   * How often, and after how long idle, consumers of dead instances are removed from the groups
   * and sites without work from the active-site index.
   */
  static final long PRUNE_EVERY_MS = 10 * 60_000;
  static final long PRUNE_IDLE_MS = 60 * 60_000;

  private final Config config;
  private final String redisUrl;
  private final CryptoProvider crypto;
  private final DeliveryMetrics metrics;
  private final Clock clock;

  private Redis redis;
  private WorkQueue queue;
  private ScanStep scan;
  private SendStep send;
  private PushClient client;
  private WorkerExecutor cryptoWorkers;
  private CampaignCache campaigns;
  private ActiveSites activeSites;
  private SiteWatch watch;
  private SharedPauses pauses;

  /** The units in hand, by {@link #key} (two sites' streams can hand out the same entry id). */
  private final Map<String, WorkUnit> held = new HashMap<>();
  /** Keys of units in hand that another instance has taken over: we stalled; their remaining messages are its to send. */
  private final Set<String> lost = new HashSet<>();
  private final OutageLog outage = new OutageLog(LOG);
  private final List<Future<Void>> running = new ArrayList<>();
  private boolean polling;
  private boolean idleTimerSet;
  private boolean stopping;
  /** Set when the shutdown grace period is over: no further message of the units in hand is sent. */
  private boolean handingBack;
  private static final Exception HANDED_BACK = new Unavailable("not sent: shutting down, the unit is handed back", null);

  public DeliveryVerticle(Config config, String redisUrl, CryptoProvider crypto, DeliveryMetrics metrics, Clock clock) {
    this.config = config;
    this.redisUrl = redisUrl;
    this.crypto = crypto;
    this.metrics = metrics;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    redis = RedisConnector.create(vertx, config, redisUrl);
    queue = new WorkQueue(redis, config.instanceId() + "#" + Ids.random(4));
    campaigns = new CampaignCache(new CampaignStore(redis), clock);
    activeSites = new ActiveSites(redis);
    watch = new SiteWatch(activeSites, queue, clock);
    client = new PushClient(vertx, config);
    cryptoWorkers = vertx.createSharedWorkerExecutor("pushcart-crypto", Runtime.getRuntime().availableProcessors());
    int perWorker = Math.max(1, config.pushConcurrencyPerOrigin() / config.deliveryInstances());
    OriginLimiter limiter = new OriginLimiter(perWorker);
    pauses = new SharedPauses(redis, limiter, clock);
    scan = new ScanStep(redis, queue, clock);
    send = new SendStep(vertx, queue, new ProgressStore(redis), new SubscriptionStore(redis),
        new SiteSenders(new SiteStore(redis), crypto, clock), client, limiter, pauses,
        new RetryPolicy(config.pushMaxAttempts(), clock), new EndpointPolicy(config.extraPushHosts()),
        cryptoWorkers, metrics, clock);
    long claimIdle = config.claimIdleMillis();
    vertx.setPeriodic(Math.max(50, claimIdle / 3), id -> heartbeat());
    vertx.setPeriodic(Math.max(100, claimIdle / 2), id -> claimAbandoned());
    vertx.setPeriodic(RETRY_POLL_MS, id -> moveDueRetries());
    vertx.setPeriodic(RETRY_POLL_MS, id -> pauses.refresh()
        .onFailure(err -> outage.failed("reading push-service pauses", err)));
    vertx.setPeriodic(SCHEDULE_POLL_MS, id -> fireDueWaves());
    vertx.setPeriodic(PRUNE_EVERY_MS, id -> prune());
    vertx.eventBus().<String>localConsumer(ActiveSites.WORK_ADDRESS, message -> workAnnounced(message.body()));
    pump();
    return Future.succeededFuture();
  }

  /**
   * Graceful shutdown: takes no new unit and lets the units in hand finish for up to
   * PUSHCART_SHUTDOWN_GRACE_MS. Past that, their messages not yet sent are held back (those in
   * flight complete and are recorded), and every unit still in hand is handed back to the group
   * (heartbeat.lua with the claim time as idle time), for another instance's next take-over
   * round. Nothing in hand is acknowledged unless all its messages have an outcome.
   */
  @Override
  public Future<?> stop() {
    stopping = true;
    long waiting = vertx.setPeriodic(5_000, id -> LOG.info("stopping: waiting for " + running.size() + " work units to finish"));
    return Future.join(new ArrayList<>(running))
        .timeout(config.shutdownGraceMillis(), TimeUnit.MILLISECONDS)
        .recover(timedOut -> {
          handingBack = true;
          LOG.info("stopping: " + running.size() + " work units did not finish within PUSHCART_SHUTDOWN_GRACE_MS ("
              + config.shutdownGraceMillis() + " ms); their remaining messages are handed back");
          return Future.join(new ArrayList<>(running));
        })
        .onComplete(ar -> vertx.cancelTimer(waiting))
        .transform(ar -> handBackHeld())
        .transform(ar -> client.close())
        .transform(ar -> redis.close())
        .transform(ar -> cryptoWorkers.close());
  }

  /** Hands every unit still in hand back to its site's group, so another instance takes it at once. */
  private Future<Void> handBackHeld() {
    Map<String, List<String>> bySite = unitsBySite();
    List<Future<List<String>>> handed = new ArrayList<>();
    bySite.forEach((site, ids) -> handed.add(queue.handBack(site, ids, config.claimIdleMillis())));
    if (!bySite.isEmpty()) {
      LOG.info("stopping: handed back " + held.size() + " work units for another instance to take over");
    }
    return Future.join(handed).<Void>mapEmpty()
        .recover(err -> {
          LOG.warning("stopping: handing back work units failed (" + err.getMessage() + "); they are taken over "
              + "after PUSHCART_CLAIM_IDLE_MS instead");
          return Future.succeededFuture();
        });
  }

  private Map<String, List<String>> unitsBySite() {
    Map<String, List<String>> bySite = new HashMap<>();
    held.values().forEach(u -> bySite.computeIfAbsent(u.siteId(), s -> new ArrayList<>()).add(u.entryId()));
    return bySite;
  }

  private void pump() {
    if (stopping || polling || running.size() >= UNITS_IN_FLIGHT) {
      return;
    }
    polling = true;
    watch.nextNewUnit().onComplete(ar -> {
      polling = false;
      if (ar.succeeded() && ar.result() != null) {
        run(ar.result());
        pump();
      } else {
        if (ar.failed()) {
          outage.failed("reading work", ar.cause());
        } else {
          outage.ok();
        }
        idleThenPump();
      }
    });
  }

  private void idleThenPump() {
    if (!idleTimerSet && !stopping) {
      idleTimerSet = true;
      vertx.setTimer(IDLE_POLL_MS, id -> {
        idleTimerSet = false;
        pump();
      });
    }
  }

  /** This instance added work to the site: look at it at once. */
  private void workAnnounced(String site) {
    watch.workAnnounced(site);
    pump();
  }

  private void announceWork(String site) {
    ActiveSites.announceWork(vertx.eventBus(), site);
  }

  private static String key(String siteId, String entryId) {
    return siteId + " " + entryId;
  }

  private static String key(WorkUnit unit) {
    return key(unit.siteId(), unit.entryId());
  }

  private void run(WorkUnit unit) {
    run(unit, 0);
  }

  /** Runs a unit; {@code reruns}: how often this worker has run it again after Redis was unavailable. */
  private void run(WorkUnit unit, int reruns) {
    String key = key(unit);
    held.put(key, unit);
    Future<Void> done = (unit instanceof WorkUnit.Unreadable ? Future.<StoredCampaign>succeededFuture(null)
        : campaigns.get(unit.siteId(), unit.campaignId()))
        .compose(campaign -> {
          if (campaign == null || campaign.status() != CampaignStatus.SENDING) {
            return queue.ack(unit); // unreadable, or cancelled, completed or deleted: nothing to send
          }
          return unit instanceof WorkUnit.Scan s ? scan.run(s, campaign)
              : send.run((WorkUnit.Send) unit, campaign, () -> handingBack ? Future.failedFuture(HANDED_BACK)
                  : lost.contains(key) ? Future.succeededFuture(false)
                  : campaigns.get(unit.siteId(), unit.campaignId()).map(c -> c != null && c.status() == CampaignStatus.SENDING));
        });
    running.add(done);
    done.onComplete(ar -> {
      running.remove(done);
      boolean wasLost = lost.remove(key);
      if (ar.succeeded()) {
        outage.ok();
        // A scan adds send units; a send may add retries: every worker here looks at the site again.
        announceWork(unit.siteId());
        held.remove(key);
      } else if (stopping && !wasLost) {
        // Kept in hand: stop() hands it back to the group for another instance.
      } else if (Unavailable.in(ar.cause()) && !wasLost && reruns < MAX_RERUNS) {
        // Redis is away: the unit stays ours (heart-beaten) and runs again when it may be back.
        outage.failed("running work units", ar.cause());
        vertx.setTimer(RERUN_AFTER_MS, id -> {
          if (!stopping) {
            run(unit, reruns + 1); // (when stopping, it stays in hand and is handed back)
          }
        });
      } else {
        // Left pending: after the claim time some instance (maybe this one) takes it over.
        held.remove(key);
        if (!Unavailable.in(ar.cause())) {
          LOG.log(Level.WARNING, "work unit " + unit.entryId() + " of campaign " + unit.campaignId() + " of site "
              + unit.siteId() + " failed; it runs again after PUSHCART_CLAIM_IDLE_MS: " + ar.cause().getMessage(), ar.cause());
          queue.noteFailure(unit, String.valueOf(ar.cause().getMessage()))
              .onFailure(err -> outage.failed("noting a unit's failure", err));
        }
      }
      pump();
    });
  }

  private void heartbeat() {
    campaigns.evictStale();
    unitsBySite().forEach((site, ids) -> queue.heartbeat(site, ids)
        .onSuccess(taken -> taken.stream().map(id -> key(site, id)).filter(held::containsKey).forEach(id -> {
          if (lost.add(id)) {
            LOG.warning("work unit " + id + " was taken over by another instance (this one stalled longer than "
                + "PUSHCART_CLAIM_IDLE_MS): it stops sending it");
          }
        }))
        .onFailure(err -> outage.failed("heart-beating units in hand", err)));
  }

  /**
   * Takes over units whose owner stopped heart-beating, within this worker's free capacity:
   * every site in one round, so that recovery after a crash does not slow down with the number
   * of sites. A unit claimed as shutdown begins is left pending for another instance.
   */
  private void claimAbandoned() {
    claimFrom(new ArrayList<>(watch.sites()), 0);
  }

  private void claimFrom(List<String> sites, int next) {
    int room = UNITS_IN_FLIGHT - running.size();
    if (stopping || room <= 0 || next >= sites.size()) {
      return;
    }
    String site = sites.get(next);
    queue.claimAbandoned(site, config.claimIdleMillis(), room, clock.instant())
        .onSuccess(units -> units.forEach(u -> {
          if (!stopping && !held.containsKey(key(u))) {
            LOG.info("took over abandoned work unit " + u.entryId() + " of campaign " + u.campaignId() + " of site " + site);
            run(u);
          }
        }))
        .onFailure(err -> outage.failed("taking over abandoned units", err))
        .onSuccess(units -> claimFrom(sites, next + 1));
  }

  /** Scheduled campaigns (and local-time waves) whose time has come start sending. */
  private void fireDueWaves() {
    announceMoved("firing scheduled campaigns", watch::fireDueWaves);
  }

  private void prune() {
    if (!stopping) {
      activeSites.pruneIdle(clock.millis(), PRUNE_IDLE_MS)
          .onFailure(err -> outage.failed("pruning idle sites", err));
    }
    forEachSite("pruning consumers", site -> queue.pruneConsumers(site, PRUNE_IDLE_MS).onSuccess(n -> {
      if (n > 0) {
        LOG.info("removed " + n + " idle consumers of dead instances from site " + site + "'s work group");
      }
    }));
  }

  private void moveDueRetries() {
    announceMoved("moving retries", watch::moveDueRetries);
  }

  /** Runs one round of moves unless stopping; the sites where work moved are announced, failures logged. */
  private void announceMoved(String what, Supplier<List<Future<String>>> round) {
    if (stopping) {
      return;
    }
    round.get().forEach(look -> look
        .onSuccess(site -> {
          if (site != null) {
            announceWork(site);
          }
        })
        .onFailure(err -> outage.failed(what, err)));
  }

  /** One periodic step for each site with work, unless stopping; a failure is logged as "{what} failed". */
  private void forEachSite(String what, Function<String, Future<?>> step) {
    if (stopping) {
      return;
    }
    for (String site : watch.sites()) {
      step.apply(site).onFailure(err -> outage.failed(what, err));
    }
  }
}
