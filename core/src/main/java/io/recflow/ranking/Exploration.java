package io.recflow.ranking;

import io.recflow.core.RecflowConfig;
import io.recflow.core.Settings;

/**
 * Gives a share of every list to new items, so that they are shown, learned about and then compete
 * on their own. Every ⌈1 / share⌉-th position (the 10th, 20th, … at the default 0.1; the last of a
 * page, where it costs the ranking least) goes to the best {@code fresh} candidate not yet in the
 * list by an upper-confidence score, match + bonus / √(1 + exposures + interactions), the match
 * being the fresh source's (the item's text placed in the user's taste space): an item's bonus
 * shrinks as it is shown and used, and once it has enough interactions it is no longer fresh and
 * needs no slot.
 */
public final class Exploration {
  /** No exploration: every slot goes by the ranker's order. */
  public static final Exploration OFF = new Exploration(0, 0);
  private final double share;
  private final double bonus;
  private final int period;

  /**
   * @param share the share of positions given to exploration, in [0, 0.5]
   * @param bonus the optimism given to an item never shown or used
   */
  public Exploration(double share, double bonus) {
    if (!(share >= 0 && share <= 0.5)) {
      throw new IllegalArgumentException("exploration share must be in [0, 0.5], got " + share);
    }
    this.share = share;
    this.bonus = bonus;
    this.period = share == 0 ? Integer.MAX_VALUE : (int) Math.ceil(1 / share - 1e-9);
  }

  /** Exploration as configured (ranking.exploration.*). */
  public static Exploration from(RecflowConfig c) {
    return new Exploration(c.get(Settings.EXPLORATION_SHARE), c.get(Settings.EXPLORATION_BONUS));
  }

  public double share() {
    return share;
  }

  /** The same exploration with another share of the positions (an experiment's variant sets one). */
  public Exploration withShare(double newShare) {
    return new Exploration(newShare, bonus);
  }

  /** Whether the 0-based list position is an exploration slot. */
  public boolean isSlot(int position) {
    return period != Integer.MAX_VALUE && (position + 1) % period == 0;
  }

  /** The upper-confidence score of a fresh candidate whose content match is {@code match}. */
  public double ucb(ItemSignals items, int row, double match) {
    return match + bonus / Math.sqrt(1.0 + items.exposures(row) + items.interactions(row));
  }
}
