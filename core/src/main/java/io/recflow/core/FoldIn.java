package io.recflow.core;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * Computes a user's vector from the item factors and the user's confidences, exactly as Spark's
 * implicit ALS computes it in its final half-iteration (Hu, Koren and Volinsky, with Spark's
 * regularisation scaled by the number of positive interactions):
 *
 * <pre>
 *   A = YᵀY + Σ_i α·|r_ui|·y_i·y_iᵀ + (n⁺_u·λ)·I
 *   b = Σ_{r_ui > 0} (1 + α·r_ui)·y_i
 *   x_u = A⁻¹·b
 * </pre>
 *
 * YᵀY is computed once per model in the constructor; each solve then costs O(n_u·k² + k³). Folding
 * in a user's full history reproduces the trained user factor, which lets the streaming job and
 * the server update a user in real time in the space of the published model.
 */
public final class FoldIn implements Serializable {
  private static final long serialVersionUID = 1L;
  private final ItemMatrix items;
  private final double alpha;
  private final double regParam;
  private final double[] gram;

  /** A fold-in whose YᵀY covers every row of {@code items}. */
  public FoldIn(ItemMatrix items, double alpha, double regParam) {
    this(items, row -> true, alpha, regParam);
  }

  /**
   * A fold-in whose YᵀY covers only the rows ALS learned ({@code learned}): that is the Gram matrix
   * Spark solved with. Other rows (cold items placed from their text) still count when a user has
   * interacted with them.
   */
  public FoldIn(ItemMatrix items, IntPredicate learned, double alpha, double regParam) {
    this.items = items;
    this.alpha = alpha;
    this.regParam = regParam;
    this.gram = gram(items, learned);
  }

  public ItemMatrix items() {
    return items;
  }

  private static double[] gram(ItemMatrix items, IntPredicate learned) {
    int k = items.rank();
    float[] y = items.values();
    double[] g = new double[k * k];
    for (int row = 0; row < items.size(); row++) {
      if (!learned.test(row)) {
        continue;
      }
      int off = row * k;
      for (int a = 0; a < k; a++) {
        double ya = y[off + a];
        for (int b = a; b < k; b++) {
          g[a * k + b] += ya * y[off + b];
        }
      }
    }
    mirror(g, k);
    return g;
  }

  /**
   * The user's vector given confidences by item id; items the model has no vector for (new since
   * it was trained) are skipped, and count as soon as a model that knows them is loaded.
   */
  public float[] solveByItemId(Map<String, Double> confidences) {
    Map<Integer, Double> byRow = new HashMap<>(confidences.size() * 2);
    confidences.forEach((id, r) -> {
      int row = items.row(id);
      if (row >= 0) {
        byRow.put(row, r);
      }
    });
    return solve(byRow);
  }

  /**
   * The user's vector given confidences by item row. Items without a row in the model (new items)
   * must be left out by the caller. A user with no positive confidence gets the zero vector.
   */
  public float[] solve(Map<Integer, Double> confidences) {
    int k = items.rank();
    double[] b = new double[k];
    double[] a = system(confidences, b);
    float[] out = new float[k];
    if (a == null) {
      return out;
    }
    double[] x = Cholesky.solve(a, b, k);
    for (int i = 0; i < k; i++) {
      out[i] = (float) x[i];
    }
    return out;
  }

  /** What explains this user's scores: their history items' exact shares (see {@link Explainer}). */
  public Explainer explainer(Map<Integer, Double> confidences) {
    int k = items.rank();
    double[] a = system(confidences, new double[k]);
    if (a == null) {
      return new Explainer(items, null, new int[0], new double[0]);
    }
    Cholesky.factor(a, k);
    List<Integer> rows = new ArrayList<>();
    List<Double> weights = new ArrayList<>();
    confidences.forEach((row, r) -> {
      double rf = (float) r.doubleValue();
      if (rf > 0) {
        rows.add(row);
        weights.add(1 + alpha * rf);
      }
    });
    return new Explainer(items, a, rows.stream().mapToInt(Integer::intValue).toArray(),
        weights.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /**
   * Builds the user's system: returns A and fills {@code b}; null when no confidence is positive
   * (the solution is then the zero vector).
   */
  private double[] system(Map<Integer, Double> confidences, double[] b) {
    int k = items.rank();
    double[] a = gram.clone();
    float[] y = items.values();
    int positives = 0;
    for (Map.Entry<Integer, Double> e : confidences.entrySet()) {
      // Spark's ALS reads ratings as float; rounding the same way keeps the two results identical.
      double r = (float) e.getValue().doubleValue();
      int off = e.getKey() * k;
      double c1 = alpha * Math.abs(r);
      for (int i = 0; i < k; i++) {
        double yi = y[off + i];
        for (int j = i; j < k; j++) {
          a[i * k + j] += c1 * yi * y[off + j];
        }
      }
      if (r > 0) {
        positives++;
        for (int i = 0; i < k; i++) {
          b[i] += (1 + c1) * y[off + i];
        }
      }
    }
    if (positives == 0) {
      return null;
    }
    mirror(a, k);
    for (int i = 0; i < k; i++) {
      a[i * k + i] += positives * regParam;
    }
    return a;
  }

  /** Copies the upper triangle of a row-major k×k matrix to the lower one. */
  private static void mirror(double[] m, int k) {
    for (int i = 0; i < k; i++) {
      for (int j = i + 1; j < k; j++) {
        m[j * k + i] = m[i * k + j];
      }
    }
  }
}
