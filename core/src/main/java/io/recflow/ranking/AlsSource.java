package io.recflow.ranking;

import java.util.function.IntPredicate;

/** {@code als}: the items with the highest dot product with the user's ALS vector (live, nightly or folded in). */
public final class AlsSource implements CandidateSource {
  public static final String NAME = "als";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void retrieve(UserSignals user, ItemSignals items, int n, IntPredicate skip, Sink out) {
    if (user.vector() == null) {
      return;
    }
    for (int row : items.factorSearch().topK(user.vector(), n, skip)) {
      out.add(row, items.factors().score(user.vector(), row));
    }
  }
}
