package io.recflow.ranking;

import java.util.function.IntPredicate;

/** {@code trending}: the items whose interaction rate rises fastest now (see {@link Trending}). */
public final class TrendingSource implements CandidateSource {
  public static final String NAME = "trending";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void retrieve(UserSignals user, ItemSignals items, int n, IntPredicate skip, Sink out) {
    float[] scores = items.trending().scores(user.nowMillis());
    int taken = 0;
    for (int row : items.trending().order(user.nowMillis())) {
      if (taken == n) {
        break;
      }
      if (!skip.test(row)) {
        out.add(row, scores[row]);
        taken++;
      }
    }
  }
}
