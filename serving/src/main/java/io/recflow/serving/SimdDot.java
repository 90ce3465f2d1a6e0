package io.recflow.serving;

import io.recflow.core.ItemMatrix;
import io.recflow.core.TopK;
import java.util.function.IntPredicate;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dot products of a query with rows of a row-major item matrix, and top-k selection over scores,
 * with the JDK's vector API (AVX2/AVX-512 lanes): the inverted index's cluster scans, the ranking's
 * row scores, and the selection after a full scan ({@link BlockedMatrix} holds the full scan's
 * kernels). Loaded only when the {@code jdk.incubator.vector} module is present (see
 * {@link ExactTopK}).
 */
final class SimdDot {
  static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

  private SimdDot() {}

  /**
   * Writes {@code query} · row {@code rows[i]} of {@code m} into {@code out[i]}: the server's
   * {@link io.recflow.ranking.RowScorer}, about five times core's scalar loop on 64 floats.
   */
  static void rowScores(ItemMatrix m, float[] query, int[] rows, float[] out) {
    float[] items = m.values();
    int rank = m.rank();
    int lanes = SPECIES.length();
    int vectorPart = SPECIES.loopBound(rank);
    for (int i = 0; i < rows.length; i++) {
      int off = rows[i] * rank;
      FloatVector a0 = FloatVector.zero(SPECIES);
      FloatVector a1 = FloatVector.zero(SPECIES);
      int f = 0;
      for (; f + 2 * lanes <= vectorPart; f += 2 * lanes) {
        a0 = FloatVector.fromArray(SPECIES, items, off + f).fma(FloatVector.fromArray(SPECIES, query, f), a0);
        a1 = FloatVector.fromArray(SPECIES, items, off + f + lanes)
            .fma(FloatVector.fromArray(SPECIES, query, f + lanes), a1);
      }
      if (f < vectorPart) {
        a0 = FloatVector.fromArray(SPECIES, items, off + f).fma(FloatVector.fromArray(SPECIES, query, f), a0);
      }
      float s = a0.add(a1).reduceLanes(VectorOperators.ADD);
      for (f = vectorPart; f < rank; f++) {
        s += query[f] * items[off + f];
      }
      out[i] = s;
    }
  }

  /**
   * {@link TopK#byScore(float[], int, int, IntPredicate)}, the same indices in the same order, but
   * once k are held, a lane's worth of scores none of which could enter is passed over with one
   * comparison: on 100k scores most of the selection's time was that loop.
   */
  static int[] select(float[] scores, int n, int k, IntPredicate excluded) {
    TopK.Heap heap = new TopK.Heap(Math.min(k, n));
    int lanes = SPECIES.length();
    int bound = SPECIES.loopBound(n);
    int i = 0;
    for (; i < bound; i += lanes) {
      if (heap.full() && !FloatVector.fromArray(SPECIES, scores, i).compare(VectorOperators.GT, heap.lowest())
          .anyTrue()) {
        continue;
      }
      heap.offerAll(scores, i, i + lanes, excluded);
    }
    heap.offerAll(scores, i, n, excluded);
    return heap.drainBestFirst();
  }

  /**
   * The indices below {@code n}, rising, whose score is at least {@code floor} and that
   * {@code excluded} does not reject; a lane's worth of lower scores is passed over at once.
   */
  static int[] atLeast(float[] scores, int n, float floor, IntPredicate excluded) {
    int[] out = new int[64];
    int size = 0;
    int lanes = SPECIES.length();
    int bound = SPECIES.loopBound(n);
    for (int i = 0; i < n; i += lanes) {
      if (i < bound && !FloatVector.fromArray(SPECIES, scores, i).compare(VectorOperators.GE, floor).anyTrue()) {
        continue;
      }
      for (int j = i; j < Math.min(i + lanes, n); j++) {
        if (scores[j] >= floor && !excluded.test(j)) {
          if (size == out.length) {
            out = java.util.Arrays.copyOf(out, size * 2);
          }
          out[size++] = j;
        }
      }
    }
    return java.util.Arrays.copyOf(out, size);
  }

  /** Writes user · row i into {@code out[i]} for every row of a row-major matrix. */
  static void scores(float[] user, float[] items, int rank, float[] out) {
    scores(user, items, rank, 0, out.length, out, 0);
  }

  /** Writes user · row (from + i) into {@code out[at + i]} for {@code count} rows. */
  static void scores(float[] user, float[] items, int rank, int from, int count, float[] out, int at) {
    int lanes = SPECIES.length();
    int vectorPart = SPECIES.loopBound(rank);
    FloatVector[] u = new FloatVector[vectorPart / lanes];
    for (int j = 0; j < u.length; j++) {
      u[j] = FloatVector.fromArray(SPECIES, user, j * lanes);
    }
    for (int i = 0; i < count; i++) {
      int off = (from + i) * rank;
      FloatVector acc = FloatVector.zero(SPECIES);
      for (int j = 0; j < u.length; j++) {
        acc = FloatVector.fromArray(SPECIES, items, off + j * lanes).fma(u[j], acc);
      }
      float s = acc.reduceLanes(VectorOperators.ADD);
      for (int f = vectorPart; f < rank; f++) {
        s += user[f] * items[off + f];
      }
      out[at + i] = s;
    }
  }
}
