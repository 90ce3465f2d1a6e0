package io.recflow.ranking;

import io.recflow.core.RecflowConfig;
import io.recflow.core.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Randomises one slot of a share of the served lists, so that yesterday's traffic can judge a
 * ranker that never served it (off-policy evaluation): in such a list one slot, chosen uniformly,
 * takes an item drawn uniformly from the {@code pool} best ranked items at and after it, and the
 * items it passed over move down one place. Given that draw the rest of the list is what the
 * ranker chose, so the drawn item's probability, 1/pool, is the only propensity below 1, and the
 * logged pool (with each candidate's features) is what an alternative ranker is replayed on.
 *
 * <p>The draw stays within the page, which keeps paging by offset consistent: a page holds the same
 * items whether or not it was randomised, in another order. Exploration's slots are left alone.
 */
public final class Randomisation {
  /** No randomised slots: every list is the ranker's order. */
  public static final Randomisation OFF = new Randomisation(0, 2);
  private final double share;
  private final int pool;

  /**
   * @param share the share of lists with a randomised slot, in [0, 1]
   * @param pool how many of the best ranked items the slot's item is drawn from, at least 2
   */
  public Randomisation(double share, int pool) {
    if (!(share >= 0 && share <= 1)) {
      throw new IllegalArgumentException("the randomised share of lists must be in [0, 1], got " + share);
    }
    if (pool < 2) {
      throw new IllegalArgumentException("a randomised slot draws among at least 2 items, got " + pool);
    }
    this.share = share;
    this.pool = pool;
  }

  /** Randomisation as configured (ranking.randomise.*). */
  public static Randomisation from(RecflowConfig c) {
    return new Randomisation(c.get(Settings.RANDOMISE_SHARE), c.get(Settings.RANDOMISE_POOL));
  }

  public double share() {
    return share;
  }

  /**
   * Randomises one slot of {@code page} (in place) with probability {@code share}, marking the drawn
   * candidate with its propensity and pool; a page with fewer than two ranked items is left alone.
   */
  public void apply(List<Candidate> page, RandomGenerator random) {
    if (share == 0 || random.nextDouble() >= share) {
      return;
    }
    List<Integer> ranked = new ArrayList<>();
    for (int i = 0; i < page.size(); i++) {
      if (!page.get(i).explored()) {
        ranked.add(i);
      }
    }
    if (ranked.size() < 2) {
      return;
    }
    int slot = random.nextInt(ranked.size() - 1); // a slot with at least one ranked item after it
    int size = Math.min(pool, ranked.size() - slot);
    List<Candidate> drawnFrom = new ArrayList<>(size);
    for (int j = 0; j < size; j++) {
      drawnFrom.add(page.get(ranked.get(slot + j)));
    }
    int pick = random.nextInt(size);
    Candidate chosen = drawnFrom.get(pick);
    for (int j = pick; j > 0; j--) {
      page.set(ranked.get(slot + j), page.get(ranked.get(slot + j - 1)));
    }
    page.set(ranked.get(slot), chosen);
    chosen.drawn(1.0 / size, drawnFrom);
  }
}
