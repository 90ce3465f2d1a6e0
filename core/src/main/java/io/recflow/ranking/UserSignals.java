package io.recflow.ranking;

import io.recflow.core.ItemMatrix;
import io.recflow.sequence.SequenceModel;
import java.util.BitSet;

/**
 * What the ranking knows about one user at request time: their ALS vector (live, nightly or folded
 * in; null when there is none), their positive items newest first with when each happened, every
 * item they interacted with in order (the sequence model's input), the rows they have interacted
 * with at all, and the clock. The content profile, a recency-weighted mean of their newest items'
 * text embeddings, and the sequence model's query are computed here once per request.
 */
public final class UserSignals {
  /** Newest items that make up the content profile and the co-visitation lookup. */
  public static final int PROFILE_ITEMS = 20;
  /** Each older item in the profile weighs this much less than the one after it. */
  private static final double PROFILE_DECAY = 0.85;

  private final float[] vector;
  private final int[] recentRows;
  private final long[] recentMillis;
  private final int[] sequence;
  private final BitSet seen;
  private final int historyLength;
  private final long nowMillis;
  private float[] profile;
  private boolean profiled;
  private float[] query;
  private SequenceModel queried;

  /**
   * @param vector the user's ALS vector, or null
   * @param recentRows positive items, newest first (at most {@link #PROFILE_ITEMS} are used)
   * @param recentMillis when each of {@code recentRows} happened
   * @param sequence the items interacted with, positive or not, oldest first (by time, then item
   *     id): all of them, or at least the newest that the sequence model reads
   * @param seen every row the user interacted with, positive or not
   * @param historyLength how many items the user interacted with
   * @param nowMillis the request's clock
   */
  public UserSignals(float[] vector, int[] recentRows, long[] recentMillis, int[] sequence, BitSet seen,
                     int historyLength, long nowMillis) {
    if (recentRows.length != recentMillis.length) {
      throw new IllegalArgumentException(recentRows.length + " recent items but " + recentMillis.length + " times");
    }
    this.vector = vector;
    this.recentRows = recentRows;
    this.recentMillis = recentMillis;
    this.sequence = sequence;
    this.seen = seen;
    this.historyLength = historyLength;
    this.nowMillis = nowMillis;
  }

  public float[] vector() {
    return vector;
  }

  public int[] recentRows() {
    return recentRows;
  }

  /** The items the user interacted with, oldest first: at least the sequence model's newest L. */
  public int[] sequence() {
    return sequence;
  }

  /**
   * The sequence model's next-item query for this user (computed once, for the first model asked),
   * or null without a model or a history.
   */
  public float[] sequenceQuery(SequenceModel model) {
    if (model == null) {
      return null;
    }
    if (queried != model) {
      queried = model;
      query = model.query(sequence);
    }
    return query;
  }

  /** When the user's newest positive item happened; Long.MIN_VALUE without one. */
  public long lastEventMillis() {
    return recentMillis.length == 0 ? Long.MIN_VALUE : recentMillis[0];
  }

  public BitSet seen() {
    return seen;
  }

  public int historyLength() {
    return historyLength;
  }

  public long nowMillis() {
    return nowMillis;
  }

  /** The unit-length content profile, or null without embeddings or recent items with text. */
  public float[] profile(ItemMatrix embeddings) {
    if (!profiled) {
      profiled = true;
      profile = embeddings == null ? null : weightedMean(embeddings);
    }
    return profile;
  }

  private float[] weightedMean(ItemMatrix embeddings) {
    int d = embeddings.rank();
    float[] values = embeddings.values();
    double[] sum = new double[d];
    double w = 1;
    boolean any = false;
    for (int i = 0; i < Math.min(PROFILE_ITEMS, recentRows.length); i++, w *= PROFILE_DECAY) {
      int off = recentRows[i] * d;
      for (int f = 0; f < d; f++) {
        sum[f] += w * values[off + f];
        any |= values[off + f] != 0;
      }
    }
    if (!any) {
      return null;
    }
    double norm = 0;
    for (double x : sum) {
      norm += x * x;
    }
    float[] out = new float[d];
    for (int f = 0; f < d; f++) {
      out[f] = (float) (sum[f] / Math.sqrt(norm));
    }
    return out;
  }
}
