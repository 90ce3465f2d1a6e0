package io.recflow.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recflow.ranking.Ranker;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The counterfactual estimate on simulated logs whose truth is known: each slot offers three items
 * with two features; the served ranker ordered them by the first, a user clicks with a chance that
 * rises with the second (and with the user's own appetite, so a user's slots are correlated), and
 * the logging policy showed one of the three uniformly. Replaying "order by the second feature"
 * must recover its true click-through, and its lift over the served order, within the intervals.
 */
class CounterfactualTest {
  private static final List<String> NAMES = List.of("served_score", "appeal");
  private static final double ALPHA = 0.05;

  private record Run(Counterfactual.Result result, double trueServed, double trueAlternative) {}

  private static double click(double appetite, float appeal) {
    return appetite * (0.02 + 0.3 * appeal);
  }

  private static Run simulate(long seed, int users, int slotsPerUser) {
    SplittableRandom random = new SplittableRandom(seed);
    Ranker alternative = Ranker.byFeature("appeal", NAMES);
    List<Counterfactual.Slot> slots = new ArrayList<>();
    double served = 0;
    double better = 0;
    for (int u = 0; u < users; u++) {
      double appetite = 0.5 + random.nextDouble();
      for (int s = 0; s < slotsPerUser; s++) {
        float[][] pool = new float[3][];
        for (int j = 0; j < 3; j++) {
          // the served score is weakly related to the appeal
          float appeal = (float) random.nextDouble();
          pool[j] = new float[] {(float) (0.3 * appeal + random.nextDouble()), appeal};
        }
        java.util.Arrays.sort(pool, (a, b) -> Float.compare(b[0], a[0])); // the served ranker's order
        int pick = Counterfactual.best(alternative, pool);
        served += click(appetite, pool[0][1]);
        better += click(appetite, pool[pick][1]);
        int shown = random.nextInt(3);
        boolean clicked = random.nextDouble() < click(appetite, pool[shown][1]);
        slots.add(new Counterfactual.Slot("u" + u, shown, pick, 1.0 / 3, clicked));
      }
    }
    int n = users * slotsPerUser;
    return new Run(Counterfactual.of(slots, "feature:appeal", 20, ALPHA), served / n, better / n);
  }

  @Test
  void theReplayedClickThroughAndLiftHoldTheTruthAtTheirConfidence() {
    int runs = 200;
    int covered = 0;
    int liftCovered = 0;
    int found = 0;
    for (int run = 0; run < runs; run++) {
      Run r = simulate(1_000 + run, 600, 4);
      double[] ci = r.result().alternative().clickThrough().interval(ALPHA);
      covered += ci[0] <= r.trueAlternative() && r.trueAlternative() <= ci[1] ? 1 : 0;
      Lift lift = r.result().lift();
      double trueLift = r.trueAlternative() / r.trueServed() - 1;
      liftCovered += lift.low() <= trueLift && trueLift <= lift.high() ? 1 : 0;
      found += lift.low() > 0 ? 1 : 0;
    }
    // At 95% about 190 of 200 cover; below 178 would be 4 standard errors short.
    assertTrue(covered >= 178, covered + " of " + runs + " intervals hold the true click-through");
    assertTrue(liftCovered >= 178, liftCovered + " of " + runs + " lift intervals hold the true lift");
    assertTrue(found >= runs * 0.8, "the better policy was found in only " + found + " of " + runs + " runs");
  }

  @Test
  void onlySlotsWhereThePolicyWouldHaveShownTheSameItemCount() {
    Run r = simulate(42, 200, 3);
    Counterfactual.Result c = r.result();
    assertEquals(600, c.slots());
    // Uniform logging over three: each policy matches about a third of the slots.
    for (Counterfactual.Estimate e : List.of(c.served(), c.alternative())) {
      assertTrue(Math.abs(e.matched() - 200) < 5 * Math.sqrt(600 * (1 / 3.0) * (2 / 3.0)), e.toString());
      assertEquals(e.matched(), e.effectiveSlots(), 1e-6, "equal weights: every matching slot counts fully");
    }
    assertEquals(600, c.logged().denominator());
  }

  @Test
  void weightsAreClipped() {
    List<Counterfactual.Slot> slots = List.of(new Counterfactual.Slot("a", 0, 0, 0.01, true),
        new Counterfactual.Slot("b", 1, 1, 0.5, false), new Counterfactual.Slot("c", 1, 0, 0.5, true));
    Counterfactual.Result c = Counterfactual.of(slots, "x", 10, ALPHA);
    // the alternative matches a (weight min(100, 10) = 10, clicked) and b (weight 2, not clicked)
    assertEquals(10.0 / 12, c.alternative().clickThrough().value(), 1e-12);
    assertEquals(1, c.served().matched());
    assertThrows(IllegalArgumentException.class, () -> ReplayPolicy.parse("ranker:zero"));
    assertEquals(new ReplayPolicy(ReplayPolicy.Kind.RANKER, 7, null), ReplayPolicy.parse("ranker:7"));
    assertEquals("feature:popularity", ReplayPolicy.parse(" feature:popularity ").toString());
    assertEquals(ReplayPolicy.NEWEST_RANKER, ReplayPolicy.parse(""));
  }
}
