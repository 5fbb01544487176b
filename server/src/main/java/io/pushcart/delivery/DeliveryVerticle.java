package io.pushcart.delivery;

import io.pushcart.automation.AutomationStore;
import io.pushcart.campaign.CampaignStore;
import io.pushcart.common.Ids;
import io.pushcart.config.Config;
import io.pushcart.engagement.Report;
import io.pushcart.redis.RedisConnector;
import io.pushcart.segment.AudienceReader;
import io.pushcart.segment.SegmentStore;
import io.pushcart.site.KeyVault;
import io.pushcart.site.SiteStore;
import io.pushcart.subscription.EndpointPolicy;
import io.pushcart.subscription.IndexBackfill;
import io.pushcart.subscription.SubscriptionStore;
import io.pushcart.webpush.CryptoProvider;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.redis.client.Redis;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * A delivery worker, wired: a {@link StreamWorker} running campaign units ({@link CampaignUnits}),
 * and the periodic moves that feed the streams (due waves, due retries) and prune them. Several
 * run per instance (one per core by default), each on its own event loop with its own push
 * client and Redis client; every instance sharing a Redis shares the work. Per-message crypto runs on the shared
 * {@code pushcart-crypto} worker pool (one thread per core): measured at ~90 µs a message, it
 * would otherwise hold the event loop that reads push-service responses.
 */
