package io.recflow.serving;

import io.recflow.core.ItemMatrix;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * An item matrix laid out for full scans, in half its memory. Each value is rounded to bfloat16 (a
 * float's upper 16 bits), and rows are stored in blocks of two vectors' lanes, feature by feature:
 * the int in lane j of a block's feature f holds row j's value in its upper half and row
 * (lanes + j)'s in its lower half. One int vector so gives feature f of a block's rows as two float
 * vectors by a mask and a shift, and a row's score needs no horizontal sum. (The vector API's
 * short-to-int conversion would do the same from a plainer layout, but on JDK 17 the JIT does not
 * always compile it to vector instructions; the mask and the shift it always does.) A scan of
 * 100k × 64 is bound by reading the matrix: half the bytes (12.8 MB, which a 32 MB L3 cache can
 * keep) read in about half the time, and the kernels score up to four queries per read. The
 * scores are approximate, within {@link #errorBound}; {@link ExactTopK} rescoring the few rows near
 * the cut makes its answer exact.
 */
final class BlockedMatrix {
  /** The most queries one pass scores. */
  static final int MAX_QUERIES = 4;
  private static final VectorSpecies<Float> FLOATS = SimdDot.SPECIES;
  private static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, FLOATS.vectorShape());
  private static final int UPPER = 0xffff0000;
  /**
   * Rounding to bfloat16 moves a value by at most 2^-9 of itself, so a score by at most 2^-9 of
   * Σ|q_f·v_f| ≤ |q|·|v|; twice that also covers the float sums' own rounding, for any rank below
   * tens of thousands.
   */
  private static final double RELATIVE_ERROR = 1.0 / 256;

  private final int[] blocks;
  private final int rank;
  private final int padded;
  private final double maxNorm;

  BlockedMatrix(ItemMatrix items) {
    this.rank = items.rank();
    int lanes = FLOATS.length();
    int perBlock = 2 * lanes;
    float[] rows = items.values();
    int n = items.size();
    this.padded = (n + perBlock - 1) / perBlock * perBlock;
    this.blocks = new int[padded / 2 * rank];
    double max = 0;
    for (int i = 0; i < n; i++) {
      int block = i / perBlock * lanes * rank;
      int lane = i % lanes;
      boolean upper = i % perBlock < lanes;
      double sq = 0;
      for (int f = 0; f < rank; f++) {
        float v = rows[i * rank + f];
        int bits = bfloat16(v) & 0xffff;
        blocks[block + f * lanes + lane] |= upper ? bits << 16 : bits;
        sq += (double) v * v;
      }
      max = Math.max(max, Math.sqrt(sq));
    }
    this.maxNorm = max;
  }

  int rank() {
    return rank;
  }

  /** Rows padded to whole blocks: the length of a scores buffer. Padding rows score 0. */
  int paddedRows() {
    return padded;
  }

  /** How far any row's approximate score for {@code query} can be from its float score. */
  double errorBound(float[] query) {
    double sq = 0;
    for (float q : query) {
      sq += (double) q * q;
    }
    return RELATIVE_ERROR * Math.sqrt(sq) * maxNorm;
  }

  /** A float rounded to the nearest bfloat16, ties to even. */
  static short bfloat16(float v) {
    int bits = Float.floatToRawIntBits(v);
    return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
  }

  /**
   * Writes {@code queries[q]} · row i into {@code outs[q][i]} for every row, for one to
   * {@link #MAX_QUERIES} queries in one pass. One kernel per batch size, each unrolled, because the
   * JIT keeps vectors in registers only when their number is fixed; three queries run in the
   * kernel of four, the last query repeated.
   */
  void scores(float[][] queries, float[][] outs) {
    int q = queries.length;
    if (q < 1 || q > MAX_QUERIES || outs.length != q) {
      throw new IllegalArgumentException(q + " queries and " + outs.length + " outputs; one to " + MAX_QUERIES
          + ", as many as queries");
    }
    switch (q) {
      case 1 -> scores1(queries[0], outs[0]);
      case 2 -> scores2(queries[0], queries[1], outs[0], outs[1]);
      default -> scores4(queries[0], queries[1], queries[2], queries[q - 1], outs[0], outs[1], outs[2], outs[q - 1]);
    }
  }

  private static FloatVector upper(IntVector pair) {
    return pair.and(UPPER).reinterpretAsFloats();
  }

  private static FloatVector lower(IntVector pair) {
    return pair.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
  }

  private static FloatVector times(float u) {
    return FloatVector.broadcast(FLOATS, u);
  }

  private void scores1(float[] u, float[] out) {
    int lanes = FLOATS.length();
    for (int b = 0, at = 0; b < blocks.length; b += lanes * rank, at += 2 * lanes) {
      FloatVector a0 = FloatVector.zero(FLOATS);
      FloatVector b0 = a0;
      for (int f = 0; f < rank; f++) {
        IntVector pair = IntVector.fromArray(INTS, blocks, b + f * lanes);
        FloatVector uf = times(u[f]);
        a0 = upper(pair).fma(uf, a0);
        b0 = lower(pair).fma(uf, b0);
      }
      a0.intoArray(out, at);
      b0.intoArray(out, at + lanes);
    }
  }

  private void scores2(float[] u0, float[] u1, float[] o0, float[] o1) {
    int lanes = FLOATS.length();
    for (int b = 0, at = 0; b < blocks.length; b += lanes * rank, at += 2 * lanes) {
      FloatVector a0 = FloatVector.zero(FLOATS);
      FloatVector b0 = a0;
      FloatVector a1 = a0;
      FloatVector b1 = a0;
      for (int f = 0; f < rank; f++) {
        IntVector pair = IntVector.fromArray(INTS, blocks, b + f * lanes);
        FloatVector hi = upper(pair);
        FloatVector lo = lower(pair);
        FloatVector x0 = times(u0[f]);
        FloatVector x1 = times(u1[f]);
        a0 = hi.fma(x0, a0);
        b0 = lo.fma(x0, b0);
        a1 = hi.fma(x1, a1);
        b1 = lo.fma(x1, b1);
      }
      a0.intoArray(o0, at);
      b0.intoArray(o0, at + lanes);
      a1.intoArray(o1, at);
      b1.intoArray(o1, at + lanes);
    }
  }

  private void scores4(float[] u0, float[] u1, float[] u2, float[] u3, float[] o0, float[] o1, float[] o2,
                       float[] o3) {
    int lanes = FLOATS.length();
    for (int b = 0, at = 0; b < blocks.length; b += lanes * rank, at += 2 * lanes) {
      FloatVector a0 = FloatVector.zero(FLOATS);
      FloatVector b0 = a0;
      FloatVector a1 = a0;
      FloatVector b1 = a0;
      FloatVector a2 = a0;
      FloatVector b2 = a0;
      FloatVector a3 = a0;
      FloatVector b3 = a0;
      for (int f = 0; f < rank; f++) {
        IntVector pair = IntVector.fromArray(INTS, blocks, b + f * lanes);
        FloatVector hi = upper(pair);
        FloatVector lo = lower(pair);
        FloatVector x0 = times(u0[f]);
        FloatVector x1 = times(u1[f]);
        FloatVector x2 = times(u2[f]);
        FloatVector x3 = times(u3[f]);
        a0 = hi.fma(x0, a0);
        b0 = lo.fma(x0, b0);
        a1 = hi.fma(x1, a1);
        b1 = lo.fma(x1, b1);
        a2 = hi.fma(x2, a2);
        b2 = lo.fma(x2, b2);
        a3 = hi.fma(x3, a3);
        b3 = lo.fma(x3, b3);
      }
      a0.intoArray(o0, at);
      b0.intoArray(o0, at + lanes);
      a1.intoArray(o1, at);
      b1.intoArray(o1, at + lanes);
      a2.intoArray(o2, at);
      b2.intoArray(o2, at + lanes);
      a3.intoArray(o3, at);
      b3.intoArray(o3, at + lanes);
    }
  }
}
