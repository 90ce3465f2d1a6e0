package io.recflow.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recflow.core.ConfigException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExperimentPlanTest {
  private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
  private static final String PLAN = """
      {"salt": "s1", "holdout": 0.1, "experiments": [
        {"name": "seq", "start": "2026-12-01T00:00:00Z", "stop": "2027-01-01T00:00:00Z", "slice": [0, 0.5],
         "variants": [{"name": "control"}, {"name": "sequence", "model": "sequence", "share": 3}]},
        {"name": "explore", "start": "2026-12-01T00:00:00Z", "slice": [0.5, 1],
         "variants": [{"name": "a"}, {"name": "b", "exploration": 0.2, "diversity": 0.3, "ranker": "als-order"}]}
      ]}""";

  @Test
  void readsEverySettingOfTheFile() {
    ExperimentPlan plan = ExperimentPlan.parse(PLAN, "test");
    assertEquals("s1", plan.salt());
    assertEquals(0.1, plan.holdout());
    Experiment seq = plan.experiment("seq");
    assertEquals(0.5, seq.to());
    assertEquals("sequence", seq.variant("sequence").model());
    assertEquals(0.75, seq.shares()[1], 1e-12);
    Variant b = plan.experiment("explore").variant("b");
    assertEquals(0.2, b.exploration());
    assertEquals(0.3, b.diversity());
    assertEquals("als-order", b.ranker());
    assertNull(plan.experiment("explore").stop());
  }

  @Test
  void splitsUsersByTheHoldoutSlicesAndShares() {
    ExperimentPlan plan = ExperimentPlan.parse(PLAN, "test");
    Map<String, Integer> counts = new HashMap<>();
    int n = 40_000;
    for (int u = 0; u < n; u++) {
      Assignment a = plan.assign("user-" + u, NOW);
      counts.merge(a.holdout() ? "holdout" : a.experiment() + "/" + a.variantName(), 1, Integer::sum);
    }
    // Expected shares: holdout 0.1; each experiment 0.45; seq's variants 1:3, explore's 1:1.
    assertEquals(0.1, counts.get("holdout") / (double) n, 0.01);
    assertEquals(0.1125, counts.get("seq/control") / (double) n, 0.01);
    assertEquals(0.3375, counts.get("seq/sequence") / (double) n, 0.01);
    assertEquals(0.225, counts.get("explore/a") / (double) n, 0.01);
    assertEquals(0.225, counts.get("explore/b") / (double) n, 0.01);
  }

  @Test
  void aUserKeepsTheirVariantAcrossPlansReadAgain() {
    ExperimentPlan first = ExperimentPlan.parse(PLAN, "test");
    ExperimentPlan again = ExperimentPlan.parse(PLAN, "test");
    for (int u = 0; u < 1000; u++) {
      Assignment a = first.assign("u" + u, NOW);
      assertEquals(a, again.assign("u" + u, NOW.plusSeconds(3600)));
    }
  }

  @Test
  void outsideItsTimesAnExperimentTakesNoOne() {
    ExperimentPlan plan = ExperimentPlan.parse(PLAN, "test");
    Instant later = Instant.parse("2027-02-01T00:00:00Z");
    for (int u = 0; u < 2000; u++) {
      Assignment a = plan.assign("u" + u, later);
      assertTrue(a.holdout() || a.experiment() == null || a.experiment().equals("explore"), a.toString());
    }
    assertSame(Assignment.NONE, plan.assign(null, NOW));
  }

  @Test
  void aBadFileIsRefusedWithEveryProblemNamed() {
    String bad = """
        {"holdout": 0.7, "experiments": [
          {"name": "x", "start": "yesterday", "variants": [{"name": "a", "share": -1, "model": "magic"}]},
          {"name": "y", "start": "2026-12-01T00:00:00Z", "variants": [{"name": "a"}, {"name": "a", "colour": 1}]}
        ]}""";
    ConfigException e = assertThrows(ConfigException.class, () -> ExperimentPlan.parse(bad, "bad.json"));
    String m = e.getMessage();
    for (String expected : new String[] {"bad.json", "holdout must be from 0 to 0.5", "start must be an ISO-8601",
        "share must be a positive number", "model must be one of", "needs at least two variants",
        "unknown field 'colour'", "variant 'a' appears twice"}) {
      assertTrue(m.contains(expected), "missing '" + expected + "' in: " + m);
    }
  }

  @Test
  void experimentsAtTheSameTimeMustNotShareUsers() {
    String overlapping = """
        {"experiments": [
          {"name": "x", "start": "2026-12-01T00:00:00Z", "variants": [{"name": "a"}, {"name": "b"}]},
          {"name": "y", "start": "2026-12-05T00:00:00Z", "slice": [0.5, 1], "variants": [{"name": "a"}, {"name": "b"}]}
        ]}""";
    ConfigException e = assertThrows(ConfigException.class, () -> ExperimentPlan.parse(overlapping, "f"));
    assertTrue(e.getMessage().contains("'x' and 'y' run at the same time on overlapping slices"), e.getMessage());
    String sequential = overlapping.replace("\"2026-12-01T00:00:00Z\",", "\"2026-12-01T00:00:00Z\", \"stop\": "
        + "\"2026-12-05T00:00:00Z\",");
    assertEquals(2, ExperimentPlan.parse(sequential, "f").experiments().size());
  }

  @Test
  void notJsonIsRefused() {
    ConfigException e = assertThrows(ConfigException.class, () -> ExperimentPlan.parse("{experiments: [", "f"));
    assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
  }
}
