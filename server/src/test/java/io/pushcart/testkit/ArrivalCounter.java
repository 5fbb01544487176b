package io.pushcart.testkit;

import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts arrivals and completes futures when a count is reached. The hot path is one atomic
 * increment and one volatile read; the lock is taken only when a waiter is due. With
 * {@link #stamp}, each arrival's {@code nanoTime} is kept by its number, taken as it is counted:
 * a benchmark times arrivals without a thread of its own polling the count.
 */
final class ArrivalCounter {

  private final AtomicInteger count = new AtomicInteger();
  private final Object lock = new Object();
  private final PriorityQueue<Waiter> waiters =
      new PriorityQueue<>((a, b) -> Integer.compare(a.target, b.target));
  private volatile int nextTarget = Integer.MAX_VALUE;
  /** nanoTime of arrival n at n - 1 (0: not written yet), the first {@code length()} arrivals; null when not stamping. */
  private volatile AtomicLongArray stamps;

  void arrived() {
    AtomicLongArray s = stamps;
    long at = s == null ? 0 : System.nanoTime();
    int now = count.incrementAndGet();
    if (s != null && now <= s.length()) {
      s.set(now - 1, at == 0 ? 1 : at); // 0 means "not yet": a nanoTime of 0 is kept as 1
    }
    if (now >= nextTarget) {
      releaseDue();
    }
  }

  /** Keeps the arrival time of the first {@code capacity} arrivals (set before any). */
  void stamp(int capacity) {
    stamps = new AtomicLongArray(capacity);
  }

  /**
   * The nanoTime arrival number {@code index + 1} was counted at, or 0 when that arrival is
   * counted but its time not written yet (an instant later: another thread counted it), or
   * has not come.
   */
  long stampOf(int index) {
    return stamps.get(index);
  }

  int count() {
    return count.get();
  }

  /** Completes once at least {@code target} arrivals have been counted. */
  CompletableFuture<Void> whenCount(int target) {
    synchronized (lock) {
      if (count.get() >= target) {
        return CompletableFuture.completedFuture(null);
      }
      Waiter waiter = new Waiter(target);
      waiters.add(waiter);
      nextTarget = waiters.peek().target;
      // An arrival may have read the old nextTarget between our check and the write above.
      releaseDueLocked();
      return waiter.future;
    }
  }

  /** Drops a waiter that is no longer awaited (e.g. after a timeout). */
  void forget(CompletableFuture<Void> future) {
    synchronized (lock) {
      waiters.removeIf(w -> w.future == future);
      nextTarget = waiters.isEmpty() ? Integer.MAX_VALUE : waiters.peek().target;
    }
  }

  void reset() {
    synchronized (lock) {
      count.set(0);
    }
  }

  private void releaseDue() {
    synchronized (lock) {
      releaseDueLocked();
    }
  }

  private void releaseDueLocked() {
    int now = count.get();
    while (!waiters.isEmpty() && waiters.peek().target <= now) {
      waiters.poll().future.complete(null);
    }
    nextTarget = waiters.isEmpty() ? Integer.MAX_VALUE : waiters.peek().target;
  }

  private static final class Waiter {
    final int target;
    final CompletableFuture<Void> future = new CompletableFuture<>();

    Waiter(int target) {
      this.target = target;
    }
  }
}
