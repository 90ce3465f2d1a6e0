package io.recflow.serving;

import io.recflow.core.ItemMatrix;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

/**
 * The IVF index's worst case (run by bench/ivf-recall.sh): item and user vectors drawn from one
 * isotropic Gaussian, with none of the cluster structure of real ALS factors. Prints build time,
 * recall@10 against exact search and time per query for several probe counts.
 * Arguments: items, rank, comma-separated probe counts. In package io.recflow.serving to reach
 * the index directly.
 */
public class IvfRecall {
  public static void main(String[] args) {
    int n = Integer.parseInt(args[0]);
    int rank = Integer.parseInt(args[1]);
    Random rnd = new Random(1);
    ItemMatrix items = RandomItems.matrix(n, rank, rnd);
    ExactTopK exact = new ExactTopK(items);
    System.out.println("| probes | recall@10 | index query | index build |");
    System.out.println("|---|---|---|---|");
    for (String p : args[2].split(",")) {
      long started = System.currentTimeMillis();
      IvfIndex index = IvfIndex.build(items, Integer.parseInt(p), 42);
      long build = System.currentTimeMillis() - started;
      double found = 0;
      long nanos = 0;
      int queries = 200;
      for (int q = 0; q < queries; q++) {
        float[] user = RandomItems.vector(rank, rnd);
        Set<Integer> exact = new HashSet<>();
        for (int row : exact.topK(user, 10, r -> false)) {
          exact.add(row);
        }
        long t = System.nanoTime();
        int[] got = index.topK(user, 10, r -> false);
        nanos += System.nanoTime() - t;
        for (int row : got) {
          found += exact.contains(row) ? 1 : 0;
        }
      }
      System.out.printf("| %s | %.3f | %.2f ms | %.1f s |%n", p, found / (10.0 * queries), nanos / 1e6 / queries,
          build / 1000.0);
    }
  }
}
