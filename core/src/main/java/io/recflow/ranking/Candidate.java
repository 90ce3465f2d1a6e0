package io.recflow.ranking;

import java.util.Arrays;
import java.util.List;

/**
 * One item retrieved for a user, with the score and rank each source gave it (NaN and 0 where a
 * source did not retrieve it), then the ranker's features and score, whether exploration placed it,
 * and, where a random draw chose it among others ({@link Randomisation}), its probability and the
 * candidates it was drawn from.
 */
public final class Candidate {
  private final int row;
  private final float[] sourceScores;
  private final int[] sourceRanks;
  private double score = Double.NaN;
  private boolean explored;
  private float[] features;
  private double propensity = 1;
  private List<Candidate> pool = List.of();

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

  /** The ranker's features of this candidate in its list; null before ranking. */
  public float[] features() {
    return features;
  }

  void features(float[] f) {
    this.features = f;
  }

  /** The probability that the serving policy put this item in its slot: 1 unless a random draw chose it. */
  public double propensity() {
    return propensity;
  }

  /** The candidates a random draw chose this one from for its slot, best ranked first; empty when none did. */
  public List<Candidate> pool() {
    return pool;
  }

  void drawn(double p, List<Candidate> from) {
    this.propensity = p;
    this.pool = List.copyOf(from);
  }
}
