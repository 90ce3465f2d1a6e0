package io.recflow.serving;

import io.recflow.core.ItemMatrix;
import io.recflow.core.TopK;
import io.recflow.ranking.VectorSearch;
import java.util.function.IntPredicate;

/**
 * Exact top-k over every row of one item matrix: the scores by a {@link BatchedScan} when the JVM
 * has the vector module ({@code --add-modules jdk.incubator.vector}, which bin/recflow passes),
 * otherwise by core's scalar {@link TopK}; then the same bounded heap (its candidates screened a
 * lane's worth at a time), so both give the same ranking. Build one per matrix and keep it: it
 * holds the matrix a second time, blocked.
 */
final class ExactTopK implements VectorSearch {
  static final boolean SIMD = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
  // One score buffer per request thread: a 100k-item catalog would otherwise allocate 400 KB a request.
  private static final ThreadLocal<float[]> BUFFER = ThreadLocal.withInitial(() -> new float[0]);

  private final ItemMatrix items;
  private final BatchedScan scan;

  ExactTopK(ItemMatrix items) {
    this.items = items;
    this.scan = SIMD && items.size() > 0 ? new BatchedScan(items) : null;
  }

  /** The best {@code k} rows for {@code query}, best first, skipping {@code excluded} rows. */
  @Override
  public int[] topK(float[] query, int k, IntPredicate excluded) {
    if (scan == null) {
      return items.topK(query, k, excluded);
    }
    float[] scores = BUFFER.get();
    if (scores.length < scan.paddedSize()) {
      scores = new float[scan.paddedSize()];
      BUFFER.set(scores);
    }
    scan.scores(query, scores);
    return SimdDot.select(scores, items.size(), k, excluded);
  }

  /** Queries scored per pass over the matrix, on average so far (1 when every request came alone). */
  double meanBatch() {
    return scan == null || scan.passes() == 0 ? 1 : (double) scan.queries() / scan.passes();
  }
}
