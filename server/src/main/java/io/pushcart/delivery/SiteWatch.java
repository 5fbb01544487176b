package io.pushcart.delivery;

import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Which sites one delivery worker polls (the active-site index, refreshed every
 * {@link #SITES_REFRESH_MS}), in turn, and when it next looks at each for new units, due waves
 * and due retries ({@link SitePolls}). Confined to the worker's event loop.
 */
final class SiteWatch {
  static final long SITES_REFRESH_MS = 2_000;
  /**
   * How long a worker leaves a site whose stream had no new unit. Work this instance adds is
   * announced on the event bus and looked at at once; another instance's is seen within this.
   */
  static final long QUIET_MS = 1_000;
  /**
   * How long a worker trusts the next due time it read of a site's schedule or retries before
   * reading them again: another instance may have added an earlier one.
   */
  static final long DUE_TRUST_MS = 2_000;

  private final ActiveSites activeSites;
  private final WorkQueue queue;
  private final Clock clock;
  private final SitePolls newUnits = new SitePolls(QUIET_MS);
  private final SitePolls waves = new SitePolls(DUE_TRUST_MS);
  private final SitePolls retries = new SitePolls(DUE_TRUST_MS);
  private final SitePolls steps = new SitePolls(DUE_TRUST_MS);
  private List<String> sites = List.of();
  private long sitesReadAt;
  private int nextSite;
  private int nextClaimSite;

  SiteWatch(ActiveSites activeSites, WorkQueue queue, Clock clock) {
    this.activeSites = activeSites;
    this.queue = queue;
    this.clock = clock;
  }

  /** The sites polled now. */
  List<String> sites() {
    return sites;
  }

  /** The site to look for abandoned units in this round (each in turn), or null when there are none. */
  String nextToClaimFrom() {
    return sites.isEmpty() ? null : sites.get(Math.floorMod(nextClaimSite++, sites.size()));
  }

  /** The next new unit of any site, visiting sites in turn so that one big campaign does not starve the others. */
  Future<WorkUnit> nextNewUnit() {
    return knownSites().compose(list -> tryFrom(list, 0));
  }

  private Future<WorkUnit> tryFrom(List<String> list, int tried) {
    long now = clock.millis();
    for (int visited = tried; visited < list.size(); visited++) {
      String site = list.get(Math.floorMod(nextSite++, list.size()));
      if (newUnits.due(site, now)) {
        int next = visited + 1;
        long look = newUnits.looking(site);
        return queue.readNew(site, 1).compose(units -> {
          if (units.isEmpty()) {
            newUnits.looked(site, look, clock.millis(), Long.MAX_VALUE);
            return tryFrom(list, next);
          }
          return Future.succeededFuture(units.get(0));
        });
      }
    }
    return Future.succeededFuture(null);
  }

  private Future<List<String>> knownSites() {
    long age = clock.millis() - sitesReadAt;
    if (age >= 0 && age < SITES_REFRESH_MS) {
      return Future.succeededFuture(sites);
    }
    return activeSites.list().map(list -> {
      sites = list;
      sitesReadAt = clock.millis();
      List.of(newUnits, waves, retries, steps).forEach(polls -> polls.retainOnly(list));
      return list;
    });
  }

  /** This instance added work to the site (a campaign, a fired wave, units, retries): look at it at once. */
  void workAnnounced(String site) {
    List.of(newUnits, waves, retries, steps).forEach(polls -> polls.lookNow(site));
    if (!sites.contains(site)) {
      List<String> more = new ArrayList<>(sites);
      more.add(site);
      sites = more; // until the next refresh of the active-site index lists it
    }
  }

  /** fire_due.lua for each site due a look at its schedule; each completes with the site if waves fired, else null. */
  List<Future<String>> fireDueWaves() {
    return pollEach(waves, site -> queue.fireDue(site, clock.instant(), 100));
  }

  /** Runs fire_steps.lua dispatches at most per call. */
  static final int STEPS_PER_FIRE = 1000;

  /**
   * fire_steps.lua for each site due a look at its automation runs; each completes with the site
   * if steps fired, else null. A site that fired as many as one call may is looked at again at
   * once (more are due): {@link #moreStepsDue} says so.
   */
  List<Future<String>> fireDueSteps() {
    return pollEach(steps, site -> queue.fireDueSteps(site, clock.millis(), STEPS_PER_FIRE).onSuccess(moved -> {
      if (moved.count() >= STEPS_PER_FIRE) {
        stepsBacklog = true;
      }
    }));
  }

  private boolean stepsBacklog;

  /** Whether the last rounds left steps due (a burst larger than one call): taken, so asked once per burst. */
  boolean moreStepsDue() {
    boolean more = stepsBacklog;
    stepsBacklog = false;
    return more;
  }

  /** claim_retries.lua for each site due a look at its retries; each completes with the site if retries moved, else null. */
  List<Future<String>> moveDueRetries() {
    return pollEach(retries, site -> queue.claimDueRetries(site, clock.millis(), 1000));
  }

  /** One move of due entries into the work stream for each site due a look; each look says when the next entry is due. */
  private List<Future<String>> pollEach(SitePolls polls, Function<String, Future<WorkQueue.Moved>> move) {
    long now = clock.millis();
    List<Future<String>> looks = new ArrayList<>();
    for (String site : sites) {
      if (polls.due(site, now)) {
        long look = polls.looking(site);
        looks.add(move.apply(site).map(moved -> {
          polls.looked(site, look, clock.millis(), moved.nextDueMillis());
          if (polls == steps && moved.count() >= STEPS_PER_FIRE) {
            polls.lookNow(site);
          }
          return moved.count() > 0 ? site : null;
        }));
      }
    }
    return looks;
  }
}
