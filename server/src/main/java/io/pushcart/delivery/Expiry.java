package io.pushcart.delivery;

/**
 * A campaign's {@code expiresAt} as the sender applies it: nothing goes out at or after it (nor
 * with less than a second left, which TTL cannot express), each message's TTL is cut to the
 * seconds left, and a retry or deferral that would fall after it is not made.
 */
record Expiry(long atMillis) {
  static final Expiry NEVER = new Expiry(Long.MAX_VALUE);

  /** Seconds left at {@code now}; below 1 the message lapses. */
  long secondsLeft(long now) {
    return atMillis == Long.MAX_VALUE ? Long.MAX_VALUE : (atMillis - now) / 1000;
  }

  Outcome lapsed(String id, int attempt) {
    return Outcome.of(id, Outcome.Kind.LAPSED, attempt);
  }

  /** A retry or deferral due at or after expiry lapses instead. */
  Outcome check(Outcome o) {
    boolean waits = o.kind() == Outcome.Kind.RETRY || o.kind() == Outcome.Kind.DEFER;
    return waits && o.retryAtMillis() >= atMillis ? lapsed(o.subscriptionId(), o.attempt()) : o;
  }
}
