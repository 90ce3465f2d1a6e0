package io.recflow.experiment;

import io.recflow.ranking.Ranker;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What click-through another ranking would have had on the traffic already served, from the slots
 * the serving policy randomised ({@link io.recflow.ranking.Randomisation}). At each such slot the
 * alternative picks its best of the logged pool; where that is the item shown, the slot counts with
 * weight min(1 / propensity, clip), elsewhere 0, and the estimate is Σ w·click / Σ w (self-normalised
 * inverse propensity scoring, clipped). The served ranker is replayed the same way (it picks the
 * pool's first item), so the two estimates compare like with like on the same slots, and their lift
 * is paired: both are ratios over the same users, and the interval of log(alternative / served)
 * comes from each user's joint influence on both (delta method), users being the independent units.
 *
 * <p>What it estimates is the click-through of the slot had the alternative ordered the pool the
 * served ranker offered, not of items the served ranker never ranked near the top.
 */
public final class Counterfactual {
  private Counterfactual() {}

  /**
   * One randomised slot.
   *
   * @param userId whose list it was
   * @param shown which item of the pool (best ranked first) was shown
   * @param alternative which the alternative would have shown ({@link #best})
   * @param propensity the probability the shown item had of being shown there
   * @param clicked whether the user clicked it from that list
   */
  public record Slot(String userId, int shown, int alternative, double propensity, boolean clicked) {}

  /**
   * One policy's estimate.
   *
   * @param policy what was replayed
   * @param clickThrough the estimated click-through per slot, with its delta-method error over users
   * @param matched slots where the policy would have shown what was shown
   * @param effectiveSlots (Σw)² / Σw², how many equally weighted slots the estimate is worth
   */
  public record Estimate(String policy, RatioMetric clickThrough, long matched, double effectiveSlots) {}

  /**
   * @param slots the randomised slots replayed
   * @param logged the click-through the randomised slots actually had
   * @param served the served ranker's choice, replayed
   * @param alternative the alternative's, replayed
   * @param lift alternative against served, paired, at confidence 1 − alpha
   */
  public record Result(long slots, RatioMetric logged, Estimate served, Estimate alternative, Lift lift,
                       double clip) {}

  /** Replays the alternative (named {@code name}) and the served order on {@code slots}. */
  public static Result of(List<Slot> slots, String name, double clip, double alpha) {
    // per user: clicks, slots, then weighted clicks and weights for the served and the alternative order
    Map<String, double[]> users = new LinkedHashMap<>();
    long[] matched = new long[2];
    double[][] weights = new double[2][2]; // Σw, Σw² for each policy
    for (Slot s : slots) {
      double[] u = users.computeIfAbsent(s.userId(), k -> new double[6]);
      double click = s.clicked() ? 1 : 0;
      u[0] += click;
      u[1] += 1;
      int[] picks = {0, s.alternative()};
      for (int p = 0; p < 2; p++) {
        if (picks[p] == s.shown()) {
          double w = Math.min(1 / s.propensity(), clip);
          u[2 + 2 * p] += w * click;
          u[3 + 2 * p] += w;
          matched[p]++;
          weights[p][0] += w;
          weights[p][1] += w * w;
        }
      }
    }
    double[][] columns = new double[6][users.size()];
    int i = 0;
    for (double[] u : users.values()) {
      for (int c = 0; c < 6; c++) {
        columns[c][i] = u[c];
      }
      i++;
    }
    Estimate[] estimates = new Estimate[2];
    String[] names = {"served", name};
    for (int p = 0; p < 2; p++) {
      double ess = weights[p][1] == 0 ? 0 : weights[p][0] * weights[p][0] / weights[p][1];
      estimates[p] = new Estimate(names[p], RatioMetric.of(columns[2 + 2 * p], columns[3 + 2 * p]), matched[p], ess);
    }
    return new Result(slots.size(), RatioMetric.of(columns[0], columns[1]), estimates[0], estimates[1],
        pairedLift(columns, alpha), clip);
  }

  /** The item of a pool (its feature rows, best ranked first) that a ranker scores highest; the first on a tie. */
  public static int best(Ranker ranker, float[][] pool) {
    int best = 0;
    double top = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < pool.length; j++) {
      double score = ranker.score(pool[j]);
      if (score > top) {
        top = score;
        best = j;
      }
    }
    return best;
  }

  /** log(A/S) ± z·SE, SE from each user's influence ψ = (a − A·a')/(A·ā') − (s − S·s')/(S·s̄'). */
  private static Lift pairedLift(double[][] c, double alpha) {
    int n = c[0].length;
    double[] sums = new double[6];
    for (int k = 2; k < 6; k++) {
      for (int u = 0; u < n; u++) {
        sums[k] += c[k][u];
      }
    }
    double served = sums[2] / sums[3];
    double alternative = sums[4] / sums[5];
    if (n < 2 || !(served > 0 && alternative > 0)) {
      return new Lift(served > 0 ? alternative / served - 1 : Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    double[] psi = new double[n];
    double mean = 0;
    for (int u = 0; u < n; u++) {
      psi[u] = (c[4][u] - alternative * c[5][u]) / (alternative * sums[5] / n)
          - (c[2][u] - served * c[3][u]) / (served * sums[3] / n);
      mean += psi[u] / n;
    }
    double var = 0;
    for (double v : psi) {
      var += (v - mean) * (v - mean) / (n - 1);
    }
    return Lift.ofLogRatio(Math.log(alternative / served), Math.sqrt(var / n), alpha);
  }
}
