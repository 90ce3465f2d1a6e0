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
      ItemMatrix m = gaussian(3000, rank, rnd);
      ExactTopK exact = new ExactTopK(m);
      for (int u = 0; u < 20; u++) {
        float[] user = row(m, rnd.nextInt(3000));
        int[] simd = exact.topK(user, 50, row -> row % 7 == 0);
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

  @Test
  void vectorisedRowScoresMatchCoresScalarOnes() {
    Random rnd = new Random(3);
    for (int rank : new int[] {8, 64, 67, 384}) {
      ItemMatrix m = gaussian(500, rank, rnd);
      float[] query = row(m, 3);
      int[] rows = rnd.ints(200, 0, 500).toArray();
      float[] simd = new float[rows.length];
      float[] scalar = new float[rows.length];
      SimdDot.rowScores(m, query, rows, simd);
      io.recflow.ranking.RowScorer.SCALAR.scores(m, query, rows, scalar);
      for (int i = 0; i < rows.length; i++) {
        assertEquals(scalar[i], simd[i], 1e-3 * Math.max(1, Math.abs(scalar[i])), "rank " + rank + ", row " + rows[i]);
      }
    }
  }

  @Test
  void vectorisedSelectionPicksWhatCoresHeapPicks() {
    Random rnd = new Random(5);
    for (int n : new int[] {0, 7, 16, 1001, 20_000}) {
      float[] scores = new float[n + 16];
      for (int i = 0; i < scores.length; i++) {
        // Coarse values: many ties, which both must break toward the lower index.
        scores[i] = rnd.nextInt(50) / 10f;
      }
      for (int k : new int[] {1, 10, 100}) {
        assertEquals(java.util.Arrays.toString(io.recflow.core.TopK.byScore(java.util.Arrays.copyOf(scores, n), k,
                i -> i % 3 == 0)),
            java.util.Arrays.toString(SimdDot.select(scores, n, k, i -> i % 3 == 0)), "n " + n + ", k " + k);
      }
    }
  }

  /** {@code n} rows of standard normal values: the shared fixture of the kernel tests. */
  static ItemMatrix gaussian(int n, int rank, Random rnd) {
    List<String> ids = new ArrayList<>();
    List<float[]> vectors = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add("i" + i);
      float[] v = new float[rank];
      for (int f = 0; f < rank; f++) {
        v[f] = (float) rnd.nextGaussian();
      }
      vectors.add(v);
    }
    return new ItemMatrix(ids, vectors);
  }

  static float[] row(ItemMatrix m, int row) {
    return java.util.Arrays.copyOfRange(m.values(), row * m.rank(), (row + 1) * m.rank());
  }

  @Test
  void scoresCloserThanBfloat16CanTellApartStillRankExactly() {
    Random rnd = new Random(11);
    int rank = 16;
    float[] base = row(gaussian(1, rank, rnd), 0);
    java.util.List<String> ids = new ArrayList<>();
    List<float[]> vectors = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      ids.add("i" + i);
      float[] v = base.clone();
      // Every row is the same vector nudged by less than bfloat16's resolution (2^-8 of a value):
      // the approximate scan sees near-ties everywhere, only the rescoring can order them.
      v[i % rank] += (float) (1e-4 * rnd.nextGaussian());
      vectors.add(v);
    }
    ItemMatrix m = new ItemMatrix(ids, vectors);
    ExactTopK exact = new ExactTopK(m);
    for (int k : new int[] {1, 10, 100}) {
      assertEquals(java.util.Arrays.toString(m.topK(base, k, row -> row % 11 == 0)),
          java.util.Arrays.toString(exact.topK(base, k, row -> row % 11 == 0)), "k " + k);
    }
  }
}
