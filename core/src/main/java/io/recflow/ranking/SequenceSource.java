package io.recflow.ranking;

import java.util.function.IntPredicate;

/**
 * {@code sequence}: the items the sequence model predicts the user does next, from everything they
 * did in order, the newest most. Computed from the request's history, so an event posted a moment
 * ago changes the candidates at once. Retrieves nothing when the version has no usable sequence
 * model or the user no history.
 */
public final class SequenceSource implements CandidateSource {
  public static final String NAME = "sequence";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void retrieve(UserSignals user, ItemSignals items, int n, IntPredicate skip, Sink out) {
    float[] query = user.sequenceQuery(items.sequence());
    if (query == null) {
      return;
    }
    for (int row : items.sequenceSearch().topK(query, n, skip)) {
      out.add(row, items.sequence().items().score(query, row));
    }
  }

  /** The user's newest item: what the prediction follows on from most directly. */
  @Override
  public int evidence(UserSignals user, ItemSignals items, int row) {
    int[] sequence = user.sequence();
    return sequence.length == 0 ? -1 : sequence[sequence.length - 1];
  }
}
