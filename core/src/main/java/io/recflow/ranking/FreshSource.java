package io.recflow.ranking;

import io.recflow.core.ItemMatrix;
import io.recflow.core.TopK;
import java.util.Arrays;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;

/**
 * {@code fresh}: items that are new (first interacted with inside the window, or never) or that
 * have fewer than {@code maxInteractions} interactions, scored by {@link #match}: their text placed in
 * the user's taste space. These are the items the collaborative sources cannot rank yet;
 * exploration draws its picks from them.
 */
public final class FreshSource implements CandidateSource {
  public static final String NAME = "fresh";
  private final int maxInteractions;
  private final long windowMillis;
  private volatile Fresh cache;

  /**
   * @param maxInteractions items with fewer interactions than this are fresh
   * @param windowDays items first seen at most this many days ago are fresh
   */
  public FreshSource(int maxInteractions, double windowDays) {
    this.maxInteractions = maxInteractions;
    this.windowMillis = (long) (windowDays * 86_400_000L);
  }

  @Override
  public String name() {
    return NAME;
  }

  /** Whether the item counts as fresh at {@code nowMillis}. */
  public boolean fresh(ItemSignals items, int row, long nowMillis) {
    long first = items.firstSeenMillis(row);
    return items.interactions(row) < maxInteractions || first == Long.MIN_VALUE || nowMillis - first <= windowMillis;
  }

  @Override
  public void retrieve(UserSignals user, ItemSignals items, int n, IntPredicate skip, Sink out) {
    if (!canMatch(user, items)) {
      return;
    }
    Fresh fresh = current(items, user.nowMillis());
    int[] rows = fresh.rows;
    float[] scores = new float[rows.length];
    // As match() scores each row, all at once and from a packed copy: a catalog can hold thousands
    // of fresh items, and read in place, scattered over the matrix, each would cost a TLB miss.
    if (user.vector() != null) {
      items.rowScorer().scores(fresh.factors, user.vector(), fresh.packed, scores);
    } else {
      items.rowScorer().scores(fresh.embeddings, user.profile(items.embeddings()), fresh.packed, scores);
    }
    for (int i : TopK.byScore(scores, n, i -> skip.test(rows[i]))) {
      out.add(rows[i], scores[i]);
    }
  }

  /**
   * The fresh rows and their packed vectors, recomputed once a minute per item signals rather than
   * scanned per request; the vectors are copied again only when the rows changed.
   */
  private Fresh current(ItemSignals items, long nowMillis) {
    long minute = Math.floorDiv(nowMillis, 60_000L);
    Fresh f = cache;
    if (f == null || f.items != items || f.minute != minute) {
      int[] rows = IntStream.range(0, items.size()).filter(r -> fresh(items, r, nowMillis)).toArray();
      if (f != null && f.items == items && Arrays.equals(f.rows, rows)) {
        f = new Fresh(items, minute, f.rows, f.packed, f.factors, f.embeddings);
      } else {
        f = new Fresh(items, minute, rows, IntStream.range(0, rows.length).toArray(), items.factors().rows(rows),
            items.embeddings() == null ? null : items.embeddings().rows(rows));
      }
      cache = f;
    }
    return f;
  }

  /** The fresh rows of one minute, and their factors and embeddings packed in the same order (rows {@code packed}). */
  private record Fresh(ItemSignals items, long minute, int[] rows, int[] packed, ItemMatrix factors,
                       ItemMatrix embeddings) {}

  private static boolean canMatch(UserSignals user, ItemSignals items) {
    return user.profile(items.embeddings()) != null || user.vector() != null;
  }

  /**
   * How well an item matches the user: the dot product of their vector with the item's factor,
   * which for a new item is its text projected into the factor space (the nightly job's placement
   * of cold items, the ranking the cold-items protocol measures); cosine to the content profile for
   * a user without a vector; NaN when neither exists.
   */
  public double match(UserSignals user, ItemSignals items, int row) {
    if (user.vector() != null) {
      return items.factors().score(user.vector(), row);
    }
    float[] profile = user.profile(items.embeddings());
    return profile == null ? Double.NaN : items.embeddings().score(profile, row);
  }

  @Override
  public int evidence(UserSignals user, ItemSignals items, int row) {
    return ContentSource.closestRecent(user, items, row);
  }
}
