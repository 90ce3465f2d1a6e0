package io.recflow.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class SplitMeansTest {
  @Test
  void averagesEveryFigureAndGivesRankingMetricsTheirStandardError() {
    List<EvalResult> a = List.of(new EvalResult("cold-items", "content", "recall", 10, 0.02),
        new EvalResult("cold-items", "content", "users", 10, 500));
    List<EvalResult> b = List.of(new EvalResult("cold-items", "content", "recall", 10, 0.04),
        new EvalResult("cold-items", "content", "users", 10, 600));
    List<EvalResult> c = List.of(new EvalResult("cold-items", "content", "recall", 10, 0.06),
        new EvalResult("cold-items", "content", "users", 10, 700));

    List<EvalResult> mean = SplitMeans.of(List.of(a, b, c));

    assertEquals(3, mean.size(), mean.toString());
    assertEquals("recall", mean.get(0).metric());
    assertEquals(0.04, mean.get(0).value(), 1e-12);
    // sample sd of 0.02, 0.04, 0.06 is 0.02; over three splits the error of the mean is 0.02 / sqrt(3)
    assertEquals("recall_se", mean.get(1).metric());
    assertEquals(0.02 / Math.sqrt(3), mean.get(1).value(), 1e-12);
    assertEquals("users", mean.get(2).metric());
    assertEquals(600, mean.get(2).value(), 1e-9);
  }

  @Test
  void oneSplitIsReportedAsItIs() {
    List<EvalResult> only = List.of(new EvalResult("cold-items", "content", "ndcg", 10, 0.2));
    assertSame(only, SplitMeans.of(List.of(only)));
  }

  @Test
  void refusesSplitsThatReportDifferentFigures() {
    List<EvalResult> a = List.of(new EvalResult("cold-items", "content", "ndcg", 10, 0.2));
    List<EvalResult> b = List.of(new EvalResult("cold-items", "random", "ndcg", 10, 0.1));
    assertThrows(IllegalStateException.class, () -> SplitMeans.of(List.of(a, b)));
  }
}
