package io.recflow.ranking;

import io.recflow.core.TopK;
import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * {@code fresh}: items that are new (first interacted with inside the window, or never) or that
 * have fewer than {@code maxInteractions} interactions, scored by {@link #match}: their text placed in
 * the user's taste space. These are the items the collaborative sources cannot rank yet;
 * exploration draws its picks from them.
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
    if (!canMatch(user, items)) {
      return;
    }
    float[] scores = new float[items.size()];
    Arrays.fill(scores, Float.NEGATIVE_INFINITY);
    boolean any = false;
    for (int row = 0; row < scores.length; row++) {
      if (fresh(items, row, user.nowMillis())) {
        scores[row] = (float) match(user, items, row);
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

  private static boolean canMatch(UserSignals user, ItemSignals items) {
    return user.profile(items.embeddings()) != null || user.vector() != null;
  }

  /**
   * How well an item matches the user: the dot product of their vector with the item's factor,
   * which for a new item is its text projected into the factor space (the nightly job's placement
   * of cold items, the ranking the cold-items protocol measures); cosine to the content profile for
   * a user without a vector; NaN when neither exists.
   */
  public double match(UserSignals user, ItemSignals items, int row) {
    if (user.vector() != null) {
      return items.factors().score(user.vector(), row);
    }
    float[] profile = user.profile(items.embeddings());
    return profile == null ? Double.NaN : items.embeddings().score(profile, row);
  }

  @Override
  public int evidence(UserSignals user, ItemSignals items, int row) {
    return ContentSource.closestRecent(user, items, row);
  }
}
