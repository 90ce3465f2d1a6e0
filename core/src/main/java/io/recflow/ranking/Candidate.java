package io.recflow.ranking;

import java.util.Arrays;

/**
 * One item retrieved for a user, with the score and rank each source gave it (NaN and 0 where a
 * source did not retrieve it), then the ranker's score and whether exploration placed it.
 */
public final class Candidate {
  private final int row;
  private final float[] sourceScores;
  private final int[] sourceRanks;
  private double score = Double.NaN;
  private boolean explored;

  Candidate(int row, int sources) {
    this.row = row;
    this.sourceScores = new float[sources];
    this.sourceRanks = new int[sources];
    Arrays.fill(sourceScores, Float.NaN);
  }

  void retrieved(int source, double score, int rank) {
    sourceScores[source] = (float) score;
    sourceRanks[source] = rank;
  }

  public int row() {
    return row;
  }

  /** The score source {@code s} gave, NaN when it did not retrieve this item. */
  public float sourceScore(int s) {
    return sourceScores[s];
  }

  /** The 1-based rank source {@code s} gave, 0 when it did not retrieve this item. */
  public int sourceRank(int s) {
    return sourceRanks[s];
  }

  public boolean from(int s) {
    return sourceRanks[s] > 0;
  }

  /** The ranker's score (or the fallback order's); NaN before ranking. */
  public double score() {
    return score;
  }

  void score(double s) {
    this.score = s;
  }

  /** Whether exploration gave this item its slot. */
  public boolean explored() {
    return explored;
  }

  void explored(boolean e) {
    this.explored = e;
  }
}
