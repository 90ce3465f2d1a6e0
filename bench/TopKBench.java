package io.recflow.serving;

import io.recflow.core.ItemMatrix;
import io.recflow.core.TopK;
import java.util.Arrays;
import java.util.Random;

/**
 * Exact top-10 kernels on one item matrix (run by bench/topk.sh): core's scalar loop, the vector
 * API's row-major scores alone, then with a generic heap (a predicate call and a one-element dot
 * product per item, the first version) and with the score-first heap; the blocked bfloat16
 * layout's scores for one query and per query in passes of 2 and 4 (what {@link BatchedScan} shares
 * between concurrent requests); the two heaps alone; and today's {@link ExactTopK}. Arguments: items, rank.
 * In package io.recflow.serving to reach the package-private kernels.
 */
public class TopKBench {
  public static void main(String[] args) {
    int n = Integer.parseInt(args[0]);
    int rank = Integer.parseInt(args[1]);
    ItemMatrix items = RandomItems.matrix(n, rank, new Random(1));
    float[] user = Arrays.copyOfRange(items.values(), 7 * rank, 8 * rank);
    float[] scores = new float[n];
    String[] names = {"scalar loop (core TopK)", "SIMD scores only (row-major)", "SIMD scores + generic heap",
        "SIMD scores + score-first heap (the first ExactTopK)", "blocked bfloat16 scores, one query",
        "blocked bfloat16 scores, 2 queries per pass (per query)",
        "blocked bfloat16 scores, 4 queries per pass (per query)", "score-first heap alone (core)",
        "vector-screened heap alone (SimdDot.select)",
        "ExactTopK now: bfloat16 scan, screened heap, float rescoring near the cut; one query"};
    BlockedMatrix blocked = new BlockedMatrix(items);
    ExactTopK exact = new ExactTopK(items);
    float[][] queries = new float[4][];
    float[][] outs = new float[4][blocked.paddedRows()];
    for (int q = 0; q < 4; q++) {
      queries[q] = Arrays.copyOfRange(items.values(), (8 + q) * rank, (9 + q) * rank);
    }
    SimdDot.scores(user, items.values(), rank, scores);
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
            case 3 -> {
              SimdDot.scores(user, items.values(), rank, scores);
              TopK.byScore(scores, 10, x -> false);
            }
            case 4 -> blocked.scores(Arrays.copyOf(queries, 1), Arrays.copyOf(outs, 1));
            case 5 -> blocked.scores(Arrays.copyOf(queries, 2), Arrays.copyOf(outs, 2));
            case 6 -> blocked.scores(queries, outs);
            case 7 -> TopK.byScore(scores, 10, x -> false);
            case 8 -> SimdDot.select(scores, n, 10, x -> false);
            default -> exact.topK(user, 10, x -> false);
          }
        }
        ms[m] = (System.nanoTime() - t) / 1e6 / reps / (m == 5 ? 2 : m == 6 ? 4 : 1);
      }
    }
    System.out.println("| kernel | time per top-10 |");
    System.out.println("|---|---|");
    for (int m = 0; m < names.length; m++) {
      System.out.printf("| %s | %.2f ms |%n", names[m], ms[m]);
    }
  }
}
