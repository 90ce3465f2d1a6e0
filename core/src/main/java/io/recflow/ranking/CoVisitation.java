package io.recflow.ranking;

import java.util.Arrays;
import java.util.List;
import java.util.function.ObjIntConsumer;

/**
 * Which items follow which in users' histories: for each item, the items other users turned to
 * next, with the share of the item's follow-ups each one took. Counting is defined here once
 * ({@link #pairs}); the nightly job sums the pairs with Spark, and the evaluator with the same job
 * code, so the server and the evaluator read the same table.
 *
 * <p>Within a user's positive items in time order, each item is followed by the next
 * {@link #WINDOW} items, the nearer ones counting more (1 / gap), and newer pairs more than old ones
 * (halving every {@code halfLifeDays} before the newest event of the data). An item's follow-ups
 * are normalised to sum to 1, so a popular item does not drown a niche one's strong links.
 */
public final class CoVisitation {
  /** How many following items each item is paired with. */
  public static final int WINDOW = 5;
  /** Follow-ups kept per item, best first. */
  public static final int KEEP = 50;

  /** One weighted "b followed a" observation. */
  public record Pair(String item, String next, double weight) {}

  private final int[][] next;
  private final float[][] share;

  private CoVisitation(int[][] next, float[][] share) {
    this.next = next;
    this.share = share;
  }

  /**
   * The pairs one user's history contributes.
   *
   * @param items the user's positive items, oldest first
   * @param tsMillis when each was last interacted with, same order
   * @param newestMillis the newest event time of the whole data set: the reference for decay
   * @param halfLifeDays decay half-life; 0 turns decay off
   */
  public static void pairs(List<String> items, long[] tsMillis, long newestMillis, double halfLifeDays,
                           java.util.function.Consumer<Pair> out) {
    for (int i = 0; i < items.size(); i++) {
      for (int j = i + 1; j < items.size() && j - i <= WINDOW; j++) {
        double ageDays = Math.max(0, newestMillis - tsMillis[j]) / 86_400_000.0;
        double decay = halfLifeDays > 0 ? Math.pow(0.5, ageDays / halfLifeDays) : 1.0;
        out.accept(new Pair(items.get(i), items.get(j), decay / (j - i)));
      }
    }
  }

  /** An empty table: no item has follow-ups. */
  public static CoVisitation empty(int items) {
    int[][] next = new int[items][];
    float[][] share = new float[items][];
    Arrays.fill(next, new int[0]);
    Arrays.fill(share, new float[0]);
    return new CoVisitation(next, share);
  }

  /** Collects normalised follow-ups, as rows of the ranking's item space. */
  public static final class Builder {
    private final int[][] rows;
    private final float[][] weights;
    private final int[] sizes;

    public Builder(int items) {
      rows = new int[items][];
      weights = new float[items][];
      sizes = new int[items];
    }

    /** Adds one follow-up; rows outside the item space (items without a factor) are ignored. */
    public Builder add(int row, int nextRow, double weight) {
      if (row < 0 || nextRow < 0 || row >= rows.length || nextRow >= rows.length || row == nextRow) {
        return this;
      }
      if (rows[row] == null || sizes[row] == rows[row].length) {
        int cap = rows[row] == null ? 4 : rows[row].length * 2;
        rows[row] = rows[row] == null ? new int[cap] : Arrays.copyOf(rows[row], cap);
        weights[row] = weights[row] == null ? new float[cap] : Arrays.copyOf(weights[row], cap);
      }
      rows[row][sizes[row]] = nextRow;
      weights[row][sizes[row]++] = (float) weight;
      return this;
    }

    /** Keeps each item's {@link #KEEP} heaviest follow-ups and normalises them to sum to 1. */
    public CoVisitation build() {
      int n = rows.length;
      int[][] next = new int[n][];
      float[][] share = new float[n][];
      for (int i = 0; i < n; i++) {
        int[] r = rows[i];
        float[] w = weights[i];
        Integer[] order = new Integer[sizes[i]];
        for (int j = 0; j < order.length; j++) {
          order[j] = j;
        }
        Arrays.sort(order, (a, b) -> w[a] != w[b] ? Float.compare(w[b], w[a]) : Integer.compare(r[a], r[b]));
        int keep = Math.min(KEEP, order.length);
        double total = 0;
        for (int j = 0; j < keep; j++) {
          total += w[order[j]];
        }
        next[i] = new int[keep];
        share[i] = new float[keep];
        for (int j = 0; j < keep; j++) {
          next[i][j] = r[order[j]];
          share[i][j] = (float) (w[order[j]] / total);
        }
        rows[i] = null;
        weights[i] = null;
      }
      return new CoVisitation(next, share);
    }
  }

  /** Calls {@code visit} with each follow-up of {@code row} and its share, heaviest first. */
  public void forEachNext(int row, ObjIntConsumer<Float> visit) {
    for (int j = 0; j < next[row].length; j++) {
      visit.accept(share[row][j], next[row][j]);
    }
  }

  /** The share of {@code row}'s follow-ups that went to {@code nextRow}; 0 when none did. */
  public double share(int row, int nextRow) {
    int[] n = next[row];
    for (int j = 0; j < n.length; j++) {
      if (n[j] == nextRow) {
        return share[row][j];
      }
    }
    return 0;
  }

  public int items() {
    return next.length;
  }
}
