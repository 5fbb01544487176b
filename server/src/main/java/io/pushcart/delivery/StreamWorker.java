package io.pushcart.delivery;

import io.pushcart.common.Unavailable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One worker of the sites' work streams. It knows work units, not what they do: it reads new
 * units and runs up to {@link #UNITS_IN_FLIGHT} at once through a {@link UnitRunner}, keeps the
 * units in hand its own (heartbeats), runs a unit again while Redis is away, takes over the
 * units of instances that died, and at shutdown hands back what it could not finish. Campaign
 * fan-out is one runner; automation steps become another kind of unit for the same worker.
 * Confined to its verticle's event loop.
 */
final class StreamWorker {
  private static final Logger LOG = Logger.getLogger(StreamWorker.class.getName());
  /**
   * Units one worker runs at once: enough to overlap one unit's Redis round trips and its
   * slowest answers with the others' sending.
   */
  static final int UNITS_IN_FLIGHT = Integer.getInteger("pushcart.unitsInFlight", 4);
  static final long IDLE_POLL_MS = 100;
  /** While Redis is unavailable, a unit in hand is run again this often, at most {@link #MAX_RERUNS} times. */
  static final long RERUN_AFTER_MS = 1_000;
  static final int MAX_RERUNS = 120;
  private static final Unavailable HANDED_BACK = new Unavailable("not run further: shutting down, the unit is handed back", null);

  /** Runs one unit to its end: acknowledged, or failed (left pending, to run again). */
  interface UnitRunner {
    Future<Void> run(WorkUnit unit, Lease lease);
  }

  /** What a runner asks the worker while a unit runs. */
  interface Lease {
    /**
     * Whether the unit may go on: fails once the worker is handing units back (shutting down),
     * false once another instance has taken the unit over (this one stalled past the claim time).
     */
    Future<Boolean> mayContinue();
  }

  private final Vertx vertx;
  private final WorkQueue queue;
  private final SiteWatch watch;
  private final UnitRunner runner;
  private final OutageLog outage;
  private final Clock clock;
  private final long claimIdleMillis;

  /** The units in hand, by {@link #key} (two sites' streams hand out the same entry ids). */
  private final Map<String, WorkUnit> held = new HashMap<>();
  /** Keys of units in hand that another instance has taken over: their remaining work is its. */
  private final Set<String> lost = new HashSet<>();
  private final List<Future<Void>> running = new ArrayList<>();
  private boolean polling;
  /** Work was announced while a read was out: the read may have missed it, so the next one goes at once. */
  private boolean announcedWhilePolling;
  private boolean idleTimerSet;
  private boolean stopping;
  private boolean handingBack;

  StreamWorker(Vertx vertx, WorkQueue queue, SiteWatch watch, UnitRunner runner, OutageLog outage, Clock clock,
               long claimIdleMillis) {
    this.vertx = vertx;
    this.queue = queue;
    this.watch = watch;
    this.runner = runner;
    this.outage = outage;
    this.clock = clock;
    this.claimIdleMillis = claimIdleMillis;
  }

  void start() {
    vertx.setPeriodic(Math.max(50, claimIdleMillis / 3), id -> heartbeat());
    vertx.setPeriodic(Math.max(100, claimIdleMillis / 2), id -> claimAbandoned());
    vertx.eventBus().<String>localConsumer(ActiveSites.WORK_ADDRESS, message -> workAnnounced(message.body()));
    pump();
  }

  boolean stopping() {
    return stopping;
  }

  /**
   * Takes no new unit and lets the units in hand finish for up to {@code graceMillis}. Past that,
   * their runners are told to stop (those in flight complete and are recorded), and every unit
   * still in hand is handed back to the group (its idle time set to the claim time), for any
   * instance's next take-over round. Nothing is acknowledged that did not finish.
   */
  Future<Void> stop(long graceMillis) {
    stopping = true;
    long waiting = vertx.setPeriodic(5_000, id -> LOG.info("stopping: waiting for " + running.size() + " work units to finish"));
    return Future.join(new ArrayList<>(running))
        .timeout(graceMillis, TimeUnit.MILLISECONDS)
        .recover(timedOut -> {
          handingBack = true;
          LOG.info("stopping: " + running.size() + " work units did not finish within PUSHCART_SHUTDOWN_GRACE_MS ("
              + graceMillis + " ms); their remaining messages are handed back");
          return Future.join(new ArrayList<>(running));
        })
        .onComplete(ar -> vertx.cancelTimer(waiting))
        .transform(ar -> handBackHeld());
  }

  private Future<Void> handBackHeld() {
    Map<String, List<String>> bySite = unitsBySite();
    List<Future<WorkQueue.Lost>> handed = new ArrayList<>();
    bySite.forEach((site, ids) -> handed.add(queue.handBack(site, ids, claimIdleMillis)));
    if (!bySite.isEmpty()) {
      LOG.info("stopping: handed back " + held.size() + " work units for another instance to take over");
    }
    return Future.join(handed).<Void>mapEmpty().recover(err -> {
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
    announcedWhilePolling = false;
    watch.nextNewUnit().onComplete(ar -> {
      polling = false;
      if (ar.succeeded() && ar.result() != null) {
        run(ar.result(), 0);
        pump();
      } else {
        if (ar.failed()) {
          outage.failed("reading work", ar.cause());
        } else {
          outage.ok();
        }
        if (ar.succeeded() && announcedWhilePolling) {
          announcedWhilePolling = false;
          pump();
        } else {
          idleThenPump();
        }
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
    announcedWhilePolling |= polling;
    pump();
  }

  private static String key(String siteId, String entryId) {
    return siteId + " " + entryId;
  }

  private static String key(WorkUnit unit) {
    return key(unit.siteId(), unit.entryId());
  }

  /** Runs a unit; {@code reruns}: how often this worker has run it again after Redis was unavailable. */
  private void run(WorkUnit unit, int reruns) {
    String key = key(unit);
    held.put(key, unit);
    Lease lease = () -> handingBack ? Future.failedFuture(HANDED_BACK) : Future.succeededFuture(!lost.contains(key));
    Future<Void> done = runner.run(unit, lease);
    running.add(done);
    done.onComplete(ar -> {
      running.remove(done);
      boolean wasLost = lost.remove(key);
      if (ar.succeeded()) {
        outage.ok();
        // A scan adds send units; a send may add retries: every worker here looks at the site again.
        ActiveSites.announceWork(vertx.eventBus(), unit.siteId());
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
    unitsBySite().forEach((site, ids) -> queue.heartbeat(site, ids)
        .onSuccess(gone -> {
          gone.taken().stream().map(id -> key(site, id)).filter(held::containsKey).forEach(id -> {
            if (lost.add(id)) {
              LOG.warning("work unit " + id + " was taken over by another instance (this one stalled longer than "
                  + "PUSHCART_CLAIM_IDLE_MS): it stops sending it");
            }
          });
          // Acknowledged meanwhile: most often by this worker, finishing it as the heartbeat ran; if
          // not, whoever took it over finished it. Either way nothing more of it is sent from here.
          gone.gone().stream().map(id -> key(site, id)).filter(held::containsKey).forEach(lost::add);
        })
        .onFailure(err -> outage.failed("heart-beating units in hand", err)));
  }

  /**
   * Takes over units whose owner stopped heart-beating, within this worker's free capacity:
   * every site in one round, so that recovery after a crash does not slow down with the number
   * of sites. Units delivered too often are parked instead (claim_abandoned.lua).
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
    queue.claimAbandoned(site, claimIdleMillis, room, clock.instant())
        .onSuccess(units -> units.forEach(u -> {
          if (!stopping && !held.containsKey(key(u))) {
            LOG.info("took over abandoned work unit " + u.entryId() + " of campaign " + u.campaignId() + " of site " + site);
            run(u, 0);
          }
        }))
        .onFailure(err -> outage.failed("taking over abandoned units", err))
        .onSuccess(units -> claimFrom(sites, next + 1));
  }
}
