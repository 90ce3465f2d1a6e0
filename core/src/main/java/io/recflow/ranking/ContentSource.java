package io.recflow.ranking;

import java.util.function.IntPredicate;

/**
 * {@code content}: the items whose text embeddings are closest (cosine) to the user's content
 * profile, the recency-weighted mean embedding of their newest items. It knows items nobody has
 * touched yet, and follows a change of taste as soon as the newest items change.
 */
public final class ContentSource implements CandidateSource {
  public static final String NAME = "content";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void retrieve(UserSignals user, ItemSignals items, int n, IntPredicate skip, Sink out) {
    float[] profile = user.profile(items.embeddings());
    if (profile == null) {
      return;
    }
    for (int row : items.embeddingSearch().topK(profile, n, skip)) {
      out.add(row, items.embeddings().score(profile, row));
    }
  }

  /** The user's recent item whose text is closest to the candidate's. */
  @Override
  public int evidence(UserSignals user, ItemSignals items, int row) {
    return closestRecent(user, items, row);
  }

  static int closestRecent(UserSignals user, ItemSignals items, int row) {
    if (items.embeddings() == null) {
      return -1;
    }
    int best = -1;
    double bestCos = 0;
    int[] recent = user.recentRows();
    float[] candidate = Features.row(items.embeddings(), row);
    for (int i = 0; i < Math.min(UserSignals.PROFILE_ITEMS, recent.length); i++) {
      double cos = items.embeddings().score(candidate, recent[i]);
      if (cos > bestCos) {
        bestCos = cos;
        best = recent[i];
      }
    }
    return best;
  }
}
