package io.pushcart.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock a test sets: the server under test reads time from it (every component takes the one
 * injected clock), so a test moves to 10:00 in Berlin instead of waiting for it. It runs on
 * from where it was set, at real speed, so that timeouts and token lifetimes still see time pass.
 */
public final class TestClock extends Clock {
  private final AtomicLong offsetMillis = new AtomicLong();

  /** Starts at the real time. */
  public TestClock() {
  }

  /** From now on, reads {@code instant} (and onwards). */
  public TestClock set(Instant instant) {
    offsetMillis.set(instant.toEpochMilli() - System.currentTimeMillis());
    return this;
  }

  public TestClock advance(Duration by) {
    offsetMillis.addAndGet(by.toMillis());
    return this;
  }

  @Override
  public long millis() {
    return System.currentTimeMillis() + offsetMillis.get();
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("a TestClock is always UTC");
  }
}
