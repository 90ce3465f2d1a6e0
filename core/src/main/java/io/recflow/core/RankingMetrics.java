package io.recflow.core;

import java.util.Set;

/**
 * Top-k ranking metrics for one user's list with binary relevance. Definitions follow the
 * Microsoft Recommenders evaluation so that figures can be compared with its MovieLens benchmark:
 * precision@k = hits / k; recall@k = hits / |relevant|; nDCG@k with gain 1/log2(rank + 1) and the
 * ideal list of min(k, |relevant|) hits; MAP@k = sum over hits of precision at that rank, divided
 * by |relevant|. A user with no relevant items is not evaluated (the caller skips it).
 */
public final class RankingMetrics {
  private RankingMetrics() {}

  /** The four accuracy metrics of one list. */
  public record Scores(double precision, double recall, double ndcg, double map) {}

  /** Scores the first {@code k} entries of {@code ranked} against {@code relevant}. */
  public static Scores score(int[] ranked, Set<Integer> relevant, int k) {
    if (relevant.isEmpty()) {
      throw new IllegalArgumentException("a user with no relevant items cannot be scored");
    }
    int n = Math.min(k, ranked.length);
    int hits = 0;
    double dcg = 0;
    double apSum = 0;
    for (int i = 0; i < n; i++) {
      if (relevant.contains(ranked[i])) {
        hits++;
        dcg += 1.0 / log2(i + 2);
        apSum += hits / (double) (i + 1);
      }
    }
    double idcg = 0;
    for (int i = 0; i < Math.min(k, relevant.size()); i++) {
      idcg += 1.0 / log2(i + 2);
    }
    return new Scores(hits / (double) k, hits / (double) relevant.size(), dcg / idcg,
        apSum / relevant.size());
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
