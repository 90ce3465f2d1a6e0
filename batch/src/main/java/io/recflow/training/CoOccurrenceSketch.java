package io.recflow.training;

import java.util.List;
import java.util.Random;

/**
 * A fixed item feature for the sequence model: what tends to come after an item and what before
 * it in the training windows, as a random projection (a sketch) of those counts. Each item gets a
 * seeded Gaussian code; an item's feature is the sum of the codes of the items up to {@link #SPAN}
 * steps after it (first half) and before it (second half), nearer steps weighing more, scaled to
 * unit length. Two items followed by the same items thus get close features, whatever their ids.
 *
 * <p>Why: on a catalog of thousands of items and a few hundred users, most id vectors are learned
 * from a handful of steps. With this feature (through a learned projection, like the text) every
 * item starts from its neighbourhood in the data. It is computed from the training windows only,
 * and adds no weight to the exported model: the server reads finished item vectors. A new item has
 * no sketch, so training drops it for a share of items (see {@code SequenceNetwork}) to keep the
 * text able to place an item alone.
 */
final class CoOccurrenceSketch {
  /** How many steps away a neighbour still counts; weights 1, 1/2, 1/3. */
  static final int SPAN = 3;
  /** The feature's width: half for the items after, half for those before. */
  static final int DIM = 64;

  private CoOccurrenceSketch() {}

  /**
   * Row-major [items × dim] features (dim even); rows of items in no window are zero.
   *
   * @param windows training windows of catalog rows, oldest first
   */
  static float[] of(List<int[]> windows, int items, int dim, long seed) {
    int half = dim / 2;
    Random rnd = new Random(seed);
    float[] codes = new float[items * half];
    for (int i = 0; i < codes.length; i++) {
      codes[i] = (float) rnd.nextGaussian();
    }
    float[] out = new float[items * dim];
    for (int[] w : windows) {
      for (int t = 0; t < w.length; t++) {
        for (int step = 1; step <= SPAN; step++) {
          if (t + step < w.length) {
            add(out, w[t] * dim, codes, w[t + step] * half, half, 1f / step);
          }
          if (t - step >= 0) {
            add(out, w[t] * dim + half, codes, w[t - step] * half, half, 1f / step);
          }
        }
      }
    }
    for (int r = 0; r < items; r++) {
      double norm = 0;
      for (int j = 0; j < dim; j++) {
        norm += out[r * dim + j] * out[r * dim + j];
      }
      float scale = norm > 0 ? (float) (1 / Math.sqrt(norm)) : 0f;
      for (int j = 0; j < dim; j++) {
        out[r * dim + j] *= scale;
      }
    }
    return out;
  }

  private static void add(float[] to, int at, float[] codes, int from, int n, float weight) {
    for (int j = 0; j < n; j++) {
      to[at + j] += weight * codes[from + j];
    }
  }
}
