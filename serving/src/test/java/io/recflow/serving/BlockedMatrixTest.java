package io.recflow.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recflow.core.ItemMatrix;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BlockedMatrixTest {
  @Test
  void bfloat16RoundsToNearestAndTiesToEven() {
    assertEquals((short) 0x3f80, BlockedMatrix.bfloat16(1.0f));
    // 1 + 2^-8 lies halfway between 1 (even) and 1 + 2^-7: it goes to 1.
    assertEquals((short) 0x3f80, BlockedMatrix.bfloat16(1.00390625f));
    // 1 + 3·2^-8 lies halfway between 1 + 2^-7 (odd) and 1 + 2^-6 (even): it goes up.
    assertEquals((short) 0x3f82, BlockedMatrix.bfloat16(1.01171875f));
    assertEquals((short) 0x3f81, BlockedMatrix.bfloat16(1.0079f));
    assertEquals((short) 0xbf80, BlockedMatrix.bfloat16(-1.0f));
  }

  @Test
  void everyBatchSizeScoresEachQueryWithinTheBound() {
    Random rnd = new Random(42);
    // 1,001 rows leave a partial last block; rank 67 is odd, so the two-accumulator kernel has a tail.
    for (int rank : new int[] {8, 64, 67}) {
      ItemMatrix m = ExactTopKTest.gaussian(1001, rank, rnd);
      BlockedMatrix blocked = new BlockedMatrix(m);
      int padded = blocked.paddedRows();
      assertTrue(padded >= m.size() && padded - m.size() < 2 * SimdDot.SPECIES.length());
      for (int q = 1; q <= BatchedScan.MAX_BATCH; q++) {
        float[][] queries = new float[q][];
        float[][] outs = new float[q][padded];
        for (int i = 0; i < q; i++) {
          queries[i] = ExactTopKTest.row(ExactTopKTest.gaussian(1, rank, rnd), 0);
        }
        blocked.scores(queries, outs);
        for (int i = 0; i < q; i++) {
          double bound = blocked.errorBound(queries[i]);
          // The bound is a small fraction of the largest score there could be, not a pass for anything.
          double largest = norm(queries[i]) * maxRowNorm(m);
          assertTrue(bound <= 0.005 * largest, "bound " + bound + " of " + largest);
          double worst = 0;
          for (int row = 0; row < m.size(); row++) {
            double err = Math.abs(m.score(queries[i], row) - outs[i][row]);
            worst = Math.max(worst, err);
            assertTrue(err <= bound, "rank " + rank + ", batch " + q + ", query " + i + ": off by " + err);
          }
          assertTrue(worst > 0, "bfloat16 rounding changed no score: the scores are not the matrix's");
          for (int row = m.size(); row < padded; row++) {
            assertEquals(0f, outs[i][row], "padding rows score 0");
          }
        }
      }
    }
  }

  private static double norm(float[] v) {
    double sq = 0;
    for (float x : v) {
      sq += (double) x * x;
    }
    return Math.sqrt(sq);
  }

  private static double maxRowNorm(ItemMatrix m) {
    double max = 0;
    for (int row = 0; row < m.size(); row++) {
      max = Math.max(max, norm(ExactTopKTest.row(m, row)));
    }
    return max;
  }
}
