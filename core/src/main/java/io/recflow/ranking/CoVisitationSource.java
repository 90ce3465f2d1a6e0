package io.recflow.ranking;

import io.recflow.core.TopK;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * {@code co-visitation}: the items other users turned to after the user's newest items, each
 * newest item counting more than the one before it. Computed from the request's history, so an
 * item clicked a second ago changes the candidates at once.
 */
public final class CoVisitationSource implements CandidateSource {
  public static final String NAME = "co-visitation";
  /** The user's newest items whose follow-ups are looked up. */
  public static final int RECENT = 5;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void retrieve(UserSignals user, ItemSignals items, int n, IntPredicate skip, Sink out) {
    Map<Integer, Double> score = scores(user, items);
    if (score.isEmpty()) {
      return;
    }
    int[] rows = score.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
    float[] values = new float[rows.length];
    for (int i = 0; i < rows.length; i++) {
      values[i] = score.get(rows[i]).floatValue();
    }
    for (int i : TopK.byScore(values, n, i -> skip.test(rows[i]))) {
      out.add(rows[i], values[i]);
    }
  }

  /** Every follow-up of the user's newest items with its weighted share. */
  static Map<Integer, Double> scores(UserSignals user, ItemSignals items) {
    Map<Integer, Double> score = new HashMap<>();
    int[] recent = user.recentRows();
    for (int i = 0; i < Math.min(RECENT, recent.length); i++) {
      double w = 1.0 / (1 + i);
      items.coVisitation().forEachNext(recent[i], (share, next) -> score.merge(next, w * share, Double::sum));
    }
    return score;
  }

  /** The user's recent item that this candidate most often followed. */
  @Override
  public int evidence(UserSignals user, ItemSignals items, int row) {
    int best = -1;
    double bestShare = 0;
    int[] recent = user.recentRows();
    for (int i = 0; i < Math.min(RECENT, recent.length); i++) {
      double s = items.coVisitation().share(recent[i], row) / (1 + i);
      if (s > bestShare) {
        bestShare = s;
        best = recent[i];
      }
    }
    return best;
  }
}
