package io.recflow.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.recflow.core.RecflowConfig;
import io.recflow.core.Settings;
import io.recflow.experiment.Analysis;
import io.recflow.experiment.Counterfactual;
import io.recflow.experiment.Lift;
import io.recflow.experiment.RatioMetric;
import io.recflow.online.ExperimentReport;
import io.recflow.online.Replay;
import io.recflow.spark.ConfigOptions;
import io.recflow.spark.Launcher;
import io.recflow.spark.SparkSessions;
import io.recflow.spark.Warehouse;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code recflow experiments report NAME... [--json] [--policy P]}: an online experiment's figures and
 * verdict, from the exposures and events in the warehouse, and the replay of an alternative ranking
 * on its randomised slots (docs/experiments.md says how to read them).
 */
@Command(name = "experiments", description = "Online experiments: the report of one (docs/experiments.md).",
    subcommands = {ExperimentsCommand.Report.class})
final class ExperimentsCommand {
  private ExperimentsCommand() {}

  @Command(name = "report", description = "Per variant: users, lists, click-through and conversion with intervals; "
      + "the lift of each against the control; the sample-ratio check; a verdict.")
  static final class Report implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Parameters(paramLabel = "NAME", arity = "1..*", description = "The experiment, as experiments.file names it; "
        + "several are reported one after another, in one Spark session.")
    List<String> names;

    @Option(names = "--json", description = "Print one JSON object per experiment, one per line, instead of text.")
    boolean json;

    @Option(names = "--policy", paramLabel = "P", description = "The alternative to replay on the randomised slots: "
        + "ranker, ranker:VERSION or feature:NAME (default: experiments.counterfactual.policy).")
    String policy;

    @Override
    public Integer call() throws Exception {
      RecflowConfig config = options.load(policy == null ? Map.of()
          : Map.of(Settings.EXPERIMENTS_POLICY.name(), policy));
      Warehouse warehouse = Warehouse.of(SparkSessions.getOrCreate(config), config);
      PrintStream out = Launcher.dataOut();
      for (String name : names) {
        ExperimentReport report = ExperimentReport.of(warehouse, config, name);
        if (json) { // one line per experiment
          out.println(new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS).writeValueAsString(report));
        } else {
          print(report, out);
        }
      }
      return 0;
    }
  }

  static void print(ExperimentReport report, PrintStream out) {
    Analysis.Result r = report.analysis();
    double confidence = 1 - r.alpha() / Math.max(1, r.arms().size() - 1);
    out.printf(Locale.ROOT, "experiment %s: control %s, intervals at %.1f%%%n", r.experiment(),
        r.arms().get(0).variant(), confidence * 100);
    out.printf(Locale.ROOT, "%-16s %6s %8s %9s  %-30s %s%n", "variant", "share", "users", "lists",
        "click-through per list", "purchases per list");
    for (Analysis.Arm a : r.arms()) {
      out.printf(Locale.ROOT, "%-16s %6.3f %8d %9.0f  %-30s %s%n", a.variant(), a.plannedShare(), a.users(),
          a.lists(), rate(a.clickThrough(), 1 - confidence), rate(a.conversion(), 1 - confidence));
    }
    out.printf(Locale.ROOT, "sample-ratio check: chi-square %.2f, p %.3g (%s)%n", r.sampleRatio().chiSquare(),
        r.sampleRatio().pValue(), r.sampleRatio().mismatch() ? "MISMATCH" : "ok");
    if (report.usersInSeveralVariants() > 0) {
      out.printf(Locale.ROOT, "left out: %d users served by more than one variant (was the plan changed while it "
          + "ran?)%n", report.usersInSeveralVariants());
    }
    for (Analysis.Comparison c : r.comparisons()) {
      out.printf(Locale.ROOT, "%s against %s: click-through %s, purchases %s%n", c.variant(),
          r.arms().get(0).variant(), lift(c.clickThrough()), lift(c.conversion()));
    }
    out.println("verdict: " + r.verdict());
    print(report.counterfactual(), 1 - confidence, out);
  }

  private static void print(Replay replay, double alpha, PrintStream out) {
    Counterfactual.Result c = replay.result();
    if (c == null) {
      out.println("counterfactual " + replay.policy() + ": none, " + replay.note());
      return;
    }
    out.printf(Locale.ROOT, "counterfactual on %d randomised slots (weights clipped at %.0f%s):%n", c.slots(), c.clip(),
        replay.unreadable() > 0 ? ", " + replay.unreadable() + " more the policy cannot read" : "");
    out.printf(Locale.ROOT, "  %-24s click-through %s%n", "as shown (at random)", rate(c.logged(), alpha));
    for (Counterfactual.Estimate e : List.of(c.served(), c.alternative())) {
      out.printf(Locale.ROOT, "  %-24s click-through %s on %d matching slots, worth %.0f%n", e.policy(),
          rate(e.clickThrough(), alpha), e.matched(), e.effectiveSlots());
    }
    out.printf(Locale.ROOT, "  %s against served: %s%n", replay.policy(), lift(c.lift()));
  }

  private static String rate(RatioMetric m, double alpha) {
    if (Double.isNaN(m.standardError())) {
      return Double.isNaN(m.value()) ? "-" : String.format(Locale.ROOT, "%.4f", m.value());
    }
    double[] ci = m.interval(alpha);
    return String.format(Locale.ROOT, "%.4f [%.4f, %.4f]", m.value(), ci[0], ci[1]);
  }

  private static String lift(Lift l) {
    if (Double.isNaN(l.low())) {
      return "not enough data";
    }
    return String.format(Locale.ROOT, "%+.1f%% [%+.1f%%, %+.1f%%], p %.3g", l.value() * 100, l.low() * 100,
        l.high() * 100, l.pValue());
  }
}
