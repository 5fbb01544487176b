package io.pushcart.testkit;

import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts arrivals and completes futures when a count is reached. The hot path is one atomic
 * increment and one volatile read; the lock is taken only when a waiter is due.
 */
final class ArrivalCounter {

  private final AtomicInteger count = new AtomicInteger();
  private final Object lock = new Object();
  private final PriorityQueue<Waiter> waiters =
      new PriorityQueue<>((a, b) -> Integer.compare(a.target, b.target));
  private volatile int nextTarget = Integer.MAX_VALUE;

  void arrived() {
    int now = count.incrementAndGet();
    if (now >= nextTarget) {
      releaseDue();
    }
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
