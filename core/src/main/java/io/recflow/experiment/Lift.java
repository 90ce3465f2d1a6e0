package io.recflow.experiment;

/**
 * The relative difference of a treatment's rate from the control's, (t − c) / c, with its interval.
 * The interval is built on the log of the ratio t / c, whose sampling distribution is nearer normal
 * than the ratio's (Var log(t/c) ≈ SE²_t/t² + SE²_c/c², the two groups being independent), and
 * mapped back, so it is asymmetric as a ratio's interval should be.
 *
 * @param value the point estimate of the lift, e.g. 0.05 for +5%
 * @param low the lower end of the interval
 * @param high the upper end
 * @param pValue the two-sided p-value of "no difference"
 */
public record Lift(double value, double low, double high, double pValue) {

  /** The lift of {@code treatment} over {@code control} at confidence 1 − alpha. */
  public static Lift of(RatioMetric treatment, RatioMetric control, double alpha) {
    double t = treatment.value();
    double c = control.value();
    if (!(t > 0 && c > 0) || Double.isNaN(treatment.standardError()) || Double.isNaN(control.standardError())) {
      return new Lift(c > 0 ? t / c - 1 : Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    double se = Math.sqrt(Math.pow(treatment.standardError() / t, 2) + Math.pow(control.standardError() / c, 2));
    return ofLogRatio(Math.log(t / c), se, alpha);
  }

  /** The lift whose log-ratio log(t / c) is {@code log} with standard error {@code se}, at confidence 1 − alpha. */
  static Lift ofLogRatio(double log, double se, double alpha) {
    double z = Distributions.normalQuantile(1 - alpha / 2);
    double p = se == 0 ? (log == 0 ? 1 : 0) : 2 * (1 - Distributions.normalCdf(Math.abs(log) / se));
    return new Lift(Math.exp(log) - 1, Math.exp(log - z * se) - 1, Math.exp(log + z * se) - 1, p);
  }

  /** Whether the interval excludes zero: a detectable difference. */
  public boolean significant() {
    return low > 0 || high < 0;
  }
}
