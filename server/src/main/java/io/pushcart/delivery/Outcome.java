package io.pushcart.delivery;

/**
 * How one message to one subscriber ended this attempt. {@code RETRY} and {@code DEFER} carry when to try again;
 * {@code FAILED} carries a short reason (status and the push service's words), kept per campaign.
 */
record Outcome(String subscriptionId, Kind kind, int attempt, long retryAtMillis, String reason) {
  enum Kind {
    ACCEPTED("accepted"), FAILED("failed"), EXPIRED("expired"),
    /** Not sent: the campaign's expiresAt came first (or would have, for a retry). */
    LAPSED("lapsed"),
    RETRY("retry"),
    /** Not sent: the push service asked us to back off. Waits like a retry, same attempt. */
    DEFER("defer"),
    /** Not sent: its personalized message lacked a value or was too large ({@code reason}: missingData, tooLarge). */
    SUPPRESSED("suppressed");

    final String wire;

    Kind(String wire) {
      this.wire = wire;
    }
  }

  /**
   * Appends outcomes as the recording scripts take them (record_outcomes.lua, record_step.lua):
   * five values each, subscription id, outcome, attempt, due epoch millis, reason.
   */
  static void appendTo(java.util.List<String> args, java.util.List<Outcome> outcomes) {
    for (Outcome o : outcomes) {
      args.add(o.subscriptionId());
      args.add(o.kind().wire);
      args.add(String.valueOf(o.attempt()));
      args.add(String.valueOf(o.retryAtMillis()));
      args.add(o.reason());
    }
  }

  static Outcome of(String subscriptionId, Kind kind, int attempt) {
    return new Outcome(subscriptionId, kind, attempt, 0, "");
  }
}
