package io.recflow.serving;

import io.recflow.core.ItemMatrix;
import io.recflow.core.TopK;
import java.util.function.IntPredicate;

/**
 * Exact top-k over every item vector: the scores with {@link SimdDot} when the JVM has the vector
 * module ({@code --add-modules jdk.incubator.vector}, which bin/recflow passes), otherwise core's
 * scalar {@link TopK}; then the same bounded heap, so both give the same ranking.
 */
final class ExactTopK {
  static final boolean SIMD = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
  // One score buffer per request thread: a 100k-item catalog would otherwise allocate 400 KB a request.
  private static final ThreadLocal<float[]> BUFFER = ThreadLocal.withInitial(() -> new float[0]);

  private ExactTopK() {}

  /** The best {@code k} rows for {@code user}, best first, skipping {@code excluded} rows. */
  static int[] topK(ItemMatrix items, float[] user, int k, IntPredicate excluded) {
    if (!SIMD || items.size() == 0) {
      return items.topK(user, k, excluded);
    }
    float[] scores = BUFFER.get();
    if (scores.length != items.size()) {
      scores = new float[items.size()];
      BUFFER.set(scores);
    }
    SimdDot.scores(user, items.values(), items.rank(), scores);
    return TopK.byScore(scores, k, excluded);
  }
}
