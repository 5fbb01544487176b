package io.pushcart.support;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Polls with a deadline, for state that announces no event (a campaign's status over HTTP). */
public final class Poll {
  private Poll() {
  }

  public static <T> T until(Supplier<T> read, Predicate<T> done, Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    T last = read.get();
    while (!done.test(last)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what + "; last seen: " + last);
      }
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
      last = read.get();
    }
    return last;
  }
}
