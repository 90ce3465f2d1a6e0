package io.recflow.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TopKTest {
  @Test
  void agreesWithAFullSortOnRandomData() {
    Random rnd = new Random(42);
    int rank = 8;
    int n = 2_000;
    float[] items = new float[n * rank];
    float[] user = new float[rank];
    for (int i = 0; i < items.length; i++) {
      items[i] = (float) rnd.nextGaussian();
    }
    for (int i = 0; i < rank; i++) {
      user[i] = (float) rnd.nextGaussian();
    }
    float[] scores = new float[n];
    for (int i = 0; i < n; i++) {
      for (int f = 0; f < rank; f++) {
        scores[i] += user[f] * items[i * rank + f];
      }
    }
    int[] expected = IntStream.range(0, n).filter(i -> i % 3 != 0).boxed()
        .sorted(Comparator.comparingDouble((Integer i) -> -scores[i]).thenComparingInt(i -> i))
        .limit(25).mapToInt(Integer::intValue).toArray();
    assertArrayEquals(expected, TopK.byDotProduct(user, items, rank, 25, i -> i % 3 == 0));
    assertArrayEquals(expected, TopK.byScore(scores, 25, i -> i % 3 == 0));
  }

  @Test
  void selectingByScoreBreaksTiesByLowerIndexAndAsksOnlyAboutContenders() {
    float[] scores = {1, 1, 2, 1, 0, 3};
    assertArrayEquals(new int[] {5, 2, 0}, TopK.byScore(scores, 3, i -> false));
    assertArrayEquals(new int[] {5, 0, 1}, TopK.byScore(scores, 3, i -> i == 2));
    int[] asked = {0};
    TopK.byScore(new float[] {5, 4, 3, 2, 1}, 2, i -> ++asked[0] < 0);
    // The first two fill the heap; the rest score lower and are rejected without asking.
    assertArrayEquals(new int[] {2}, new int[] {asked[0]});
  }

  @Test
  void breaksTiesByLowerIndexAndHandlesKLargerThanTheCatalog() {
    float[] items = {1, 1, 2, 1};
    assertArrayEquals(new int[] {2, 0, 1, 3}, TopK.byDotProduct(new float[] {1}, items, 1, 10, i -> false));
    assertArrayEquals(new int[] {}, TopK.byDotProduct(new float[] {1}, items, 1, 0, i -> false));
  }

  @Test
  void takesARankingInOrderSkippingExcludedItems() {
    int[] ranking = {5, 3, 9, 1};
    assertArrayEquals(new int[] {5, 9}, TopK.fromRanking(ranking, 2, i -> i == 3));
    assertArrayEquals(new int[] {1}, TopK.fromRanking(ranking, 3, i -> i != 1));
    assertArrayEquals(new int[] {}, Arrays.copyOf(TopK.fromRanking(ranking, 0, i -> false), 0));
  }
}