public final class DeliveryVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(DeliveryVerticle.class.getName());
  static final long RETRY_POLL_MS = 250;
  /** How late a scheduled wave may fire: the schedule is read this often. */
  static final long SCHEDULE_POLL_MS = 250;
  /**
   * How often, and after how long idle, consumers of dead instances are removed from the groups
   * and sites without work from the active-site index; as often, in-flight marks whose unit is
   * gone are handed back ({@link OrphanSweep}).
   */
  static final long PRUNE_EVERY_MS = 10 * 60_000;
  static final long BACKFILL_RETRY_MS = 5_000;
  static final long GAUGES_EVERY_MS = 5_000;
  static final long PRUNE_IDLE_MS = 60 * 60_000;

  private final Config config;
  private final String redisUrl;
  private final CryptoProvider crypto;
  private final DeliveryMetrics metrics;
  private final Clock clock;
  private final OutageLog outage = new OutageLog(LOG);

  private Redis redis;
  private WorkQueue queue;
  private PushClient client;
  private WorkerExecutor cryptoWorkers;
  private ActiveSites activeSites;
  private SiteWatch watch;
  private StreamWorker worker;
  private OrphanSweep orphans;
  private RetentionSweep retention;

  public DeliveryVerticle(Config config, String redisUrl, CryptoProvider crypto, DeliveryMetrics metrics, Clock clock) {
    this.config = config;
    this.redisUrl = redisUrl;
    this.crypto = crypto;
    this.metrics = DeliveryMetrics.withPrometheus(metrics);
    this.clock = clock;
  }

  /** Set once stopping: the worker is not started after that. */
  private boolean stopped;

  @Override
  public Future<?> start() {
    redis = RedisConnector.create(vertx, config, redisUrl);
    queue = new WorkQueue(redis, config.instanceId() + "#" + Ids.random(4));
    activeSites = new ActiveSites(redis);
    watch = new SiteWatch(activeSites, queue, clock);
    client = new PushClient(vertx, config);
    cryptoWorkers = vertx.createSharedWorkerExecutor("pushcart-crypto", Runtime.getRuntime().availableProcessors());
    int perWorker = Math.max(1, config.pushConcurrencyPerOrigin() / config.deliveryInstances());
    OriginLimiter limiter = new OriginLimiter(perWorker);
    SharedPauses pauses = new SharedPauses(redis, limiter, clock);
    SiteStore sites = new SiteStore(redis, KeyVault.of(config.masterKey()));
    EngagementGate gate = new EngagementGate(redis, sites);
    PushAttempt attempts = new PushAttempt(client, limiter, pauses, new RetryPolicy(config.pushMaxAttempts(), clock), metrics, clock);
    SendStep send = new SendStep(vertx, queue, new SubscriptionStore(redis), new SiteSenders(sites, crypto, clock), limiter, attempts,
        new EndpointPolicy(config.extraPushHosts()), cryptoWorkers, gate, new Report(redis, clock), clock);
    CampaignStore campaignStore = new CampaignStore(redis, activeSites);
    CampaignUnits campaignUnits = new CampaignUnits(new CampaignCache(campaignStore, clock), queue,
        new ScanStep(new AudienceReader(redis), new SegmentStore(redis), queue, campaignStore, clock), send, new ProgressStore(redis), new SiteNames(redis), clock);
    orphans = new OrphanSweep(redis);
    retention = new RetentionSweep(redis, Duration.ofDays(config.retentionDays()),
        Duration.ofDays(config.eventRetentionDays()), clock);
    RunUnits runUnits = new RunUnits(redis, new AutomationStore(redis, activeSites), new SegmentStore(redis), queue, send, clock);
    StreamWorker.UnitRunner units = (unit, lease) -> RunUnits.owns(unit) ? runUnits.run(unit, lease) : campaignUnits.run(unit, lease);
    worker = new StreamWorker(vertx, queue, watch, units, outage, clock, config.claimIdleMillis());

    vertx.setPeriodic(RETRY_POLL_MS, id -> moveDueRetries());
    vertx.setPeriodic(RETRY_POLL_MS, id -> pauses.refresh()
        .onFailure(err -> outage.failed("reading push-service pauses", err)));
    vertx.setPeriodic(SCHEDULE_POLL_MS, id -> fireDueWaves());
    vertx.setPeriodic(SCHEDULE_POLL_MS, id -> dispatchDueSteps());
    vertx.setPeriodic(RunUnits.AUTOMATION_MAX_AGE_MS, id -> runUnits.evictStale());
    // A transactional push entered on this instance is due at once: dispatch it now, not at the next poll.
    vertx.eventBus().<String>localConsumer(ActiveSites.STEPS_DUE_ADDRESS, message -> {
      watch.workAnnounced(message.body());
      dispatchDueSteps();
    });
    vertx.setPeriodic(CampaignCache.MAX_AGE_MS, id -> campaignUnits.evictStale());
    vertx.setPeriodic(EngagementGate.MAX_AGE_MS, id -> gate.evictStale());
    vertx.setPeriodic(PRUNE_EVERY_MS, id -> prune());
    QueueGauges gauges = new QueueGauges(redis);
    vertx.setPeriodic(GAUGES_EVERY_MS, id -> gauges.refresh(watch.sites(), clock.millis())
        .onFailure(err -> outage.failed("reading queue gauges", err)));
    startAfterBackfill(new IndexBackfill(redis));
    return Future.succeededFuture();
  }

  /**
   * Delivery waits for the subscriptions of an earlier version to be indexed (IndexBackfill):
   * a campaign fanned out before would miss them. Tried again while Redis cannot answer.
   */
  private void startAfterBackfill(IndexBackfill backfill) {
    backfill.run().onSuccess(n -> {
      if (!stopped) {
        worker.start();
      }
    }).onFailure(err -> {
      outage.failed("indexing subscriptions of an earlier version", err);
      if (!stopped) {
        vertx.setTimer(BACKFILL_RETRY_MS, id -> startAfterBackfill(backfill));
      }
    });
  }

  /** The stream worker's graceful stop (PUSHCART_SHUTDOWN_GRACE_MS), then the clients close. */
  @Override
  public Future<?> stop() {
    stopped = true;
    return worker.stop(config.shutdownGraceMillis())
        .transform(ar -> client.close())
        .transform(ar -> redis.close())
        .transform(ar -> cryptoWorkers.close());
  }

  /** Scheduled campaigns (and local-time waves) whose time has come start sending. */
  private void fireDueWaves() {
    announceMoved("firing scheduled campaigns", watch::fireDueWaves);
  }

  /**
   * Automation steps whose time has come become send units; a burst larger than one call is
   * dispatched in calls one after another, not one per poll.
   */
  private void dispatchDueSteps() {
    if (worker.stopping()) {
      return;
    }
    List<Future<String>> looks = watch.fireDueSteps();
    looks.forEach(look -> look
        .onSuccess(site -> {
          if (site != null) {
            ActiveSites.announceWork(vertx.eventBus(), site);
          }
        })
        .onFailure(err -> outage.failed("dispatching automation steps", err)));
    Future.join(looks).onComplete(done -> {
      if (watch.moreStepsDue()) {
        dispatchDueSteps();
      }
    });
  }

  private void moveDueRetries() {
    announceMoved("moving retries", watch::moveDueRetries);
  }

  private void prune() {
    if (worker.stopping()) {
      return;
    }
    activeSites.pruneIdle(clock.millis(), PRUNE_IDLE_MS).onFailure(err -> outage.failed("pruning idle sites", err));
    for (String site : watch.sites()) {
      queue.pruneConsumers(site, PRUNE_IDLE_MS)
          .onSuccess(n -> {
            if (n > 0) {
              LOG.info("removed " + n + " idle consumers of dead instances from site " + site + "'s work group");
            }
          })
          .onFailure(err -> outage.failed("pruning consumers", err));
      orphans.sweepSite(site, clock.millis())
          .onSuccess(n -> {
            if (n > 0) {
              LOG.warning("handed back " + n + " messages of site " + site + " marked in flight by work units that no "
                  + "longer exist; they are sent as retries (please report this: it should not happen)");
            }
          })
          .onFailure(err -> outage.failed("sweeping in-flight marks", err));
    }
    retention.run().onSuccess(n -> {
      if (n > 0) {
        LOG.info("deleted the per-subscriber details of " + n + " campaigns finished more than "
            + config.retentionDays() + " days ago (PUSHCART_RETENTION_DAYS); their summaries stay");
      }
    }).onFailure(err -> outage.failed("deleting expired campaign details", err));
  }

  /** Runs one round of moves unless stopping; the sites where work moved are announced, failures logged. */
  private void announceMoved(String what, Supplier<List<Future<String>>> round) {
    if (worker.stopping()) {
      return;
    }
    round.get().forEach(look -> look
        .onSuccess(site -> {
          if (site != null) {
            ActiveSites.announceWork(vertx.eventBus(), site);
          }
        })
        .onFailure(err -> outage.failed(what, err)));
  }
}
