package io.recflow.publish;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recflow.core.RecflowConfig;
import io.recflow.evaluation.EvalResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GateTest {
  private static List<EvalResult> results(double als, double pop) {
    return List.of(new EvalResult("stratified", "als", "ndcg", 10, als),
        new EvalResult("stratified", "popularity", "ndcg", 10, pop),
        new EvalResult("chronological", "als", "ndcg", 10, 0.0),
        new EvalResult("chronological", "popularity", "ndcg", 10, 1.0));
  }

  @Test
  void publishesOnlyWhenAlsBeatsPopularityOnTheConfiguredProtocolAndMetric() {
    RecflowConfig c = RecflowConfig.defaults();
    assertTrue(Gate.decide(results(0.3, 0.2), c).passed());
    Gate tie = Gate.decide(results(0.2, 0.2), c);
    assertFalse(tie.passed());
    assertTrue(tie.note().contains("rejected"), tie.note());
    RecflowConfig chrono = RecflowConfig.of(Map.of("gate.protocol", "chronological"), "test");
    assertFalse(Gate.decide(results(0.3, 0.2), chrono).passed());
  }

  @Test
  void aMissingFigureIsAnErrorNotAPass() {
    RecflowConfig c = RecflowConfig.of(Map.of("gate.metric", "recall"), "test");
    assertThrows(IllegalStateException.class, () -> Gate.decide(results(0.3, 0.2), c));
  }
}
