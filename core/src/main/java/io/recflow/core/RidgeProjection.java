package io.recflow.core;

import java.io.Serializable;

/**
 * A linear map from item text embeddings to ALS item factors, fitted by ridge regression on the
 * items that have both: W = (EᵀE + λI)⁻¹·EᵀF. It places an item nobody has interacted with yet in
 * the collaborative space, next to the items whose texts resemble its own, so it can be
 * recommended the night it arrives.
 *
 * <p>Fitting is split so that it can run distributed: {@link Accumulator}s gather EᵀE and EᵀF over
 * parts of the data and are merged; {@link #fit} then solves on one machine (d×d, d = embedding size).
 */
public final class RidgeProjection implements Serializable {
  private static final long serialVersionUID = 1L;
  private final int d;
  private final int k;
  /** Row-major d×k. */
  private final double[] w;

  private RidgeProjection(int d, int k, double[] w) {
    this.d = d;
    this.k = k;
    this.w = w;
  }

  /** Sums of EᵀE and EᵀF over the pairs added so far. */
  public static final class Accumulator implements Serializable {
    private static final long serialVersionUID = 1L;
    private final int d;
    private final int k;
    private final double[] ete;
    private final double[] etf;
    private long n;

    public Accumulator(int d, int k) {
      this.d = d;
      this.k = k;
      this.ete = new double[d * d];
      this.etf = new double[d * k];
    }

    /** Adds one item's embedding e (length d) and factor f (length k). */
    public Accumulator add(float[] e, float[] f) {
      for (int i = 0; i < d; i++) {
        double ei = e[i];
        for (int j = i; j < d; j++) {
          ete[i * d + j] += ei * e[j];
        }
        for (int j = 0; j < k; j++) {
          etf[i * k + j] += ei * f[j];
        }
      }
      n++;
      return this;
    }

    /** Adds another accumulator's sums into this one. */
    public Accumulator merge(Accumulator o) {
      for (int i = 0; i < ete.length; i++) {
        ete[i] += o.ete[i];
      }
      for (int i = 0; i < etf.length; i++) {
        etf[i] += o.etf[i];
      }
      n += o.n;
      return this;
    }

    public long count() {
      return n;
    }
  }

  /** Solves for W with ridge penalty {@code lambda} (> 0 keeps the system well posed). */
  public static RidgeProjection fit(Accumulator acc, double lambda) {
    int d = acc.d;
    int k = acc.k;
    double[] a = new double[d * d];
    for (int i = 0; i < d; i++) {
      for (int j = i; j < d; j++) {
        a[i * d + j] = acc.ete[i * d + j];
        a[j * d + i] = acc.ete[i * d + j];
      }
      a[i * d + i] += lambda;
    }
    Cholesky.factor(a, d);
    double[] w = new double[d * k];
    double[] column = new double[d];
    for (int j = 0; j < k; j++) {
      for (int i = 0; i < d; i++) {
        column[i] = acc.etf[i * k + j];
      }
      double[] x = Cholesky.solveFactored(a, column, d);
      for (int i = 0; i < d; i++) {
        w[i * k + j] = x[i];
      }
    }
    return new RidgeProjection(d, k, w);
  }

  /** The factor of an item with embedding {@code e}: eᵀW. */
  public float[] project(float[] e) {
    if (e.length != d) {
      throw new IllegalArgumentException("embedding has " + e.length + " values, the projection expects " + d);
    }
    float[] f = new float[k];
    for (int j = 0; j < k; j++) {
      double s = 0;
      for (int i = 0; i < d; i++) {
        s += e[i] * w[i * k + j];
      }
      f[j] = (float) s;
    }
    return f;
  }
}
