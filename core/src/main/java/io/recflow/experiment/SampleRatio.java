package io.recflow.experiment;

/**
 * The sample-ratio-mismatch check: do the variants hold the shares of users the plan gives them?
 * A mismatch (Pearson's chi-square test, p below {@link #THRESHOLD}) means assignment or logging is
 * broken (a variant that crashes, redirects or loses some users' exposures), and then every other
 * figure of the experiment is suspect, however significant it looks.
 *
 * @param chiSquare the statistic
 * @param pValue its upper tail with variants − 1 degrees of freedom
 */
public record SampleRatio(double chiSquare, double pValue) {
  /** The p-value below which the split is called broken: strict, because the check runs on every report. */
  public static final double THRESHOLD = 0.001;

  /** The check for observed users per variant against the planned shares (which sum to 1). */
  public static SampleRatio of(long[] users, double[] shares) {
    if (users.length != shares.length || users.length < 2) {
      throw new IllegalArgumentException("need two or more variants with a share each");
    }
    long total = 0;
    for (long u : users) {
      total += u;
    }
    if (total == 0) {
      return new SampleRatio(0, 1);
    }
    double chi = 0;
    for (int i = 0; i < users.length; i++) {
      double expected = total * shares[i];
      chi += (users[i] - expected) * (users[i] - expected) / expected;
    }
    return new SampleRatio(chi, Distributions.chiSquareTail(chi, users.length - 1));
  }

  /** Whether the split is broken. */
  public boolean mismatch() {
    return pValue < THRESHOLD;
  }
}
