package io.recflow.core;

import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * Averages the metrics of many users' lists for one model: precision, recall, nDCG and MAP per user,
 * catalog coverage (share of the catalog that appears in any list) and intra-list diversity (mean
 * pairwise Jaccard distance of the items' attributes within a list; absent when no item has any).
 */
public final class MetricSummary {
  private final int k;
  private final int catalogSize;
  private final IntFunction<Set<String>> attributes;
  private final BitSet recommended = new BitSet();
  private double precision;
  private double recall;
  private double ndcg;
  private double map;
  private double diversity;
  private int diversityLists;
  private int users;

  /**
   * @param k list length
   * @param catalogSize number of recommendable items, the denominator of coverage
   * @param attributes an item index's attribute set (empty when unknown)
   */
  public MetricSummary(int k, int catalogSize, IntFunction<Set<String>> attributes) {
    this.k = k;
    this.catalogSize = catalogSize;
    this.attributes = attributes;
  }

  /** Adds one user's ranked list and relevant set. */
  public void add(int[] ranked, Set<Integer> relevant) {
    RankingMetrics.Scores s = RankingMetrics.score(ranked, relevant, k);
    precision += s.precision();
    recall += s.recall();
    ndcg += s.ndcg();
    map += s.map();
    users++;
    int n = Math.min(k, ranked.length);
    for (int i = 0; i < n; i++) {
      recommended.set(ranked[i]);
    }
    double d = intraListDiversity(ranked, n);
    if (!Double.isNaN(d)) {
      diversity += d;
      diversityLists++;
    }
  }

  private double intraListDiversity(int[] ranked, int n) {
    double sum = 0;
    int pairs = 0;
    boolean anyAttributes = false;
    for (int i = 0; i < n; i++) {
      Set<String> a = attributes.apply(ranked[i]);
      anyAttributes |= !a.isEmpty();
      for (int j = i + 1; j < n; j++) {
        sum += 1.0 - jaccard(a, attributes.apply(ranked[j]));
        pairs++;
      }
    }
    return pairs == 0 || !anyAttributes ? Double.NaN : sum / pairs;
  }

  static double jaccard(Set<String> a, Set<String> b) {
    if (a.isEmpty() && b.isEmpty()) {
      return 0;
    }
    int inter = 0;
    for (String x : a) {
      if (b.contains(x)) {
        inter++;
      }
    }
    return inter / (double) (a.size() + b.size() - inter);
  }

  /** Users scored so far. */
  public int users() {
    return users;
  }

  /** Metric name to mean value; names are precision, recall, ndcg, map, coverage, diversity. */
  public Map<String, Double> means() {
    Map<String, Double> m = new LinkedHashMap<>();
    double u = Math.max(users, 1);
    m.put("precision", precision / u);
    m.put("recall", recall / u);
    m.put("ndcg", ndcg / u);
    m.put("map", map / u);
    m.put("coverage", catalogSize == 0 ? 0 : recommended.cardinality() / (double) catalogSize);
    if (diversityLists > 0) {
      m.put("diversity", diversity / diversityLists);
    }
    return m;
  }
}
