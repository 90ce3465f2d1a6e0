package io.recflow.core;

/** Solves A·x = b for a symmetric positive-definite A by Cholesky decomposition, in double precision. */
final class Cholesky {
  private Cholesky() {}

  /** A is row-major k×k and is overwritten; b is left unchanged. */
  static double[] solve(double[] a, double[] b, int k) {
    factor(a, k);
    return solveFactored(a, b, k);
  }

  /** Replaces the lower triangle of A by its Cholesky factor L (A = L·Lᵀ). */
  static void factor(double[] a, int k) {
    for (int j = 0; j < k; j++) {
      double d = a[j * k + j];
      for (int p = 0; p < j; p++) {
        d -= a[j * k + p] * a[j * k + p];
      }
      if (d <= 0) {
        throw new ArithmeticException("matrix is not positive definite (pivot " + j + " = " + d + ")");
      }
      double l = Math.sqrt(d);
      a[j * k + j] = l;
      for (int i = j + 1; i < k; i++) {
        double s = a[i * k + j];
        for (int p = 0; p < j; p++) {
          s -= a[i * k + p] * a[j * k + p];
        }
        a[i * k + j] = s / l;
      }
    }
  }

  /** Solves L·Lᵀ·x = b with the factor left in {@code a} by {@link #factor}. */
  static double[] solveFactored(double[] a, double[] b, int k) {
    double[] y = new double[k];
    for (int i = 0; i < k; i++) {
      double s = b[i];
      for (int p = 0; p < i; p++) {
        s -= a[i * k + p] * y[p];
      }
      y[i] = s / a[i * k + i];
    }
    double[] x = new double[k];
    for (int i = k - 1; i >= 0; i--) {
      double s = y[i];
      for (int p = i + 1; p < k; p++) {
        s -= a[p * k + i] * x[p];
      }
      x[i] = s / a[i * k + i];
    }
    return x;
  }
}
