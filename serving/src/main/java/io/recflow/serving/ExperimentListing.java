package io.recflow.serving;

import io.recflow.experiment.Experiment;
import io.recflow.experiment.ExperimentPlan;
import io.recflow.experiment.Variant;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The body of GET /v1/experiments: the global holdout's share and each experiment with its times,
 * slice of users, variants (share, whether it is the control, and what it changes) and whether it
 * is running. The salt is left out: with it, anyone could tell which variant a user gets.
 */
final class ExperimentListing {
  private ExperimentListing() {}

  static Map<String, Object> of(ExperimentPlan plan, Instant now) {
    List<Map<String, Object>> list = new ArrayList<>();
    for (Experiment e : plan.experiments()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", e.name());
      m.put("running", e.running(now));
      m.put("start", e.start().toString());
      m.put("stop", e.stop() == null ? null : e.stop().toString());
      m.put("slice", List.of(e.from(), e.to()));
      double[] shares = e.shares();
      List<Map<String, Object>> variants = new ArrayList<>();
      for (int i = 0; i < shares.length; i++) {
        Variant v = e.variants().get(i);
        Map<String, Object> vm = new LinkedHashMap<>();
        vm.put("name", v.name());
        vm.put("share", shares[i]);
        vm.put("control", i == 0);
        putIfSet(vm, "model", v.model());
        putIfSet(vm, "ranker", v.ranker());
        putIfSet(vm, "exploration", v.exploration());
        putIfSet(vm, "diversity", v.diversity());
        variants.add(vm);
      }
      m.put("variants", variants);
      list.add(m);
    }
    return Map.of("holdout", plan.holdout(), "experiments", list);
  }

  private static void putIfSet(Map<String, Object> m, String key, Object value) {
    if (value != null) {
      m.put(key, value);
    }
  }
}
