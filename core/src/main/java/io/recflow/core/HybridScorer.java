package io.recflow.core;

import java.util.function.IntPredicate;

/**
 * Ranks items by a blend of the collaborative score (user factor · item factor) and the content
 * score (cosine between the item's text embedding and the user's profile, the mean embedding of
 * their recent items). The two scales differ, so each score is standardised over the candidate
 * items before blending: score = (1 − w)·z(cf) + w·z(content). w = 0 is plain ALS.
 */
public final class HybridScorer {
  private HybridScorer() {}

  /**
   * The best {@code k} rows.
   *
   * @param user the user's ALS factor
   * @param factors item factors
   * @param profile the user's content profile (unit length), or null to rank by factors alone
   * @param embeddings unit item embeddings, row-aligned with {@code factors}
   * @param weight the content share w in [0, 1]
   */
  public static int[] topK(float[] user, ItemMatrix factors, float[] profile, ItemMatrix embeddings, double weight,
                           int k, IntPredicate excluded) {
    if (profile == null || weight == 0) {
      return factors.topK(user, k, excluded);
    }
    if (factors.size() != embeddings.size()) {
      throw new IllegalArgumentException("factors and embeddings must have the same rows");
    }
    float[] cf = standardised(scores(user, factors), excluded);
    float[] content = standardised(scores(profile, embeddings), excluded);
    float[] blended = new float[cf.length];
    for (int i = 0; i < cf.length; i++) {
      blended[i] = (float) ((1 - weight) * cf[i] + weight * content[i]);
    }
    return TopK.byScore(blended, k, excluded);
  }

  /** The unit-length mean of the given rows of {@code embeddings}; null when there are none. */
  public static float[] profile(ItemMatrix embeddings, int[] rows) {
    if (rows.length == 0) {
      return null;
    }
    int d = embeddings.rank();
    float[] sum = new float[d];
    for (int row : rows) {
      float[] e = SphericalKMeans.unit(SphericalKMeans.row(embeddings.values(), row, d));
      for (int f = 0; f < d; f++) {
        sum[f] += e[f];
      }
    }
    return SphericalKMeans.unit(sum);
  }

  private static float[] scores(float[] v, ItemMatrix m) {
    int d = m.rank();
    float[] values = m.values();
    float[] s = new float[m.size()];
    for (int i = 0; i < s.length; i++) {
      float x = 0;
      for (int f = 0; f < d; f++) {
        x += v[f] * values[i * d + f];
      }
      s[i] = x;
    }
    return s;
  }

  /** (s − mean) / std over the candidates; a constant score becomes 0. */
  static float[] standardised(float[] s, IntPredicate excluded) {
    double sum = 0;
    double sq = 0;
    int n = 0;
    for (int i = 0; i < s.length; i++) {
      if (!excluded.test(i)) {
        sum += s[i];
        sq += (double) s[i] * s[i];
        n++;
      }
    }
    double mean = n == 0 ? 0 : sum / n;
    double std = n == 0 ? 0 : Math.sqrt(Math.max(0, sq / n - mean * mean));
    float[] z = new float[s.length];
    for (int i = 0; i < s.length; i++) {
      z[i] = std == 0 ? 0f : (float) ((s[i] - mean) / std);
    }
    return z;
  }
}
