package io.recflow.experiment;

/**
 * The two distributions the report needs, in plain Java: the standard normal's quantile (for
 * confidence intervals) and the chi-square's upper tail (for the sample-ratio check).
 */
public final class Distributions {
  private Distributions() {}

  /** The standard normal quantile: z with P(Z <= z) = p, for p in (0, 1); Acklam's approximation refined once. */
  public static double normalQuantile(double p) {
    if (!(p > 0 && p < 1)) {
      throw new IllegalArgumentException("p must be in (0, 1), got " + p);
    }
    double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
        -3.066479806614716e+01, 2.506628277459239e+00};
    double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
        -1.328068155288572e+01};
    double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
        4.374664141464968e+00, 2.938163982698783e+00};
    double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
    double x;
    if (p < 0.02425) {
      double q = Math.sqrt(-2 * Math.log(p));
      x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
          / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    } else if (p <= 1 - 0.02425) {
      double q = p - 0.5;
      double r = q * q;
      x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
          / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    } else {
      double q = Math.sqrt(-2 * Math.log(1 - p));
      x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
          / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    // One Halley step against the exact CDF takes the error from 1e-9 to machine precision.
    double e = normalCdf(x) - p;
    double u = e * Math.sqrt(2 * Math.PI) * Math.exp(x * x / 2);
    return x - u / (1 + x * u / 2);
  }

  /** P(Z <= x) for the standard normal. */
  public static double normalCdf(double x) {
    return 0.5 * erfc(-x / Math.sqrt(2));
  }

  /** P(X >= x) for a chi-square variable with {@code df} degrees of freedom. */
  public static double chiSquareTail(double x, int df) {
    if (df < 1) {
      throw new IllegalArgumentException("df must be at least 1, got " + df);
    }
    return x <= 0 ? 1 : upperGamma(df / 2.0, x / 2);
  }

  /** The complementary error function, from the regularised incomplete gamma function. */
  private static double erfc(double x) {
    return x < 0 ? 1 + lowerGamma(0.5, x * x) : upperGamma(0.5, x * x);
  }

  /** The regularised lower incomplete gamma P(a, x). */
  private static double lowerGamma(double a, double x) {
    return x < a + 1 ? series(a, x) : 1 - fraction(a, x);
  }

  /** The regularised upper incomplete gamma Q(a, x) = 1 - P(a, x), accurate in the far tail. */
  private static double upperGamma(double a, double x) {
    return x < a + 1 ? 1 - series(a, x) : fraction(a, x);
  }

  private static double series(double a, double x) {
    if (x <= 0) {
      return 0;
    }
    double term = 1 / a;
    double sum = term;
    for (int n = 1; n < 1000 && Math.abs(term) > Math.abs(sum) * 1e-16; n++) {
      term *= x / (a + n);
      sum += term;
    }
    return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
  }

  /** Q(a, x) by Lentz's continued fraction. */
  private static double fraction(double a, double x) {
    double tiny = 1e-300;
    double b = x + 1 - a;
    double c = 1 / tiny;
    double d = 1 / b;
    double h = d;
    for (int i = 1; i < 1000; i++) {
      double an = -i * (i - a);
      b += 2;
      d = an * d + b;
      d = Math.abs(d) < tiny ? tiny : d;
      c = b + an / c;
      c = Math.abs(c) < tiny ? tiny : c;
      d = 1 / d;
      double delta = d * c;
      h *= delta;
      if (Math.abs(delta - 1) < 1e-16) {
        break;
      }
    }
    return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
  }

  /** ln Γ(a) for a > 0 (Lanczos, g = 7). */
  static double logGamma(double a) {
    double[] g = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
        -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
        1.5056327351493116e-7};
    if (a < 0.5) {
      return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * a))) - logGamma(1 - a);
    }
    double x = g[0];
    double t = a + 6.5;
    for (int i = 1; i < 9; i++) {
      x += g[i] / (a - 1 + i);
    }
    return 0.5 * Math.log(2 * Math.PI) + (a - 0.5) * Math.log(t) - t + Math.log(x);
  }
}
