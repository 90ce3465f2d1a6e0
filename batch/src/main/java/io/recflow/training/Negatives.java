package io.recflow.training;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Draws the wrong answers of the sequence model's sampled softmax. Half of the probability goes by
 * how often an item is a training target and half is spread evenly: uniform draws alone are mostly
 * rare items, too easy to teach the model what to rank below the right answer; popular draws alone
 * never show it most of the catalog. The loss lowers each logit by its log-probability here (the
 * logQ correction), so the skew teaches without biasing the scores. Asked for as many negatives as
 * there are items, every item is one: the full softmax, which needs no correction.
 */
final class Negatives {
  private final int items;
  private final int count;
  private final double[] cdf;
  private final float[] logQ;

  /**
   * @param windows the training windows (catalog rows); each item after a window's first is a target
   * @param items catalog size
   * @param count negatives per step
   */
  Negatives(List<int[]> windows, int items, int count) {
    this.items = items;
    this.count = Math.min(count, items);
    double[] targets = new double[items];
    double total = 0;
    for (int[] w : windows) {
      for (int t = 1; t < w.length; t++) {
        targets[w[t]]++;
        total++;
      }
    }
    cdf = new double[items];
    logQ = new float[items + 1];
    double sum = 0;
    for (int i = 0; i < items; i++) {
      double q = 0.5 * targets[i] / Math.max(total, 1) + 0.5 / items;
      sum += q;
      cdf[i] = sum;
      logQ[i + 1] = (float) Math.log(q);
    }
  }

  /** Whether every item is a negative (the full softmax). */
  boolean full() {
    return count >= items;
  }

  /** One step's negatives as ids (catalog row + 1). */
  long[] draw(Random rnd) {
    long[] ids = new long[count];
    for (int i = 0; i < count; i++) {
      if (full()) {
        ids[i] = i + 1L;
      } else {
        int row = Arrays.binarySearch(cdf, rnd.nextDouble() * cdf[items - 1]);
        ids[i] = (row >= 0 ? row : -row - 1) + 1L;
      }
    }
    return ids;
  }

  /** The log-probability of drawing each id (index 0, the padding, is never drawn). */
  float[] logQ() {
    return logQ;
  }
}
