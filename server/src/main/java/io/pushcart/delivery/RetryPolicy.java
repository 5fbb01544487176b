package io.pushcart.delivery;

import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What a push service's answer means for the message (RFC 8030 §5, and the services' quirks):
 * 2xx accepted; 404/410 the subscription is gone; 429, 5xx and WNS's 406 "appthrottled" are
 * back-off signals, retried after {@code Retry-After} or an exponential delay, a bounded number
 * of times; every other 4xx is final, with its reason kept. Network errors are retried too.
 */
final class RetryPolicy {
  static final long BASE_DELAY_MS = 1_000;
  static final long MAX_DELAY_MS = 10 * 60_000;
  /** A Retry-After further out than this is not worth holding a message for. */
  static final long MAX_RETRY_AFTER_MS = 6 * 3600_000L;

  private final int maxAttempts;
  private final Clock clock;

  RetryPolicy(int maxAttempts, Clock clock) {
    this.maxAttempts = maxAttempts;
    this.clock = clock;
  }

  Outcome classify(String subscriptionId, int attempt, PushResponse r) {
    int s = r.status();
    if (s >= 200 && s < 300) {
      return Outcome.of(subscriptionId, Outcome.Kind.ACCEPTED, attempt);
    }
    if (s == 404 || s == 410) {
      return Outcome.of(subscriptionId, Outcome.Kind.EXPIRED, attempt);
    }
    if (throttled(r) || s >= 500) {
      long retryAfter = retryAfterMillis(r.retryAfter());
      if (retryAfter > MAX_RETRY_AFTER_MS) {
        return failed(subscriptionId, attempt, s + " Retry-After too far: " + r.retryAfter());
      }
      return retry(subscriptionId, attempt, Math.max(retryAfter, backoffMillis(attempt)), String.valueOf(s));
    }
    String words = r.body() == null || r.body().isBlank() ? "" : " " + r.body().strip();
    return failed(subscriptionId, attempt, s + words);
  }

  /**
   * When the whole push service asked us to wait: a throttling answer (429, WNS's 406
   * appthrottled) or any answer with Retry-After. 0 when it did not.
   */
  long backOffUntil(PushResponse r) {
    long retryAfter = retryAfterMillis(r.retryAfter());
    if (!throttled(r) && retryAfter == 0) {
      return 0;
    }
    return clock.millis() + Math.min(MAX_RETRY_AFTER_MS, Math.max(retryAfter, BASE_DELAY_MS));
  }

  /** 429, or WNS's way of saying it: 406 with X-WNS-Status appthrottled (FIELD-NOTES). */
  private static boolean throttled(PushResponse r) {
    return r.status() == 429 || (r.status() == 406 && "appthrottled".equalsIgnoreCase(r.wnsStatus()));
  }

  Outcome deferred(String subscriptionId, int attempt, long untilMillis) {
    return new Outcome(subscriptionId, Outcome.Kind.DEFER, attempt, untilMillis, "");
  }

  Outcome onNetworkError(String subscriptionId, int attempt, Throwable err) {
    return retry(subscriptionId, attempt, backoffMillis(attempt), "network: " + err.getClass().getSimpleName());
  }

  private Outcome retry(String subscriptionId, int attempt, long delayMillis, String why) {
    if (attempt >= maxAttempts) {
      return failed(subscriptionId, attempt, "gave up after " + attempt + " attempts, last " + why);
    }
    return new Outcome(subscriptionId, Outcome.Kind.RETRY, attempt, clock.millis() + delayMillis, why);
  }

  private static Outcome failed(String subscriptionId, int attempt, String reason) {
    String r = reason.length() > PushResponse.MAX_BODY ? reason.substring(0, PushResponse.MAX_BODY) : reason;
    return new Outcome(subscriptionId, Outcome.Kind.FAILED, attempt, 0, r);
  }

  /** Exponential from one second, capped, with ±20 % jitter so retries of one burst spread out. */
  static long backoffMillis(int attempt) {
    long base = Math.min(MAX_DELAY_MS, BASE_DELAY_MS << Math.min(attempt - 1, 20));
    return (long) (base * ThreadLocalRandom.current().nextDouble(0.8, 1.2));
  }

  /** RFC 9110 §10.2.3: delay-seconds or an HTTP-date; 0 when absent or unreadable. */
  long retryAfterMillis(String value) {
    if (value == null || value.isBlank()) {
      return 0;
    }
    String v = value.trim();
    try {
      return Math.max(0, Long.parseLong(v) * 1000);
    } catch (NumberFormatException notSeconds) {
      try {
        return Math.max(0, ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli() - clock.millis());
      } catch (DateTimeParseException notDate) {
        return 0;
      }
    }
  }
}
