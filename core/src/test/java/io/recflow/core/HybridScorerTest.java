package io.recflow.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class HybridScorerTest {
  // Item 0 is the collaborative favourite, item 2 the closest in content; item 1 is neither.
  private final ItemMatrix factors = new ItemMatrix(List.of("a", "b", "c"),
      List.of(new float[] {3f}, new float[] {1f}, new float[] {0f}));
  private final ItemMatrix embeddings = new ItemMatrix(List.of("a", "b", "c"),
      List.of(new float[] {0f, 1f}, new float[] {0.6f, 0.8f}, new float[] {1f, 0f}));
  private final float[] user = {1f};
  private final float[] profile = {1f, 0f};

  @Test
  void weightZeroIsPlainAlsAndWeightOneIsPureContent() {
    assertArrayEquals(new int[] {0, 1, 2}, HybridScorer.topK(user, factors, profile, embeddings, 0, 3, i -> false));
    assertArrayEquals(new int[] {2, 1, 0}, HybridScorer.topK(user, factors, profile, embeddings, 1, 3, i -> false));
    assertArrayEquals(new int[] {0, 1, 2}, HybridScorer.topK(user, factors, null, embeddings, 0.7, 3, i -> false));
  }

  @Test
  void excludedItemsNeitherRankNorShiftTheStandardisation() {
    assertArrayEquals(new int[] {2}, HybridScorer.topK(user, factors, profile, embeddings, 0.9, 1, i -> i == 1));
    float[] z = HybridScorer.standardised(new float[] {1, 3, 100}, i -> i == 2);
    assertEquals(-1f, z[0], 1e-6f);
    assertEquals(1f, z[1], 1e-6f);
  }

  @Test
  void theProfileIsTheUnitMeanOfTheChosenItems() {
    float[] p = HybridScorer.profile(embeddings, new int[] {0, 2});
    assertEquals(Math.sqrt(0.5), p[0], 1e-6);
    assertEquals(Math.sqrt(0.5), p[1], 1e-6);
    assertNull(HybridScorer.profile(embeddings, new int[] {}));
  }
}
