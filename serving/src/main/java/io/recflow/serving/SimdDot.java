package io.recflow.serving;

import io.recflow.core.ItemMatrix;
import io.recflow.core.TopK;
import java.util.function.IntPredicate;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dot products of query vectors with every row of an item matrix, with the JDK's vector API
 * (AVX2/AVX-512 lanes). Two layouts: row-major (one query, a lane-wide sum per row, which the
 * inverted index uses on its clusters' rows), and blocked: rows in blocks of one lane width,
 * each block stored feature by feature, so one vector holds a feature of a lane's worth of rows
 * and a row's score needs no horizontal sum. Scoring 100k items is bound by reading the matrix;
 * the blocked kernels score up to eight queries per read of a block, which is what makes
 * concurrent requests cheaper together than apart (bench/topk.sh). Loaded only when the
 * {@code jdk.incubator.vector} module is present (see {@link ExactTopK}).
 */
final class SimdDot {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

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
      offer(heap, scores, i, i + lanes, excluded);
    }
    offer(heap, scores, i, n, excluded);
    return heap.drainBestFirst();
  }

  private static void offer(TopK.Heap heap, float[] scores, int from, int to, IntPredicate excluded) {
    for (int j = from; j < to; j++) {
      float s = scores[j];
      if (heap.full() && s <= heap.lowest()) {
        continue;
      }
      if (!excluded.test(j)) {
        heap.offer(j, s);
      }
    }
  }

  /** Rows per block of the blocked layout: the preferred vector's lanes. */
  static int lanes() {
    return SPECIES.length();
  }

  /** A row-major matrix of {@code rank} floats per row in the blocked layout, the last block padded with zero rows. */
  static float[] blocked(float[] rows, int rank) {
    int lanes = lanes();
    int n = rows.length / rank;
    float[] out = new float[(n + lanes - 1) / lanes * lanes * rank];
    for (int i = 0; i < n; i++) {
      int block = i / lanes * lanes * rank;
      for (int f = 0; f < rank; f++) {
        out[block + f * lanes + i % lanes] = rows[i * rank + f];
      }
    }
    return out;
  }

  /**
   * Writes {@code queries[q]} · row i into {@code outs[q][i]} for every row (padding rows included:
   * each out holds {@code blocks.length / rank} floats) of a blocked matrix, for one to eight queries
   * in one pass. One kernel per batch size, each unrolled, because the JIT keeps vectors in
   * registers only when their number is fixed; three queries run in the kernel of four, five to
   * seven in that of eight, the last query repeated.
   */
  static void blockedScores(float[] blocks, int rank, float[][] queries, float[][] outs) {
    int q = queries.length;
    if (q < 1 || q > 8 || outs.length != q) {
      throw new IllegalArgumentException(q + " queries and " + outs.length
          + " outputs; one to eight, as many as queries");
    }
    switch (q) {
      case 1 -> blocked1(blocks, rank, queries[0], outs[0]);
      case 2 -> blocked2(blocks, rank, queries[0], queries[1], outs[0], outs[1]);
      case 3, 4 -> blocked4(blocks, rank, queries[0], queries[1], queries[2], queries[q - 1], outs[0], outs[1],
          outs[2], outs[q - 1]);
      default -> blocked8(blocks, rank, queries, outs);
    }
  }

  private static void blocked1(float[] blocks, int rank, float[] u, float[] out) {
    int lanes = lanes();
    for (int b = 0, at = 0; b < blocks.length; b += lanes * rank, at += lanes) {
      // Two accumulators: consecutive FMAs into one register would wait on each other.
      FloatVector a0 = FloatVector.zero(SPECIES);
      FloatVector a1 = FloatVector.zero(SPECIES);
      int f = 0;
      for (; f + 1 < rank; f += 2) {
        a0 = FloatVector.fromArray(SPECIES, blocks, b + f * lanes).fma(FloatVector.broadcast(SPECIES, u[f]), a0);
        a1 = FloatVector.fromArray(SPECIES, blocks, b + (f + 1) * lanes).fma(FloatVector.broadcast(SPECIES, u[f + 1]),
            a1);
      }
      if (f < rank) {
        a0 = FloatVector.fromArray(SPECIES, blocks, b + f * lanes).fma(FloatVector.broadcast(SPECIES, u[f]), a0);
      }
      a0.add(a1).intoArray(out, at);
    }
  }

  private static void blocked2(float[] blocks, int rank, float[] u0, float[] u1, float[] o0, float[] o1) {
    int lanes = lanes();
    for (int b = 0, at = 0; b < blocks.length; b += lanes * rank, at += lanes) {
      FloatVector a0 = FloatVector.zero(SPECIES);
      FloatVector a1 = a0;
      for (int f = 0; f < rank; f++) {
        FloatVector column = FloatVector.fromArray(SPECIES, blocks, b + f * lanes);
        a0 = column.fma(FloatVector.broadcast(SPECIES, u0[f]), a0);
        a1 = column.fma(FloatVector.broadcast(SPECIES, u1[f]), a1);
      }
      a0.intoArray(o0, at);
      a1.intoArray(o1, at);
    }
  }

  private static void blocked4(float[] blocks, int rank, float[] u0, float[] u1, float[] u2, float[] u3,
                               float[] o0, float[] o1, float[] o2, float[] o3) {
    int lanes = lanes();
    for (int b = 0, at = 0; b < blocks.length; b += lanes * rank, at += lanes) {
      FloatVector a0 = FloatVector.zero(SPECIES);
      FloatVector a1 = a0;
      FloatVector a2 = a0;
      FloatVector a3 = a0;
      for (int f = 0; f < rank; f++) {
        FloatVector column = FloatVector.fromArray(SPECIES, blocks, b + f * lanes);
        a0 = column.fma(FloatVector.broadcast(SPECIES, u0[f]), a0);
        a1 = column.fma(FloatVector.broadcast(SPECIES, u1[f]), a1);
        a2 = column.fma(FloatVector.broadcast(SPECIES, u2[f]), a2);
        a3 = column.fma(FloatVector.broadcast(SPECIES, u3[f]), a3);
      }
      a0.intoArray(o0, at);
      a1.intoArray(o1, at);
      a2.intoArray(o2, at);
      a3.intoArray(o3, at);
    }
  }

  private static void blocked8(float[] blocks, int rank, float[][] u, float[][] o) {
    int lanes = lanes();
    int last = u.length - 1;
    float[] u0 = u[0];
    float[] u1 = u[1];
    float[] u2 = u[2];
    float[] u3 = u[3];
    float[] u4 = u[4];
    float[] u5 = u[Math.min(5, last)];
    float[] u6 = u[Math.min(6, last)];
    float[] u7 = u[last];
    for (int b = 0, at = 0; b < blocks.length; b += lanes * rank, at += lanes) {
      FloatVector a0 = FloatVector.zero(SPECIES);
      FloatVector a1 = a0;
      FloatVector a2 = a0;
      FloatVector a3 = a0;
      FloatVector a4 = a0;
      FloatVector a5 = a0;
      FloatVector a6 = a0;
      FloatVector a7 = a0;
      for (int f = 0; f < rank; f++) {
        FloatVector column = FloatVector.fromArray(SPECIES, blocks, b + f * lanes);
        a0 = column.fma(FloatVector.broadcast(SPECIES, u0[f]), a0);
        a1 = column.fma(FloatVector.broadcast(SPECIES, u1[f]), a1);
        a2 = column.fma(FloatVector.broadcast(SPECIES, u2[f]), a2);
        a3 = column.fma(FloatVector.broadcast(SPECIES, u3[f]), a3);
        a4 = column.fma(FloatVector.broadcast(SPECIES, u4[f]), a4);
        a5 = column.fma(FloatVector.broadcast(SPECIES, u5[f]), a5);
        a6 = column.fma(FloatVector.broadcast(SPECIES, u6[f]), a6);
        a7 = column.fma(FloatVector.broadcast(SPECIES, u7[f]), a7);
      }
      a0.intoArray(o[0], at);
      a1.intoArray(o[1], at);
      a2.intoArray(o[2], at);
      a3.intoArray(o[3], at);
      a4.intoArray(o[4], at);
      a5.intoArray(o[Math.min(5, last)], at);
      a6.intoArray(o[Math.min(6, last)], at);
      a7.intoArray(o[last], at);
    }
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
