package io.recflow.ranking;

import io.recflow.core.TopK;
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
    for (int row : TopK.byScore(scores, n, r -> scores[r] <= 0 || skip.test(r))) {
      out.add(row, scores[row]);
    }
  }
}
