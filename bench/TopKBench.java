package io.recflow.serving;

import io.recflow.core.ItemMatrix;
import io.recflow.core.TopK;
import java.util.Arrays;
import java.util.Random;

/**
 * Exact top-10 kernels on one item matrix (run by bench/topk.sh): core's scalar loop, the vector
 * API's scores alone, the scores followed by a generic heap (a predicate call and a one-element dot
 * product per item, the first version), and the server's ExactTopK (scores, then a heap that
 * rejects by score first). Arguments: items, rank. In package io.recflow.serving to reach the
 * package-private kernels.
 */
public class TopKBench {
  public static void main(String[] args) {
    int n = Integer.parseInt(args[0]);
    int rank = Integer.parseInt(args[1]);
    ItemMatrix items = RandomItems.matrix(n, rank, new Random(1));
    float[] user = Arrays.copyOfRange(items.values(), 7 * rank, 8 * rank);
    float[] scores = new float[n];
    String[] names = {"scalar loop (core TopK)", "SIMD scores only", "SIMD scores + generic heap",
        "SIMD scores + score-first heap (ExactTopK)"};
    double[] ms = new double[names.length];
    for (int round = 0; round < 5; round++) {
      for (int m = 0; m < names.length; m++) {
        int reps = 200;
        long t = System.nanoTime();
        for (int r = 0; r < reps; r++) {
          switch (m) {
            case 0 -> items.topK(user, 10, x -> false);
            case 1 -> SimdDot.scores(user, items.values(), rank, scores);
            case 2 -> {
              SimdDot.scores(user, items.values(), rank, scores);
              TopK.byDotProduct(new float[] {1f}, scores, 1, 10, x -> false);
            }
            default -> ExactTopK.topK(items, user, 10, x -> false);
          }
        }
        ms[m] = (System.nanoTime() - t) / 1e6 / reps;
      }
    }
    System.out.println("| kernel | time per top-10 |");
    System.out.println("|---|---|");
    for (int m = 0; m < names.length; m++) {
      System.out.printf("| %s | %.2f ms |%n", names[m], ms[m]);
    }
  }
}
