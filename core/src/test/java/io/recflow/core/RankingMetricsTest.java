package io.recflow.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Set;
import org.junit.jupiter.api.Test;

class RankingMetricsTest {
  private static final double LOG2_3 = Math.log(3) / Math.log(2);
  private static final double LOG2_4 = 2.0;

  @Test
  void matchesHandComputedValues() {
    // Hits at ranks 1 and 3 of 3; four relevant items in all.
    RankingMetrics.Scores s = RankingMetrics.score(new int[] {7, 8, 9}, Set.of(7, 9, 11, 12), 3);
    assertEquals(2.0 / 3, s.precision(), 1e-12);
    assertEquals(2.0 / 4, s.recall(), 1e-12);
    double dcg = 1.0 + 1.0 / LOG2_4;
    double idcg = 1.0 + 1.0 / LOG2_3 + 1.0 / LOG2_4;
    assertEquals(dcg / idcg, s.ndcg(), 1e-12);
    assertEquals((1.0 / 1 + 2.0 / 3) / 4, s.map(), 1e-12);
  }

  @Test
  void aPerfectListScoresOne() {
    RankingMetrics.Scores s = RankingMetrics.score(new int[] {1, 2}, Set.of(1, 2), 2);
    assertEquals(1.0, s.precision());
    assertEquals(1.0, s.recall());
    assertEquals(1.0, s.ndcg(), 1e-12);
    assertEquals(1.0, s.map(), 1e-12);
  }

  @Test
  void aShortListIsPenalisedAsIfPaddedWithMisses() {
    RankingMetrics.Scores s = RankingMetrics.score(new int[] {1}, Set.of(1), 10);
    assertEquals(0.1, s.precision(), 1e-12);
    assertEquals(1.0, s.ndcg(), 1e-12);
  }

  @Test
  void aUserWithoutRelevantItemsCannotBeScored() {
    assertThrows(IllegalArgumentException.class, () -> RankingMetrics.score(new int[] {1}, Set.of(), 1));
  }

  @Test
  void summaryAveragesUsersAndMeasuresCoverageAndDiversity() {
    java.util.List<Set<String>> attrs = java.util.List.of(Set.of("a"), Set.of("a"), Set.of("b"), Set.of());
    MetricSummary m = new MetricSummary(2, 4, attrs::get);
    m.add(new int[] {0, 1}, Set.of(0)); // precision 0.5, diversity 0 (same attributes)
    m.add(new int[] {0, 2}, Set.of(3)); // precision 0,   diversity 1 (disjoint)
    assertEquals(2, m.users());
    assertEquals(0.25, m.means().get("precision"), 1e-12);
    assertEquals(3 / 4.0, m.means().get("coverage"), 1e-12);
    assertEquals(0.5, m.means().get("diversity"), 1e-12);
  }
}
