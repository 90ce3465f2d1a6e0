package io.recflow.core;

import java.util.function.IntPredicate;

/**
 * Selects the k best items for a user without sorting the catalog: a bounded min-heap over the
 * scores, O(n log k). Ties go to the lower item index, so results are deterministic.
 */
public final class TopK {
  private TopK() {}

  /**
   * The indices of the {@code k} rows of {@code items} (row-major, {@code rank} floats per row) with
   * the highest dot product with {@code user}, best first, skipping rows for which
   * {@code excluded} is true.
   */
  public static int[] byDotProduct(float[] user, float[] items, int rank, int k, IntPredicate excluded) {
    if (user.length != rank || items.length % rank != 0) {
      throw new IllegalArgumentException("vector sizes do not match rank " + rank);
    }
    int n = items.length / rank;
    Heap heap = new Heap(Math.min(k, n));
    for (int i = 0; i < n; i++) {
      if (excluded.test(i)) {
        continue;
      }
      int off = i * rank;
      float s = 0f;
      for (int f = 0; f < rank; f++) {
        s += user[f] * items[off + f];
      }
      heap.offer(i, s);
    }
    return heap.drainBestFirst();
  }

  /**
   * The indices of the {@code k} highest {@code scores}, best first, skipping indices for which
   * {@code excluded} is true. Once k candidates are held, a score that cannot enter is rejected
   * before {@code excluded} is asked, so a scan of a large catalog costs little more than a read.
   */
  public static int[] byScore(float[] scores, int k, IntPredicate excluded) {
    return byScore(scores, scores.length, k, excluded);
  }

  /** As {@link #byScore(float[], int, IntPredicate)} over the first {@code n} scores (a padded buffer's real ones). */
  public static int[] byScore(float[] scores, int n, int k, IntPredicate excluded) {
    Heap heap = new Heap(Math.min(k, n));
    heap.offerAll(scores, 0, n, excluded);
    return heap.drainBestFirst();
  }

  /** The first {@code k} entries of a precomputed ranking that are not excluded. */
  public static int[] fromRanking(int[] ranking, int k, IntPredicate excluded) {
    int[] out = new int[Math.min(k, ranking.length)];
    int m = 0;
    for (int i = 0; i < ranking.length && m < out.length; i++) {
      if (!excluded.test(ranking[i])) {
        out[m++] = ranking[i];
      }
    }
    return m == out.length ? out : java.util.Arrays.copyOf(out, m);
  }

  /**
   * The bounded min-heap of {@link #byScore}, for callers that scan scores their own way (the
   * server's vectorised selection, which skips a lane's worth of scores at once): offer candidates
   * in rising index order, so that ties go to the lower index.
   */
  public static final class Heap {
    private final int[] idx;
    private final float[] score;
    private int size;

    /** A heap that keeps the best {@code capacity} offers. */
    public Heap(int capacity) {
      idx = new int[capacity];
      score = new float[capacity];
    }

    /** Whether it holds {@code capacity} offers: from then on, only a better one enters. */
    public boolean full() {
      return size == idx.length;
    }

    /** The lowest score held; meaningful when the heap is not empty. */
    public float lowest() {
      return score[0];
    }

    /** a is worse than b: lower score, or equal score and higher index. */
    private boolean worse(int a, int b) {
      return score[a] < score[b] || (score[a] == score[b] && idx[a] > idx[b]);
    }

    /**
     * Offers {@code scores[from..to)} under their indices, in rising order, skipping those
     * {@code excluded} rejects; a score that cannot enter is passed over before {@code excluded} is
     * asked.
     */
    public void offerAll(float[] scores, int from, int to, IntPredicate excluded) {
      for (int i = from; i < to; i++) {
        float s = scores[i];
        // Indices rise, so an equal score loses to the one already held (ties go to the lower index).
        if (full() && s <= lowest()) {
          continue;
        }
        if (!excluded.test(i)) {
          offer(i, s);
        }
      }
    }

    /** Keeps index {@code i} with score {@code s} if it is among the best offered so far. */
    public void offer(int i, float s) {
      if (idx.length == 0) {
        return;
      }
      if (size < idx.length) {
        idx[size] = i;
        score[size] = s;
        siftUp(size++);
      } else if (s > score[0] || (s == score[0] && i < idx[0])) {
        idx[0] = i;
        score[0] = s;
        siftDown(0);
      }
    }

    /** The indices held, best first; empties the heap. */
    public int[] drainBestFirst() {
      int[] out = new int[size];
      for (int pos = size - 1; pos >= 0; pos--) {
        out[pos] = idx[0];
        size--;
        idx[0] = idx[size];
        score[0] = score[size];
        siftDown(0);
      }
      return out;
    }

    private void siftUp(int c) {
      while (c > 0) {
        int p = (c - 1) / 2;
        if (!worse(c, p)) {
          return;
        }
        swap(c, p);
        c = p;
      }
    }

    private void siftDown(int p) {
      while (true) {
        int l = 2 * p + 1;
        int r = l + 1;
        int m = p;
        if (l < size && worse(l, m)) {
          m = l;
        }
        if (r < size && worse(r, m)) {
          m = r;
        }
        if (m == p) {
          return;
        }
        swap(p, m);
        p = m;
      }
    }

    private void swap(int a, int b) {
      int ti = idx[a];
      idx[a] = idx[b];
      idx[b] = ti;
      float ts = score[a];
      score[a] = score[b];
      score[b] = ts;
    }
  }
}
