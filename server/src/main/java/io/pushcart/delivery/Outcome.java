package io.pushcart.delivery;

/**
 * How one message to one subscriber ended this attempt. {@code RETRY}, {@code DEFER} and {@code HOLD} carry when to try again;
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
    /** Not sent: held back by quiet hours or a frequency cap until {@code retryAtMillis}. Same attempt. */
    HOLD("hold"),
    /**
     * Not sent, for good ({@code reason}): its personalized message lacked a value or was too large
     * (missingData, tooLarge), it was over a frequency cap (capped), or it would expire while held
     * (quietHours, capped).
     */
    SUPPRESSED("suppressed");

    final String wire;

    Kind(String wire) {
      this.wire = wire;
    }
  }

  /**
   * Appends outcomes as the recording scripts take them (record_outcomes.lua, record_step.lua):
   * six values each, subscription id, outcome, attempt, due epoch millis, reason, and the variant
   * of the message ({@code variant}'s answer; '' for none).
   */
  static void appendTo(java.util.List<String> args, java.util.List<Outcome> outcomes,
                       java.util.function.Function<Outcome, String> variant) {
    for (Outcome o : outcomes) {
      args.add(o.subscriptionId());
      args.add(o.kind().wire);
      args.add(String.valueOf(o.attempt()));
      args.add(String.valueOf(o.retryAtMillis()));
      args.add(o.reason());
      args.add(variant.apply(o));
    }
  }

  static Outcome of(String subscriptionId, Kind kind, int attempt) {
    return new Outcome(subscriptionId, kind, attempt, 0, "");
  }
}
