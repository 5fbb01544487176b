package io.pushcart.delivery;

import io.vertx.core.Future;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A worker's copies of what it reads from Redis by key (a site's engagement rules, an
 * automation), each used for at most {@code maxAgeMillis} of real time after it was read, so a
 * change reaches the worker within that. Callers during a read share it; a failed read is not
 * kept. Confined to the worker's event loop.
 */
final class WorkerCache<V> {
  private record Entry<V>(Future<V> value, long readAtNanos) {
  }

  private final long maxAgeNanos;
  private final Map<String, Entry<V>> entries = new HashMap<>();

  WorkerCache(long maxAgeMillis) {
    this.maxAgeNanos = maxAgeMillis * 1_000_000;
  }

  /** The value read at most the maximum age ago, or {@code read}'s (then kept). */
  Future<V> get(String key, Supplier<Future<V>> read) {
    Entry<V> cached = entries.get(key);
    if (cached != null && System.nanoTime() - cached.readAtNanos() < maxAgeNanos) {
      return cached.value();
    }
    Future<V> value = read.get();
    Entry<V> entry = new Entry<>(value, System.nanoTime());
    entries.put(key, entry);
    value.onFailure(err -> entries.remove(key, entry));
    return value;
  }

  /** Drops the entries too old to be used again. */
  void evictStale() {
    long now = System.nanoTime();
    entries.values().removeIf(e -> now - e.readAtNanos() > maxAgeNanos);
  }
}
