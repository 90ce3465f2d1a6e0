package io.recflow.ranking;

import io.recflow.core.ItemMatrix;
import io.recflow.core.MmrReranker;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * The business rules of one request, applied in one place: never an item the catalog marks
 * unavailable or past its expiry, the user's seen items unless asked otherwise, the request's
 * {@code exclude=} items, only items carrying every requested attribute; then MMR diversity and the
 * page. A page is either the items after the first {@code offset} of the list (the same for the same
 * user state, snapshot and exposures), or, with a cursor, the best items not shown yet, which never
 * repeats an item and never skips one even when the user acts between pages: the cursor's items are
 * in {@code excluded} and {@code shown} says how many there were, so exploration's slots keep their
 * places in the whole list.
 *
 * @param excludeSeen whether the user's items are left out
 * @param excluded rows the request excludes
 * @param allowed rows carrying every requested attribute, or null for no filter
 * @param diversity MMR's weight on variety, in [0, 1]; 0 keeps the ranker's order
 * @param offset how many items of the list earlier pages showed (0 with a cursor)
 * @param shown how many items earlier pages showed that {@code excluded} holds (a cursor's; else 0)
 * @param k the page size
 */
public record ListRules(boolean excludeSeen, BitSet excluded, BitSet allowed, double diversity, int offset, int shown,
                        int k) {
  /** Diversity re-ranks this many candidates per listed item (at least {@link #MIN_POOL}). */
  static final int POOL_FACTOR = 4;
  static final int MIN_POOL = 50;

  public ListRules {
    if (k < 1 || offset < 0 || shown < 0) {
      throw new IllegalArgumentException("k must be positive and offset not negative, got k=" + k + " offset="
          + offset);
    }
    if (!(diversity >= 0 && diversity <= 1)) {
      throw new IllegalArgumentException("diversity must be in [0, 1], got " + diversity);
    }
  }

  /** The first page of k items with the defaults: seen items excluded, no filter, no diversity. */
  public static ListRules top(int k) {
    return new ListRules(true, new BitSet(), null, 0, 0, 0, k);
  }

  /** How long the list must be to fill this page. */
  public int length() {
    return offset + k;
  }

  /**
   * The rows no list of this user may hold: seen items (unless asked otherwise), items without the
   * requested attributes, items not servable now. Sources skip them, so their slots go to servable
   * items. The request's own exclusions ({@code exclude=}, a cursor's items) are not among them: the
   * pipeline drops those after ranking, so the candidates, and the features standardised over them,
   * are the same on every page and the order of the other items does not move.
   */
  public IntPredicate skip(UserSignals user, ItemSignals items) {
    BitSet seen = excludeSeen ? user.seen() : null;
    long now = user.nowMillis();
    return row -> (seen != null && seen.get(row)) || (allowed != null && !allowed.get(row))
        || !items.servable(row, now);
  }

  /** Whether the request excludes the row ({@code exclude=}, or shown on an earlier page by the cursor). */
  public boolean excludes(int row) {
    return excluded.get(row);
  }

  /** How many candidates a source must give for the page to fill once the request's exclusions are dropped. */
  public int needed() {
    return length() + excluded.cardinality();
  }

  /** The ranked candidates re-ordered by MMR over the first {@link #length()}; unchanged without diversity. */
  public List<Candidate> diversify(List<Candidate> ranked, ItemSignals items) {
    if (diversity == 0 || ranked.isEmpty()) {
      return ranked;
    }
    List<Candidate> pool = ranked.subList(0, Math.min(ranked.size(), Math.max(MIN_POOL, POOL_FACTOR * length())));
    double[] scores = pool.stream().mapToDouble(Candidate::score).toArray();
    List<float[]> vectors = new ArrayList<>();
    ItemMatrix space = allHaveText(pool, items) ? items.embeddings() : items.factors();
    pool.forEach(c -> vectors.add(Features.row(space, c.row())));
    List<Candidate> out = new ArrayList<>();
    for (int i : new MmrReranker(1 - diversity).rerank(scores, vectors, length())) {
      out.add(pool.get(i));
    }
    return out;
  }

  // Mixing text and factor spaces would make similarities meaningless; factors exist for every item.
  private static boolean allHaveText(List<Candidate> pool, ItemSignals items) {
    return items.embeddings() != null && pool.stream().allMatch(c -> items.hasText(c.row()));
  }
}
