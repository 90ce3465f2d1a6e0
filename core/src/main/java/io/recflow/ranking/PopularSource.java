package io.recflow.ranking;

import java.util.function.IntPredicate;

/** {@code popular}: the most popular items, the answer for a user nothing else knows. */
public final class PopularSource implements CandidateSource {
  public static final String NAME = "popular";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void retrieve(UserSignals user, ItemSignals items, int n, IntPredicate skip, Sink out) {
    int taken = 0;
    for (int row : items.popularOrder()) {
      if (taken == n) {
        break;
      }
      if (!skip.test(row)) {
        out.add(row, items.popularity(row));
        taken++;
      }
    }
  }
}
