package io.pushcart.engagement;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;

/**
 * Which variant of an A/B test won, by a stated method (docs/engagement.md): each variant's rate
 * is its events (clicks, or attributed orders) over its sample (messages the push service
 * accepted). A winner is named only when every variant has at least {@link #MIN_SAMPLE} in its
 * sample and the best rate beats every other variant's in a one-sided two-proportion z-test
 * (pooled variance) at 95 % confidence, Bonferroni-corrected for the k−1 comparisons. Otherwise
 * there is no winner, and the first variant goes to the rest.
 */
public final class AbDecision {
  /** The least sample per variant before any winner is named. */
  public static final long MIN_SAMPLE = 100;
  public static final double CONFIDENCE = 0.95;
  /**
   * One-sided critical values of the standard normal distribution at α = 0.05 / (k−1), for k = 2..5
   * variants: 1.6449 (α 0.05), 1.9600 (0.025), 2.1280 (0.0167), 2.2414 (0.0125).
   */
  private static final double[] CRITICAL = {0, 0, 1.6449, 1.9600, 2.1280, 2.2414};

  private AbDecision() {
  }

  /** One variant's counts: its sample (messages accepted) and its events (clicks or conversions). */
  public record Arm(String name, long sample, long events) {
    double rate() {
      return sample == 0 ? 0 : (double) events / sample;
    }
  }

  /** The outcome: the winner (empty: none), the variant sent to the rest, and the evidence. */
  public record Result(Optional<String> winner, String sentToRest, JsonObject evidence) {
  }

  public static Result decide(List<Arm> arms, String metric) {
    JsonObject variants = new JsonObject();
    Arm best = arms.get(0);
    for (Arm a : arms) {
      variants.put(a.name(), new JsonObject().put("sample", a.sample()).put(metric, a.events()).put("rate", round(a.rate())));
      if (a.rate() > best.rate()) {
        best = a;
      }
    }
    double critical = CRITICAL[arms.size()];
    JsonObject evidence = new JsonObject().put("metric", metric).put("confidence", CONFIDENCE).put("minSample", MIN_SAMPLE)
        .put("method", "one-sided two-proportion z-test of the best rate against each other variant, pooled variance, "
            + "Bonferroni-corrected for " + (arms.size() - 1) + " comparison" + (arms.size() > 2 ? "s" : "")
            + " (z >= " + critical + ")")
        .put("variants", variants);
    Optional<Arm> small = arms.stream().filter(a -> a.sample() < MIN_SAMPLE).findFirst();
    if (small.isPresent()) {
      return none(arms, evidence.put("reason", "variant " + small.get().name() + " has " + small.get().sample()
          + " in its sample, fewer than " + MIN_SAMPLE));
    }
    double weakest = Double.POSITIVE_INFINITY;
    for (Arm other : arms) {
      if (other != best) {
        weakest = Math.min(weakest, z(best, other));
      }
    }
    evidence.put("z", round(weakest));
    if (!(weakest >= critical)) {
      return none(arms, evidence.put("reason", "no variant's rate is better than every other's at " + (int) (CONFIDENCE * 100)
          + " % confidence"));
    }
    return new Result(Optional.of(best.name()), best.name(), evidence);
  }

  private static Result none(List<Arm> arms, JsonObject evidence) {
    return new Result(Optional.empty(), arms.get(0).name(), evidence);
  }

  /** The z statistic of "a's rate is above b's", with the pooled proportion; 0 when both have none. */
  static double z(Arm a, Arm b) {
    double pooled = (double) (a.events() + b.events()) / (a.sample() + b.sample());
    double se = Math.sqrt(pooled * (1 - pooled) * (1.0 / a.sample() + 1.0 / b.sample()));
    return se == 0 ? 0 : (a.rate() - b.rate()) / se;
  }

  private static double round(double v) {
    return Math.round(v * 10_000) / 10_000.0;
  }
}
