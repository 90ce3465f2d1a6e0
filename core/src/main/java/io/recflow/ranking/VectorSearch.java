package io.recflow.ranking;

import java.util.function.IntPredicate;

/**
 * Top-k rows of an item matrix by dot product with a query. The server answers with its
 * approximate index on large catalogs, the evaluator exactly; sources do not care which.
 */
@FunctionalInterface
public interface VectorSearch {
  /** The best {@code k} rows for {@code query}, best first, skipping rows {@code skip} rejects. */
  int[] topK(float[] query, int k, IntPredicate skip);
}
