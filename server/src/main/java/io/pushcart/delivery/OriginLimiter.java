package io.pushcart.delivery;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
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
    /** Releases not yet handed on, and whether a release is handing them on now (see {@link #release}). */
    int released;
    boolean handingOn;
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

  /**
   * The permit passes straight to the next in line. Completing its promise may run a whole
   * message synchronously (one that is not sent after all) and release again: that release is
   * counted and handed on by the loop here, not by a nested call, so a long queue cannot
   * overflow the stack.
   */
  void release(String origin) {
    Slot slot = slots.get(origin);
    slot.released++;
    if (slot.handingOn) {
      return;
    }
    slot.handingOn = true;
    try {
      while (slot.released > 0) {
        slot.released--;
        Promise<Void> next = slot.waiting.poll();
        if (next != null) {
          next.complete();
        } else {
          slot.inFlight--;
        }
      }
    } finally {
      slot.handingOn = false;
    }
  }

  /** No new request to {@code origin} before {@code untilMillis} (keeps the later of two pauses). */
  void pause(String origin, long untilMillis) {
    Slot slot = slots.computeIfAbsent(origin, o -> new Slot());
    slot.pausedUntil = Math.max(slot.pausedUntil, untilMillis);
  }

  /** The push-service origins this limiter has seen. */
  List<String> origins() {
    return List.copyOf(slots.keySet());
  }

  /** When {@code origin} may be sent to again, or 0 when it is not paused at {@code nowMillis}. */
  long pausedUntil(String origin, long nowMillis) {
    Slot slot = slots.get(origin);
    return slot == null || slot.pausedUntil <= nowMillis ? 0 : slot.pausedUntil;
  }
}
