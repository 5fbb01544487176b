package io.pushcart.delivery;

import io.pushcart.metrics.Metrics;

/**
 * What delivery reports as it goes, to /metrics ({@link #withPrometheus}) and to a benchmark.
 * Every method defaults to doing nothing; implementations must be thread-safe and cheap: they
 * are called on the event loops, once per message.
 */
public interface DeliveryMetrics {
  DeliveryMetrics NONE = new DeliveryMetrics() {
  };

  /** A push service answered {@code status} after {@code nanos} from sending. */
  default void answered(String origin, int status, long nanos) {
  }

  /** The request to a push service failed without an answer (connect, TLS, timeout). */
  default void networkError(String origin, long nanos) {
  }

  /** These reports, and the same to the Prometheus metrics of {@code GET /metrics}. */
  static DeliveryMetrics withPrometheus(DeliveryMetrics other) {
    return new DeliveryMetrics() {
      @Override
      public void answered(String origin, int status, long nanos) {
        Metrics.pushAnswered(origin, status, nanos);
        other.answered(origin, status, nanos);
      }

      @Override
      public void networkError(String origin, long nanos) {
        Metrics.pushNetworkError(origin);
        other.networkError(origin, nanos);
      }
    };
  }
}
