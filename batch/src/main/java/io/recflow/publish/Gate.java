package io.recflow.publish;

import io.recflow.core.RecflowConfig;
import io.recflow.core.Settings;
import io.recflow.evaluation.EvalResult;
import java.util.List;
import java.util.Locale;

/**
 * The publication gate: a model is published only if ALS beats the popularity baseline on the
 * configured protocol and metric. A model that cannot beat "recommend the bestsellers" would make
 * recommendations worse than no model, so it is kept for inspection but never served.
 */
public record Gate(boolean passed, String note) {

  public static Gate decide(List<EvalResult> results, RecflowConfig config) {
    String protocol = config.get(Settings.GATE_PROTOCOL);
    String metric = config.get(Settings.GATE_METRIC);
    double als = value(results, protocol, "als", metric);
    double pop = value(results, protocol, "popularity", metric);
    boolean passed = als > pop;
    String note = String.format(Locale.ROOT, "%s: als %s@%d %.4f %s popularity %.4f", passed ? "published"
        : "rejected", metric, config.get(Settings.EVAL_K), als, passed ? ">" : "<=", pop) + " (" + protocol + ")";
    return new Gate(passed, note);
  }

  private static double value(List<EvalResult> results, String protocol, String model, String metric) {
    return results.stream()
        .filter(r -> r.protocol().equals(protocol) && r.model().equals(model) && r.metric().equals(metric))
        .mapToDouble(EvalResult::value).findFirst()
        .orElseThrow(() -> new IllegalStateException("no " + metric + " of " + model + " under " + protocol));
  }
}
