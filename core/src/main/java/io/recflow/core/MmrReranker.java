package io.recflow.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Re-ranks candidates by maximal marginal relevance (Carbonell and Goldstein 1998): each pick
 * maximises λ·relevance − (1−λ)·(highest cosine similarity to an item already picked), so a list
 * does not spend its places on near-copies. Relevance is min-max scaled over the candidates to
 * [0, 1], the range of the similarity term, so that λ means the same whatever the scorer's scale.
 * λ = 1 keeps the original order; smaller values trade relevance for variety.
 */
public final class MmrReranker {
  private final double lambda;

  /** @param lambda weight of relevance, in [0, 1] */
  public MmrReranker(double lambda) {
    if (!(lambda >= 0 && lambda <= 1)) {
      throw new IllegalArgumentException("diversity lambda must be in [0, 1], got " + lambda);
    }
    this.lambda = lambda;
  }

  /**
   * Picks {@code k} of the candidates.
   *
   * @param scores relevance of each candidate
   * @param vectors one vector per candidate (any length, compared by cosine; null means unknown,
   *     similar to nothing)
   * @return indexes into the candidates, in the new order
   */
  public int[] rerank(double[] scores, List<float[]> vectors, int k) {
    int n = scores.length;
    int take = Math.min(k, n);
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (double s : scores) {
      min = Math.min(min, s);
      max = Math.max(max, s);
    }
    double range = max > min ? max - min : 1;
    double[] maxSim = new double[n];
    Arrays.fill(maxSim, Double.NEGATIVE_INFINITY);
    boolean[] picked = new boolean[n];
    List<Integer> order = new ArrayList<>(take);
    for (int step = 0; step < take; step++) {
      int best = -1;
      double bestValue = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < n; c++) {
        if (picked[c]) {
          continue;
        }
        double redundancy = step == 0 ? 0 : Math.max(0, maxSim[c]);
        double value = lambda * (scores[c] - min) / range - (1 - lambda) * redundancy;
        if (value > bestValue) {
          bestValue = value;
          best = c;
        }
      }
      picked[best] = true;
      order.add(best);
      for (int c = 0; c < n; c++) {
        if (!picked[c]) {
          maxSim[c] = Math.max(maxSim[c], cosine(vectors.get(c), vectors.get(best)));
        }
      }
    }
    return order.stream().mapToInt(Integer::intValue).toArray();
  }

  static double cosine(float[] a, float[] b) {
    if (a == null || b == null) {
      return 0;
    }
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
  }
}
