package io.pushcart.delivery;

/**
 * What delivery reports as it goes, for a metrics backend (Prometheus comes with analytics) or a
 * benchmark. Every method defaults to doing nothing; implementations must be thread-safe and
 * cheap: they are called on the event loops, once per message.
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
}
