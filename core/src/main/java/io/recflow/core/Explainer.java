package io.recflow.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Splits a user's ALS score for an item into exact shares of the items in the user's history:
 * the "because you liked X" of implicit ALS (Hu, Koren and Volinsky 2008, section 5). With
 * x_u = A⁻¹·Σ_j c_uj·y_j, the score is
 *
 * <pre>
 *   y_iᵀ·x_u = Σ_j c_uj · (y_iᵀ·A⁻¹·y_j)
 * </pre>
 *
 * so history item j contributes c_uj·y_iᵀA⁻¹y_j, and the contributions add up to the score. Each
 * explained item costs one solve with the factored A (k²) and one dot product per history item.
 */
public final class Explainer {
  /** One history item's share of a score. */
  public record Contribution(int row, double value) {}

  private final ItemMatrix items;
  private final double[] factor;
  private final int[] rows;
  private final double[] weights;

  Explainer(ItemMatrix items, double[] factor, int[] rows, double[] weights) {
    this.items = items;
    this.factor = factor;
    this.rows = rows;
    this.weights = weights;
  }

  /** Every positive history item's contribution to the score of item {@code row}, largest first. */
  public List<Contribution> contributions(int row) {
    List<Contribution> out = new ArrayList<>(rows.length);
    if (factor == null) {
      return out;
    }
    int k = items.rank();
    float[] y = items.values();
    double[] yi = new double[k];
    for (int f = 0; f < k; f++) {
      yi[f] = y[row * k + f];
    }
    double[] z = Cholesky.solveFactored(factor, yi, k);
    for (int h = 0; h < rows.length; h++) {
      int off = rows[h] * k;
      double dot = 0;
      for (int f = 0; f < k; f++) {
        dot += z[f] * y[off + f];
      }
      out.add(new Contribution(rows[h], weights[h] * dot));
    }
    out.sort(Comparator.comparingDouble(Contribution::value).reversed());
    return out;
  }
}
