package io.recflow.ranking;

import java.util.function.IntPredicate;

/**
 * One way of finding items a user may want, the first stage of the ranking. A source names itself,
 * retrieves its best items with a score of its own, and can say which of the user's items led to a
 * candidate, so that every served item can explain why it is there. Adding a source (the sequence
 * model, say) is one class: the pipeline gives it two features (its score and rank) and a reason.
 */
public interface CandidateSource {
  /** Receives a source's candidates, best first. */
  @FunctionalInterface
  interface Sink {
    void add(int row, double score);
  }

  /** The source's name: in the response's reasons, in feature names, in metrics. Lower case, no spaces. */
  String name();

  /** Retrieves up to {@code n} rows for the user, best first, never one {@code skip} rejects. */
  void retrieve(UserSignals user, ItemSignals items, int n, IntPredicate skip, Sink out);

  /**
   * The user's item that best explains this candidate (e.g. the item it was watched after), or -1
   * when the reason is not one item ("trending now").
   */
  default int evidence(UserSignals user, ItemSignals items, int row) {
    return -1;
  }
}
