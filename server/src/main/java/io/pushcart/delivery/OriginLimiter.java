package io.pushcart.delivery;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Bounds the requests in flight to each push-service origin (FCM, Mozilla, Apple, WNS each get
 * their own budget), queueing the rest, and remembers when an origin asked us to back off
 * (429, WNS's 406 throttling, 503 with Retry-After). Confined to one event loop: no locks.
 */
final class OriginLimiter {
  private final int maxInFlight;
  private final Map<String, Slot> slots = new HashMap<>();

  OriginLimiter(int maxInFlight) {
    this.maxInFlight = maxInFlight;
  }

  private static final class Slot {
    int inFlight;
    long pausedUntil;
    final ArrayDeque<Promise<Void>> waiting = new ArrayDeque<>();
  }

  Future<Void> acquire(String origin) {
    Slot slot = slots.computeIfAbsent(origin, o -> new Slot());
    if (slot.inFlight < maxInFlight) {
      slot.inFlight++;
      return Future.succeededFuture();
    }
    Promise<Void> p = Promise.promise();
    slot.waiting.add(p);
    return p.future();
  }

  void release(String origin) {
    Slot slot = slots.get(origin);
    Promise<Void> next = slot.waiting.poll();
    if (next != null) {
      next.complete(); // the permit passes straight to the next in line
    } else {
      slot.inFlight--;
    }
  }

  /** No new request to {@code origin} before {@code untilMillis} (keeps the later of two pauses). */
  void pause(String origin, long untilMillis) {
    Slot slot = slots.computeIfAbsent(origin, o -> new Slot());
    slot.pausedUntil = Math.max(slot.pausedUntil, untilMillis);
  }

  /** When {@code origin} may be sent to again, or 0 when it is not paused at {@code nowMillis}. */
  long pausedUntil(String origin, long nowMillis) {
    Slot slot = slots.get(origin);
    return slot == null || slot.pausedUntil <= nowMillis ? 0 : slot.pausedUntil;
  }
}
