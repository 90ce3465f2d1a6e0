package io.recflow.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MmrRerankerTest {
  // Three near-copies of one film and one different film, scored in that order.
  private static final double[] SCORES = {1.0, 0.95, 0.9, 0.8};
  private static final List<float[]> VECTORS = List.of(new float[] {1, 0}, new float[] {0.99f, 0.05f},
      new float[] {0.98f, 0.1f}, new float[] {0, 1});

  @Test
  void lambdaOneKeepsTheRelevanceOrder() {
    assertArrayEquals(new int[] {0, 1, 2, 3}, new MmrReranker(1.0).rerank(SCORES, VECTORS, 4));
  }

  @Test
  void aDifferentItemMovesAheadOfNearCopies() {
    int[] order = new MmrReranker(0.5).rerank(SCORES, VECTORS, 2);
    assertArrayEquals(new int[] {0, 3}, order, Arrays.toString(order));
  }

  @Test
  void returnsAtMostTheCandidatesAndRefusesABadLambda() {
    assertEquals(4, new MmrReranker(0.3).rerank(SCORES, VECTORS, 10).length);
    assertThrows(IllegalArgumentException.class, () -> new MmrReranker(1.5));
  }
}
