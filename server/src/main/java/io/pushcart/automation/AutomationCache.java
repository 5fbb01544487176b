package io.pushcart.automation;

import io.vertx.core.Future;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One API event loop's copy of each site's automations, for the event path: as of one cheap read
 * of their versions at most {@link #FRESH_MS} old; those that changed are read again, the others
 * are kept parsed. A batch of events costs one read here, and a change made on another instance
 * applies within {@link #FRESH_MS}; one made through this event loop, at once ({@link #changed}).
 * Confined to its event loop.
 */
final class AutomationCache {
  /** How old a read of a site's automation versions may be when an event uses it. */
  static final long FRESH_MS = 100;

  private record Cached(long version, Automation automation) {
  }

  private final AutomationStore store;
  /** Site → automation id → the parsed automation at a version. */
  private final Map<String, Map<String, Cached>> cache = new HashMap<>();
  /** Site → System.nanoTime() of the last read of its versions. */
  private final Map<String, Long> versionsReadAt = new HashMap<>();

  AutomationCache(AutomationStore store) {
    this.store = store;
  }

  /** The site's automations were changed here: the next event reads their versions again. */
  void changed(String site) {
    versionsReadAt.remove(site);
  }

  /** The site's automations, enabled or not. */
  Future<List<Automation>> all(String site) {
    Long readAt = versionsReadAt.get(site);
    if (readAt != null && System.nanoTime() - readAt < FRESH_MS * 1_000_000) {
      Map<String, Cached> cached = cache.getOrDefault(site, Map.of());
      return Future.succeededFuture(cached.values().stream().map(Cached::automation).toList());
    }
    return store.versions(site).compose(versions -> {
      Map<String, Cached> cached = cache.computeIfAbsent(site, s -> new HashMap<>());
      cached.keySet().retainAll(versions.keySet());
      List<String> changed = versions.entrySet().stream()
          .filter(e -> !cached.containsKey(e.getKey()) || cached.get(e.getKey()).version() != e.getValue()).map(Map.Entry::getKey).toList();
      return store.read(site, changed).map(read -> {
        read.forEach(r -> cached.put(r.automation().id(), new Cached(versions.get(r.automation().id()), r.automation())));
        versionsReadAt.put(site, System.nanoTime());
        return cached.values().stream().map(Cached::automation).toList();
      });
    });
  }

  /** The site's enabled automations. */
  Future<List<Automation>> enabled(String site) {
    return all(site).map(list -> list.stream().filter(Automation::enabled).toList());
  }
}
