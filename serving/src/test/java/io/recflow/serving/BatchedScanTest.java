package io.recflow.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recflow.core.ItemMatrix;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class BatchedScanTest {
  private static float[] vector(int rank, Random rnd) {
    float[] v = new float[rank];
    for (int f = 0; f < rank; f++) {
      v[f] = (float) rnd.nextGaussian();
    }
    return v;
  }

  @Test
  void everyBatchSizeScoresEachQueryAsAloneWouldBe() {
    Random rnd = new Random(42);
    // 1,001 rows leave a partial last block; rank 67 is odd, so the two-accumulator kernel has a tail.
    for (int rank : new int[] {8, 64, 67}) {
      ItemMatrix m = ExactTopKTest.gaussian(1001, rank, rnd);
      float[] blocks = SimdDot.blocked(m.values(), rank);
      int padded = blocks.length / rank;
      assertEquals(0, padded % SimdDot.lanes());
      for (int q = 1; q <= BatchedScan.MAX_BATCH; q++) {
        float[][] queries = new float[q][];
        float[][] outs = new float[q][padded];
        for (int i = 0; i < q; i++) {
          queries[i] = vector(rank, rnd);
        }
        SimdDot.blockedScores(blocks, rank, queries, outs);
        for (int i = 0; i < q; i++) {
          for (int row = 0; row < m.size(); row++) {
            assertEquals(m.score(queries[i], row), outs[i][row], 1e-3,
                "rank " + rank + ", batch " + q + ", query " + i);
          }
          for (int row = m.size(); row < padded; row++) {
            assertEquals(0f, outs[i][row], "padding rows score 0");
          }
        }
      }
    }
  }

  @Test
  void concurrentQueriesShareAPassAndEachGetsItsOwnScores() throws Exception {
    Random rnd = new Random(7);
    ItemMatrix m = ExactTopKTest.gaussian(20_000, 64, rnd);
    BatchedScan scan = new BatchedScan(m);
    int threads = 12;
    int perThread = 40;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> checked = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        long seed = t;
        checked.add(pool.submit(() -> {
          Random own = new Random(seed);
          float[] out = new float[scan.paddedSize()];
          int rows = 0;
          for (int r = 0; r < perThread; r++) {
            float[] q = vector(64, own);
            scan.scores(q, out);
            for (int row = own.nextInt(97); row < m.size(); row += 97) {
              assertEquals(m.score(q, row), out[row], 1e-3, "another request's scores reached this one's buffer");
              rows++;
            }
          }
          return rows;
        }));
      }
      for (Future<Integer> f : checked) {
        assertTrue(f.get() > 0);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(threads * perThread, scan.queries());
    assertTrue(scan.passes() < scan.queries(), "twelve threads scoring at once never shared a pass: "
        + scan.passes() + " passes for " + scan.queries() + " queries");
  }
}
