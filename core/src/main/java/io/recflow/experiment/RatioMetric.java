package io.recflow.experiment;

/**
 * A rate whose unit of analysis is the user, though it is counted in exposures: click-through is
 * Σ clicks / Σ exposures over a variant's users. Users, not exposures, are the independent units
 * (randomisation is by user, and one user's exposures are correlated), so the variance comes from
 * the delta method over per-user sums: Var(ȳ/x̄) ≈ (s²_y − 2R·s_xy + R²·s²_x) / (n·x̄²). Treating
 * every exposure as independent would understate it and find differences that are not there.
 *
 * @param users the users (units) it is measured over
 * @param numerator Σ y, e.g. clicks
 * @param denominator Σ x, e.g. exposures
 * @param value the rate Σy / Σx (NaN with no denominator)
 * @param standardError its delta-method standard error (NaN with fewer than 2 users)
 */
public record RatioMetric(long users, double numerator, double denominator, double value, double standardError) {

  /** The rate over users whose numerators are {@code y[i]} and denominators {@code x[i]}. */
  public static RatioMetric of(double[] y, double[] x) {
    if (y.length != x.length) {
      throw new IllegalArgumentException("y and x have " + y.length + " and " + x.length + " users");
    }
    int n = y.length;
    double sy = 0;
    double sx = 0;
    for (int i = 0; i < n; i++) {
      sy += y[i];
      sx += x[i];
    }
    double r = sy / sx;
    if (n < 2 || sx == 0) {
      return new RatioMetric(n, sy, sx, r, Double.NaN);
    }
    double my = sy / n;
    double mx = sx / n;
    double vy = 0;
    double vx = 0;
    double cxy = 0;
    for (int i = 0; i < n; i++) {
      double dy = y[i] - my;
      double dx = x[i] - mx;
      vy += dy * dy;
      vx += dx * dx;
      cxy += dx * dy;
    }
    vy /= n - 1;
    vx /= n - 1;
    cxy /= n - 1;
    double variance = Math.max(0, (vy - 2 * r * cxy + r * r * vx) / (n * mx * mx));
    return new RatioMetric(n, sy, sx, r, Math.sqrt(variance));
  }

  /** The two-sided interval at confidence 1 − alpha: value ± z·SE. */
  public double[] interval(double alpha) {
    double z = Distributions.normalQuantile(1 - alpha / 2);
    return new double[] {value - z * standardError, value + z * standardError};
  }
}
