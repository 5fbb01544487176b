package io.pushcart.engagement;

import static org.assertj.core.api.Assertions.assertThat;

import io.pushcart.engagement.AbDecision.Arm;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The A/B method: a winner only with enough sample and a difference beyond chance at 95 %. */
class AbDecisionTest {
  @Test
  void aClearDifferenceWins() {
    AbDecision.Result r = AbDecision.decide(List.of(new Arm("A", 500, 25), new Arm("B", 500, 60)), "clicked");
    assertThat(r.winner()).contains("B");
    assertThat(r.sentToRest()).isEqualTo("B");
    assertThat(r.evidence().getDouble("z")).isGreaterThan(1.6449);
    assertThat(r.evidence().getJsonObject("variants").getJsonObject("B").getDouble("rate")).isEqualTo(0.12);
  }

  @Test
  void aDifferenceWithinChanceNamesNoWinnerAndTheFirstGoesToTheRest() {
    // 5.0 % against 6.2 % on 500 each: z ≈ 0.83.
    AbDecision.Result r = AbDecision.decide(List.of(new Arm("A", 500, 25), new Arm("B", 500, 31)), "clicked");
    assertThat(r.winner()).isEmpty();
    assertThat(r.sentToRest()).isEqualTo("A");
    assertThat(r.evidence().getString("reason")).contains("95 % confidence");
  }

  @Test
  void tooSmallASampleNamesNoWinnerHoweverLargeTheDifference() {
    AbDecision.Result r = AbDecision.decide(List.of(new Arm("A", 99, 0), new Arm("B", 99, 99)), "clicked");
    assertThat(r.winner()).isEmpty();
    assertThat(r.evidence().getString("reason")).contains("fewer than 100");
  }

  @Test
  void moreVariantsNeedAStrongerDifference() {
    // z ≈ 1.88 between B and A: enough for two variants (1.645), not with a third (1.96, Bonferroni).
    List<Arm> two = List.of(new Arm("A", 1000, 50), new Arm("B", 1000, 70));
    assertThat(AbDecision.decide(two, "clicked").winner()).contains("B");
    List<Arm> three = List.of(new Arm("A", 1000, 50), new Arm("B", 1000, 70), new Arm("C", 1000, 10));
    assertThat(AbDecision.decide(three, "clicked").winner()).isEmpty();
  }

  @Test
  void theZStatisticMatchesTheTextbookFormula() {
    // p1 = 0.12, p2 = 0.05, pooled 0.085: z = 0.07 / sqrt(0.085 * 0.915 * (2 / 500)) = 3.9687
    assertThat(AbDecision.z(new Arm("B", 500, 60), new Arm("A", 500, 25))).isCloseTo(3.9687, org.assertj.core.data.Offset.offset(1e-3));
  }
}
