package io.recflow.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recflow.core.ItemMatrix;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExactTopKTest {
  @Test
  void theVectorApiIsInUseInTests() {
    assertTrue(ExactTopK.SIMD, "the serving tests run with --add-modules jdk.incubator.vector, like bin/recflow serve");
  }

  @Test
  void simdScoresRankLikeTheScalarLoop() {
    Random rnd = new Random(42);
    // 67 is not a multiple of any lane count: the scalar tail is exercised too.
    for (int rank : new int[] {8, 64, 67}) {
      List<String> ids = new ArrayList<>();
      List<float[]> vectors = new ArrayList<>();
      for (int i = 0; i < 3000; i++) {
        ids.add("i" + i);
        float[] v = new float[rank];
        for (int f = 0; f < rank; f++) {
          v[f] = (float) rnd.nextGaussian();
        }
        vectors.add(v);
      }
      ItemMatrix m = new ItemMatrix(ids, vectors);
      for (int u = 0; u < 20; u++) {
        float[] user = vectors.get(rnd.nextInt(3000)).clone();
        int[] simd = ExactTopK.topK(m, user, 50, row -> row % 7 == 0);
        int[] scalar = m.topK(user, 50, row -> row % 7 == 0);
        assertEquals(50, simd.length);
        for (int i = 0; i < 50; i++) {
          // Same ranking up to float rounding: positions may swap only between near-equal scores.
          assertEquals(m.score(user, scalar[i]), m.score(user, simd[i]), 1e-3, "rank " + rank + " position " + i);
          assertTrue(simd[i] % 7 != 0, "an excluded row was returned");
        }
      }
    }
  }
}
