package io.recflow.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The report's statistics against known values, and their intervals' coverage by simulation. */
class StatisticsTest {
  @Test
  void normalQuantilesAndTailsMatchTables() {
    assertEquals(1.959963984540054, Distributions.normalQuantile(0.975), 1e-12);
    assertEquals(-2.326347874040841, Distributions.normalQuantile(0.01), 1e-12);
    assertEquals(0.975, Distributions.normalCdf(1.959963984540054), 1e-14);
    assertEquals(0.05, Distributions.chiSquareTail(3.841458820694124, 1), 1e-12);
    assertEquals(0.001, Distributions.chiSquareTail(13.815510557964274, 2), 1e-12);
    assertEquals(0.5, Distributions.chiSquareTail(2.365973884375338, 3), 1e-12);
    assertEquals(Math.log(120), Distributions.logGamma(6), 1e-12);
  }

  @Test
  void ratioIsPooledAndItsErrorUsesUsersAsUnits() {
    // Two users: 1 click in 2 exposures, 3 in 6. The rate is 4/8; with both users at exactly that
    // rate the delta method gives no variance.
    RatioMetric m = RatioMetric.of(new double[] {1, 3}, new double[] {2, 6});
    assertEquals(0.5, m.value(), 1e-15);
    assertEquals(0, m.standardError(), 1e-15);
    RatioMetric spread = RatioMetric.of(new double[] {0, 4}, new double[] {2, 6});
    assertTrue(spread.standardError() > 0);
  }

  @Test
  void intervalsHoldTheTrueRateAndLiftAtTheirConfidence() {
    SplittableRandom random = new SplittableRandom(7);
    int runs = 400;
    int rateCovered = 0;
    int liftCovered = 0;
    double trueA = 0.05;
    double trueB = 0.06;
    for (int run = 0; run < runs; run++) {
      RatioMetric a = simulate(random, 500, trueA);
      RatioMetric b = simulate(random, 500, trueB);
      double[] ci = a.interval(0.05);
      if (ci[0] <= trueA && trueA <= ci[1]) {
        rateCovered++;
      }
      Lift lift = Lift.of(b, a, 0.05);
      if (lift.low() <= trueB / trueA - 1 && trueB / trueA - 1 <= lift.high()) {
        liftCovered++;
      }
    }
    // 95% intervals over 400 runs: coverage is 0.95 ± 0.011 (one SE); allow three.
    assertEquals(0.95, rateCovered / (double) runs, 0.033);
    assertEquals(0.95, liftCovered / (double) runs, 0.033);
  }

  /** Users with 1-30 exposures and a personal click rate around {@code rate} (correlated within a user). */
  private static RatioMetric simulate(SplittableRandom random, int users, double rate) {
    double[] clicks = new double[users];
    double[] exposures = new double[users];
    for (int u = 0; u < users; u++) {
      exposures[u] = 1 + random.nextInt(30);
      double own = rate * 2 * random.nextDouble(); // mean rate, spread between users
      for (int e = 0; e < exposures[u]; e++) {
        clicks[u] += random.nextDouble() < own ? 1 : 0;
      }
    }
    return RatioMetric.of(clicks, exposures);
  }

  @Test
  void liftOfEqualRatesIsZeroAndNotSignificant() {
    RatioMetric a = RatioMetric.of(new double[] {1, 2, 0, 1}, new double[] {10, 10, 10, 10});
    Lift lift = Lift.of(a, a, 0.05);
    assertEquals(0, lift.value(), 1e-15);
    assertFalse(lift.significant());
    assertEquals(1, lift.pValue(), 1e-12);
  }

  @Test
  void sampleRatioFlagsAVariantThatLostUsers() {
    double[] even = {0.5, 0.5};
    assertFalse(SampleRatio.of(new long[] {5_030, 4_970}, even).mismatch());
    SampleRatio broken = SampleRatio.of(new long[] {5_000, 4_500}, even);
    assertTrue(broken.mismatch(), broken.toString());
    assertEquals(26.315789, broken.chiSquare(), 1e-5);
    assertFalse(SampleRatio.of(new long[] {2_500, 7_500}, new double[] {0.25, 0.75}).mismatch());
  }
}
