package io.recflow.ranking;

import io.recflow.core.TopK;
import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * {@code fresh}: items that are new (first interacted with inside the window, or never) or that
 * have fewer than a handful of interactions, scored by how well their text matches the user's
 * profile (by their projected factor when the user has no profile). These are the items the
 * collaborative sources cannot rank yet; exploration draws its picks from them.
 */
public final class FreshSource implements CandidateSource {
  public static final String NAME = "fresh";
  private final int maxInteractions;
  private final long windowMillis;

  /**
   * @param maxInteractions items with fewer interactions than this are fresh
   * @param windowDays items first seen at most this many days ago are fresh
   */
  public FreshSource(int maxInteractions, double windowDays) {
    this.maxInteractions = maxInteractions;
    this.windowMillis = (long) (windowDays * 86_400_000L);
  }

  @Override
  public String name() {
    return NAME;
  }

  /** Whether the item counts as fresh at {@code nowMillis}. */
  public boolean fresh(ItemSignals items, int row, long nowMillis) {
    long first = items.firstSeenMillis(row);
    return items.interactions(row) < maxInteractions || first == Long.MIN_VALUE || nowMillis - first <= windowMillis;
  }

  @Override
  public void retrieve(UserSignals user, ItemSignals items, int n, IntPredicate skip, Sink out) {
    float[] profile = user.profile(items.embeddings());
    float[] query = profile != null ? profile : user.vector();
    if (query == null) {
      return;
    }
    var space = profile != null ? items.embeddings() : items.factors();
    float[] scores = new float[items.size()];
    Arrays.fill(scores, Float.NEGATIVE_INFINITY);
    boolean any = false;
    for (int row = 0; row < scores.length; row++) {
      if (fresh(items, row, user.nowMillis())) {
        scores[row] = (float) space.score(query, row);
        any = true;
      }
    }
    if (!any) {
      return;
    }
    for (int row : TopK.byScore(scores, n, r -> scores[r] == Float.NEGATIVE_INFINITY || skip.test(r))) {
      out.add(row, scores[row]);
    }
  }

  @Override
  public int evidence(UserSignals user, ItemSignals items, int row) {
    return ContentSource.closestRecent(user, items, row);
  }
}
