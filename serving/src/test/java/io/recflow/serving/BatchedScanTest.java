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
  void concurrentQueriesShareAPassAndEachGetsItsOwnScores() throws Exception {
    Random rnd = new Random(7);
    ItemMatrix m = ExactTopKTest.gaussian(20_000, 64, rnd);
    BatchedScan scan = new BatchedScan(new BlockedMatrix(m));
    int threads = 12;
    int perThread = 40;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> checked = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        long seed = t;
        checked.add(pool.submit(() -> {
          Random own = new Random(seed);
          float[] out = new float[scan.matrix().paddedRows()];
          int rows = 0;
          for (int r = 0; r < perThread; r++) {
            float[] q = vector(64, own);
            scan.scores(q, out);
            for (int row = own.nextInt(97); row < m.size(); row += 97) {
              assertEquals(m.score(q, row), out[row], scan.matrix().errorBound(q),
                  "another request's scores reached this one's buffer");
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
