package io.recflow.serving;

import io.recflow.core.ItemMatrix;
import io.recflow.core.TopK;
import io.recflow.ranking.VectorSearch;
import java.util.function.IntPredicate;

/**
 * Exact top-k over every row of one item matrix. With the JDK's vector module
 * ({@code --add-modules jdk.incubator.vector}, which bin/recflow passes) in two steps: every row's
 * approximate score from a {@link BatchedScan} of the matrix in bfloat16, then the float score of
 * each row that could still be among the best (its approximate score within twice the error bound
 * of the k-th best), and the k best of those. Any row of the true top k is within that margin, so
 * the answer is the exact one, and the rows rescored are few (k and a handful near the cut, unless
 * scores crowd there). Without the module, core's scalar {@link TopK}. Build one per matrix and
 * keep it: it holds the matrix again, in half the memory.
 */
final class ExactTopK implements VectorSearch {
  static final boolean SIMD = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
  // One score buffer per request thread: a 100k-item catalog would otherwise allocate 400 KB a request.
  private static final ThreadLocal<float[]> BUFFER = ThreadLocal.withInitial(() -> new float[0]);

  private final ItemMatrix items;
  private final BatchedScan scan;

  ExactTopK(ItemMatrix items) {
    this.items = items;
    this.scan = SIMD && items.size() > 0 ? new BatchedScan(new BlockedMatrix(items)) : null;
  }

  /** The best {@code k} rows for {@code query}, best first, skipping {@code excluded} rows. */
  @Override
  public int[] topK(float[] query, int k, IntPredicate excluded) {
    if (scan == null) {
      return items.topK(query, k, excluded);
    }
    float[] approx = BUFFER.get();
    if (approx.length < scan.matrix().paddedRows()) {
      approx = new float[scan.matrix().paddedRows()];
      BUFFER.set(approx);
    }
    scan.scores(query, approx);
    int n = items.size();
    int[] candidates = SimdDot.select(approx, n, k, excluded);
    if (candidates.length == k && k > 0) {
      // Fewer than k would mean every row allowed is among them already.
      float floor = (float) (approx[candidates[k - 1]] - 2 * scan.matrix().errorBound(query));
      candidates = SimdDot.atLeast(approx, n, floor, excluded);
    }
    float[] exact = new float[candidates.length];
    SimdDot.rowScores(items, query, candidates, exact);
    TopK.Heap best = new TopK.Heap(Math.min(k, candidates.length));
    for (int i = 0; i < candidates.length; i++) {
      best.offer(candidates[i], exact[i]);
    }
    return best.drainBestFirst();
  }
}
