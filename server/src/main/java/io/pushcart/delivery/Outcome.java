package io.pushcart.delivery;

/**
 * How one message to one subscriber ended this attempt. {@code RETRY} carries when to try again;
 * {@code FAILED} carries a short reason (status and the push service's words), kept per campaign.
 */
record Outcome(String subscriptionId, Kind kind, int attempt, long retryAtMillis, String reason) {
  enum Kind {
    ACCEPTED("accepted"), FAILED("failed"), EXPIRED("expired"), RETRY("retry");

    final String wire;

    Kind(String wire) {
      this.wire = wire;
    }
  }

  static Outcome of(String subscriptionId, Kind kind, int attempt) {
    return new Outcome(subscriptionId, kind, attempt, 0, "");
  }
}
