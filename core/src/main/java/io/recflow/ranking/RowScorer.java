package io.recflow.ranking;

import io.recflow.core.ItemMatrix;

/**
 * Dot products of one query with chosen rows of an item matrix: the fresh source's few thousand
 * new items, and the features' scores of a candidate list. {@link #SCALAR} is core's loop, which
 * the evaluator uses; the server gives {@link ItemSignals} a vectorised one, since core cannot use
 * the JDK's incubating vector API without putting that module on every Spark job's command line.
 */
@FunctionalInterface
public interface RowScorer {
  /** {@link ItemMatrix#score}, row by row. */
  RowScorer SCALAR = (m, query, rows, out) -> {
    for (int i = 0; i < rows.length; i++) {
      out[i] = (float) m.score(query, rows[i]);
    }
  };

  /** Writes {@code query} · row {@code rows[i]} of {@code m} into {@code out[i]} for every i. */
  void scores(ItemMatrix m, float[] query, int[] rows, float[] out);
}
