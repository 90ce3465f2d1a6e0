package io.recflow.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExplainerTest {
  private static ItemMatrix randomItems(int n, int k, Random rnd) {
    List<String> ids = new ArrayList<>();
    List<float[]> vectors = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add("i" + i);
      float[] v = new float[k];
      for (int f = 0; f < k; f++) {
        v[f] = (float) rnd.nextGaussian() * 0.3f;
      }
      vectors.add(v);
    }
    return new ItemMatrix(ids, vectors);
  }

  @Test
  void contributionsAddUpToTheScoreOfEveryItem() {
    Random rnd = new Random(42);
    ItemMatrix items = randomItems(60, 8, rnd);
    FoldIn foldIn = new FoldIn(items, 2.0, 0.3);
    Map<Integer, Double> history = new HashMap<>();
    for (int j = 0; j < 12; j++) {
      history.put(rnd.nextInt(60), rnd.nextInt(5) - 1.0);
    }
    history.put(7, 3.0);
    float[] x = foldIn.solve(history);
    Explainer explainer = foldIn.explainer(history);
    for (int i = 0; i < items.size(); i++) {
      double score = 0;
      for (int f = 0; f < 8; f++) {
        score += x[f] * items.values()[i * 8 + f];
      }
      double sum = explainer.contributions(i).stream().mapToDouble(Explainer.Contribution::value).sum();
      assertEquals(score, sum, 1e-5, "item " + i);
    }
    long positives = history.values().stream().filter(r -> r > 0).count();
    assertEquals(positives, explainer.contributions(0).size(), "only liked items explain a score");
  }

  @Test
  void theHistoryItemClosestToTheRecommendationExplainsItMost() {
    // Two directions of taste; the user liked one item of each. A new item along the first
    // direction is explained by the first liked item.
    ItemMatrix items = new ItemMatrix(List.of("a", "b", "a2", "b2"), List.of(new float[] {1, 0}, new float[] {0, 1},
        new float[] {0.9f, 0.1f}, new float[] {0.1f, 0.9f}));
    FoldIn foldIn = new FoldIn(items, 1.0, 0.1);
    Explainer explainer = foldIn.explainer(Map.of(0, 2.0, 1, 2.0));
    List<Explainer.Contribution> why = explainer.contributions(2);
    assertEquals(0, why.get(0).row());
    assertTrue(why.get(0).value() > why.get(1).value());
    assertEquals(1, explainer.contributions(3).get(0).row());
  }

  @Test
  void aUserWithoutPositiveInterestHasNothingToExplain() {
    ItemMatrix items = new ItemMatrix(List.of("a"), List.of(new float[] {1, 1}));
    assertTrue(new FoldIn(items, 1, 0.1).explainer(Map.of(0, -2.0)).contributions(0).isEmpty());
  }
}
