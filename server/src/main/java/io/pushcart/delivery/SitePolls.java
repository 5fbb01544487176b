package io.pushcart.delivery;

import java.util.HashMap;
import java.util.Map;

/**
 * When one delivery worker next looks at each site for one kind of work (new units, due waves,
 * due retries), so that an idle site costs a Redis call every second or two instead of several
 * every second. A look ends with the time the worker learnt the next work is due (a zset's head),
 * trusted for at most {@code trustMillis}: other instances add work too, and this worker only
 * hears of its own instance's ({@link #lookNow}). Work announced while a look is under way (its
 * read may have gone out before the work was written) has the site looked at again at once, not
 * after the quiet period. Confined to the worker's event loop.
 */
final class SitePolls {
  private final long trustMillis;
  private final Map<String, Long> nextLook = new HashMap<>();
  /** How many announcements each site has had ({@link #lookNow}): a look compares the count at its start and end. */
  private final Map<String, Long> announced = new HashMap<>();

  SitePolls(long trustMillis) {
    this.trustMillis = trustMillis;
  }

  /** Whether the site is due a look at {@code now} (also when the clock was set back past the trust period). */
  boolean due(String site, long now) {
    Long at = nextLook.get(site);
    return at == null || now >= at || at - now > trustMillis;
  }

  /** A look at the site begins: what {@link #looked} is given when it ends. */
  long looking(String site) {
    return announced.getOrDefault(site, 0L);
  }

  /**
   * The look that began with {@code look} found nothing more due before {@code nextDueMillis}
   * (Long.MAX_VALUE: nothing at all): look again then, or after the trust period, whichever
   * comes first; at once if work was announced since it began.
   */
  void looked(String site, long look, long now, long nextDueMillis) {
    if (looking(site) != look) {
      nextLook.remove(site);
    } else {
      nextLook.put(site, Math.min(nextDueMillis, now + trustMillis));
    }
  }

  /** This instance added work to the site: look at once. */
  void lookNow(String site) {
    nextLook.remove(site);
    announced.merge(site, 1L, Long::sum);
  }

  /** Forgets the sites no longer polled. */
  void retainOnly(java.util.Collection<String> sites) {
    nextLook.keySet().retainAll(sites);
    announced.keySet().retainAll(sites);
  }
}
