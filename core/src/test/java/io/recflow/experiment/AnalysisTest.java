package io.recflow.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The analysis against simulated experiments whose truth is known: users assigned by the real
 * hash, each with a personal click rate (so a user's lists are correlated, as real ones are) and a
 * variant that multiplies it by a known factor. It must find differences that exist, at the rate
 * its intervals promise, and none that do not.
 */
class AnalysisTest {
  private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

  private static ExperimentPlan plan(String salt) {
    return ExperimentPlan.parse("{\"salt\": \"" + salt + "\", \"experiments\": [{\"name\": \"e\", \"start\": "
        + "\"2026-12-01T00:00:00Z\", \"variants\": [{\"name\": \"a\"}, {\"name\": \"b\"}]}]}", "test");
  }

  /**
   * One simulated experiment: {@code users} users, variant b's click rate {@code effect} times a's;
   * {@code dropped} of b's users lose all their exposures (a variant that fails for them).
   */
  private static Analysis.Result simulate(long seed, int users, double effect, double dropped) {
    ExperimentPlan plan = plan("salt-" + seed);
    SplittableRandom random = new SplittableRandom(seed);
    Map<String, List<double[]>> rows = new HashMap<>();
    for (int u = 0; u < users; u++) {
      Assignment a = plan.assign("user-" + u, NOW);
      double rate = 0.1 * 2 * random.nextDouble() * (a.variantName().equals("b") ? effect : 1);
      int lists = 1 + random.nextInt(10);
      if (a.variantName().equals("b") && random.nextDouble() < dropped) {
        continue;
      }
      double clicks = 0;
      double purchases = 0;
      for (int l = 0; l < lists; l++) {
        if (random.nextDouble() < rate) {
          clicks++;
          purchases += random.nextDouble() < 0.2 ? 1 : 0;
        }
      }
      rows.computeIfAbsent(a.variantName(), k -> new ArrayList<>()).add(new double[] {lists, clicks, purchases});
    }
    Map<String, Analysis.Totals> totals = new HashMap<>();
    rows.forEach((variant, r) -> totals.put(variant, Analysis.Totals.of(r)));
    return Analysis.of(plan.experiment("e"), totals, 0.05);
  }

  @Test
  void aaTestsDeclareADifferenceInAboutAlphaOfRuns() {
    int runs = 400;
    int declared = 0;
    int brokenSplits = 0;
    for (int run = 0; run < runs; run++) {
      Analysis.Result r = simulate(run, 1_000, 1.0, 0);
      declared += r.comparisons().get(0).clickThrough().significant() ? 1 : 0;
      brokenSplits += r.sampleRatio().mismatch() ? 1 : 0;
    }
    // Binomial(400, 0.05): mean 20, standard deviation 4.4; allow about three either side.
    assertTrue(declared >= 7 && declared <= 33, declared + " of " + runs + " A/A runs declared a difference");
    assertTrue(brokenSplits <= 3, brokenSplits + " A/A runs failed the sample-ratio check at p < 0.001");
  }

  @Test
  void abTestsFindATrueLiftAndTheirIntervalsHoldIt() {
    int runs = 200;
    int covered = 0;
    int detected = 0;
    for (int run = 0; run < runs; run++) {
      Lift lift = simulate(10_000 + run, 4_000, 1.2, 0).comparisons().get(0).clickThrough();
      covered += lift.low() <= 0.2 && 0.2 <= lift.high() ? 1 : 0;
      detected += lift.significant() && lift.value() > 0 ? 1 : 0;
    }
    // 95% intervals: coverage 0.95 with a standard error of 0.015 over 200 runs.
    assertEquals(0.95, covered / (double) runs, 0.045, covered + " of " + runs + " intervals held the true lift");
    assertTrue(detected > runs * 0.8, "a +20% lift with 4,000 users was detected in only " + detected + " runs");
    Analysis.Result one = simulate(99, 4_000, 1.2, 0);
    assertTrue(one.verdict().startsWith("b is better than a by"), one.verdict());
  }

  @Test
  void aVariantThatLosesSomeUsersTripsTheSampleRatioCheck() {
    for (int run = 0; run < 20; run++) {
      // Losing 10% of one arm is a chi-square near 50 with 20,000 users: always past p < 0.001.
      Analysis.Result r = simulate(20_000 + run, 20_000, 1.0, 0.1);
      assertTrue(r.sampleRatio().mismatch(), "run " + run + ": " + r.sampleRatio());
      assertTrue(r.verdict().startsWith("assignment is broken"), r.verdict());
    }
    assertFalse(simulate(7, 5_000, 1.0, 0).sampleRatio().mismatch());
  }
}
