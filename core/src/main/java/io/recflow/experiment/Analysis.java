package io.recflow.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An experiment's verdict from per-user totals: for each variant its users, lists shown, and the
 * click-through and conversion rates per list with their delta-method intervals; for each variant
 * against the control, the relative lift with its interval; the sample-ratio check; and a plain
 * sentence. The primary metric is click-through. With more than one treatment the intervals are
 * Bonferroni-corrected (alpha divided by the treatments), so "better" stays a claim at level alpha
 * overall.
 */
public final class Analysis {
  private Analysis() {}

  /**
   * One variant's users, each with the lists they were shown, their attributed clicks and their
   * attributed purchases, index by index.
   */
  public record Totals(double[] lists, double[] clicks, double[] purchases) {
    public Totals {
      if (lists.length != clicks.length || lists.length != purchases.length) {
        throw new IllegalArgumentException("every user needs lists, clicks and purchases");
      }
    }

    /** Totals from one row per user: {lists, clicks, purchases}. */
    public static Totals of(List<double[]> users) {
      return new Totals(users.stream().mapToDouble(u -> u[0]).toArray(),
          users.stream().mapToDouble(u -> u[1]).toArray(), users.stream().mapToDouble(u -> u[2]).toArray());
    }

    public int users() {
      return lists.length;
    }
  }

  /** One variant's figures. */
  public record Arm(String variant, double plannedShare, long users, double lists, RatioMetric clickThrough,
                    RatioMetric conversion) {}

  /** A treatment against the control. */
  public record Comparison(String variant, Lift clickThrough, Lift conversion, String verdict) {}

  /** The whole analysis. */
  public record Result(String experiment, double alpha, List<Arm> arms, SampleRatio sampleRatio,
                       List<Comparison> comparisons, String verdict) {}

  /** Analyses {@code experiment} from each variant's totals (a variant without users may be missing). */
  public static Result of(Experiment experiment, Map<String, Totals> byVariant, double alpha) {
    double[] shares = experiment.shares();
    List<Arm> arms = new ArrayList<>();
    long[] users = new long[shares.length];
    for (int i = 0; i < shares.length; i++) {
      String name = experiment.variants().get(i).name();
      Totals t = byVariant.getOrDefault(name, new Totals(new double[0], new double[0], new double[0]));
      users[i] = t.users();
      double lists = 0;
      for (double l : t.lists()) {
        lists += l;
      }
      arms.add(new Arm(name, shares[i], t.users(), lists, RatioMetric.of(t.clicks(), t.lists()),
          RatioMetric.of(t.purchases(), t.lists())));
    }
    SampleRatio srm = SampleRatio.of(users, shares);
    double corrected = alpha / Math.max(1, arms.size() - 1);
    Arm control = arms.get(0);
    List<Comparison> comparisons = new ArrayList<>();
    for (Arm arm : arms.subList(1, arms.size())) {
      Lift ctr = Lift.of(arm.clickThrough(), control.clickThrough(), corrected);
      Lift conversion = Lift.of(arm.conversion(), control.conversion(), corrected);
      comparisons.add(new Comparison(arm.variant(), ctr, conversion, verdict(arm.variant(), control.variant(), ctr)));
    }
    String verdict;
    if (srm.mismatch()) {
      verdict = String.format(Locale.ROOT, "assignment is broken: the variants hold %s users where the plan expects "
          + "%s (sample-ratio check p = %.2g); no other figure can be trusted until it is fixed", counts(arms),
          expected(arms), srm.pValue());
    } else {
      verdict = String.join("; ", comparisons.stream().map(Comparison::verdict).toList());
    }
    return new Result(experiment.name(), alpha, arms, srm, comparisons, verdict);
  }

  private static String verdict(String treatment, String control, Lift ctr) {
    if (Double.isNaN(ctr.low())) {
      return treatment + ": not enough data against " + control;
    }
    double half = (ctr.high() - ctr.low()) / 2 * 100;
    if (!ctr.significant()) {
      return String.format(Locale.ROOT, "%s against %s: no detectable difference in click-through (%+.1f%% ± %.1f%%)",
          treatment, control, ctr.value() * 100, half);
    }
    return String.format(Locale.ROOT, "%s is %s than %s by %.1f%% ± %.1f%% in click-through (interval %+.1f%% to "
        + "%+.1f%%)", treatment, ctr.value() > 0 ? "better" : "worse", control, Math.abs(ctr.value()) * 100, half,
        ctr.low() * 100, ctr.high() * 100);
  }

  private static String counts(List<Arm> arms) {
    Map<String, Long> m = new LinkedHashMap<>();
    arms.forEach(a -> m.put(a.variant(), a.users()));
    return m.toString();
  }

  private static String expected(List<Arm> arms) {
    long total = arms.stream().mapToLong(Arm::users).sum();
    Map<String, Long> m = new LinkedHashMap<>();
    arms.forEach(a -> m.put(a.variant(), Math.round(total * a.plannedShare())));
    return m.toString();
  }
}
