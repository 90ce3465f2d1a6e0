package io.recflow.ranking;

import io.recflow.core.ItemMatrix;
import io.recflow.sequence.SequenceModel;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Everything the ranking knows about the items at one moment, indexed by the rows of the ALS item
 * matrix: factors, text embeddings and the sequence model's item vectors (each with its search),
 * all-time and recent popularity, interaction counts, when each item was first seen,
 * co-visitation, live trending, exposures, and which items may not be served. The nightly job's
 * evaluator fills it from a training split, the server from its snapshot; the pipeline reads
 * nothing else about items.
 */
public final class ItemSignals {
  private final ItemMatrix factors;
  private final VectorSearch factorSearch;
  private final RowScorer rowScorer;
  private final ItemMatrix embeddings;
  private final VectorSearch embeddingSearch;
  private final SequenceModel sequence;
  private final VectorSearch sequenceSearch;
  private final float[] popularity;
  private final float[] recentPopularity;
  private final int[] interactions;
  private final long[] firstSeenMillis;
  private final CoVisitation coVisitation;
  private final Trending trending;
  private volatile Availability availability;
  private final AtomicIntegerArray exposures;
  private final int[] popularOrder;
  private final float[] popularityShare;
  private final float[] recentShare;
  private final float[] interactionShare;
  private final BitSet hasText;

  private ItemSignals(Builder b) {
    int n = b.factors.size();
    this.factors = b.factors;
    this.factorSearch = b.factorSearch != null ? b.factorSearch : b.factors::topK;
    this.rowScorer = b.rowScorer != null ? b.rowScorer : RowScorer.SCALAR;
    this.embeddings = b.embeddings;
    if (embeddings != null && embeddings.size() != n) {
      throw new IllegalArgumentException("embeddings have " + embeddings.size() + " rows, factors " + n);
    }
    this.embeddingSearch = embeddings == null ? null : b.embeddingSearch != null ? b.embeddingSearch : embeddings::topK;
    this.sequence = b.sequence;
    if (sequence != null && sequence.items().size() != n) {
      throw new IllegalArgumentException("the sequence model has " + sequence.items().size() + " item rows, factors "
          + n + "; align it to the factors first (SequenceModel.alignedTo)");
    }
    this.sequenceSearch = sequence == null ? null : b.sequenceSearch != null ? b.sequenceSearch
        : sequence.items()::topK;
    this.popularity = sized(b.popularity, n, "popularity");
    this.recentPopularity = sized(b.recentPopularity, n, "recentPopularity");
    this.interactions = b.interactions != null ? b.interactions : new int[n];
    this.firstSeenMillis = b.firstSeenMillis != null ? b.firstSeenMillis : filled(n, Long.MIN_VALUE);
    this.coVisitation = b.coVisitation != null ? b.coVisitation : CoVisitation.empty(n);
    this.trending = b.trending != null ? b.trending : new Trending(n, 24);
    this.availability = new Availability(b.unavailable != null ? b.unavailable : new BitSet(n),
        b.expiresAtMillis != null ? b.expiresAtMillis : filled(n, Long.MAX_VALUE));
    this.exposures = new AtomicIntegerArray(n);
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    // Ties by row, as the pipeline breaks ties: the fallback order for users without a vector is this one.
    Arrays.sort(order, (x, y) -> popularity[x] != popularity[y] ? Float.compare(popularity[y], popularity[x])
        : Integer.compare(x, y));
    this.popularOrder = Arrays.stream(order).mapToInt(Integer::intValue).toArray();
    this.popularityShare = percentiles(popularity);
    this.recentShare = percentiles(recentPopularity);
    float[] counts = new float[n];
    for (int i = 0; i < n; i++) {
      counts[i] = interactions[i];
    }
    this.interactionShare = percentiles(counts);
    this.hasText = new BitSet(n);
    if (embeddings != null) {
      float[] v = embeddings.values();
      int d = embeddings.rank();
      for (int i = 0; i < n; i++) {
        for (int f = 0; f < d; f++) {
          if (v[i * d + f] != 0) {
            hasText.set(i);
            break;
          }
        }
      }
    }
  }

  /**
   * Each value's percentile among the items: the share of items with a smaller value (ties share
   * the lower one). The ranker reads these rather than raw counts, whose scale grows with the data,
   * so that a ranker trained on a part of the data ranks the same on all of it.
   */
  static float[] percentiles(float[] values) {
    int n = values.length;
    float[] sorted = values.clone();
    Arrays.sort(sorted);
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      int below = Arrays.binarySearch(sorted, values[i]);
      while (below > 0 && sorted[below - 1] == values[i]) {
        below--;
      }
      out[i] = n == 0 ? 0 : (float) below / n;
    }
    return out;
  }

  private static float[] sized(float[] a, int n, String what) {
    if (a == null) {
      return new float[n];
    }
    if (a.length != n) {
      throw new IllegalArgumentException(what + " has " + a.length + " values for " + n + " items");
    }
    return a;
  }

  private static long[] filled(int n, long v) {
    long[] a = new long[n];
    Arrays.fill(a, v);
    return a;
  }

  public static Builder builder(ItemMatrix factors) {
    return new Builder(Objects.requireNonNull(factors, "factors"));
  }

  /** Collects the signals; everything but the factors is optional and defaults to "nothing known". */
  public static final class Builder {
    private final ItemMatrix factors;
    private VectorSearch factorSearch;
    private RowScorer rowScorer;
    private ItemMatrix embeddings;
    private VectorSearch embeddingSearch;
    private SequenceModel sequence;
    private VectorSearch sequenceSearch;
    private float[] popularity;
    private float[] recentPopularity;
    private int[] interactions;
    private long[] firstSeenMillis;
    private CoVisitation coVisitation;
    private Trending trending;
    private BitSet unavailable;
    private long[] expiresAtMillis;

    private Builder(ItemMatrix factors) {
      this.factors = factors;
    }

    /** Replaces exact search over the factors, e.g. by an approximate index. */
    public Builder factorSearch(VectorSearch s) {
      this.factorSearch = s;
      return this;
    }

    /** Replaces core's scalar dot products of chosen rows, e.g. by vectorised ones. */
    public Builder rowScorer(RowScorer s) {
      this.rowScorer = s;
      return this;
    }

    /** Unit-length text embeddings row-aligned with the factors (zero rows for items without text). */
    public Builder embeddings(ItemMatrix e, VectorSearch search) {
      this.embeddings = e;
      this.embeddingSearch = search;
      return this;
    }

    /**
     * The sequence model, its item rows aligned with the factors, and its search (exact over its
     * item vectors when null).
     */
    public Builder sequence(SequenceModel m, VectorSearch search) {
      this.sequence = m;
      this.sequenceSearch = search;
      return this;
    }

    /** Users with a positive interest per item, over all time and over the recent window. */
    public Builder popularity(float[] allTime, float[] recent) {
      this.popularity = allTime;
      this.recentPopularity = recent;
      return this;
    }

    /** Interactions per item, and when each item was first interacted with (Long.MIN_VALUE: never). */
    public Builder history(int[] interactions, long[] firstSeenMillis) {
      this.interactions = interactions;
      this.firstSeenMillis = firstSeenMillis;
      return this;
    }

    public Builder coVisitation(CoVisitation c) {
      this.coVisitation = c;
      return this;
    }

    public Builder trending(Trending t) {
      this.trending = t;
      return this;
    }

    /** Items the catalog marks unavailable, and when each expires (Long.MAX_VALUE: never). */
    public Builder availability(BitSet unavailable, long[] expiresAtMillis) {
      this.unavailable = unavailable;
      this.expiresAtMillis = expiresAtMillis;
      return this;
    }

    public ItemSignals build() {
      return new ItemSignals(this);
    }
  }

  public int size() {
    return factors.size();
  }

  public ItemMatrix factors() {
    return factors;
  }

  public VectorSearch factorSearch() {
    return factorSearch;
  }

  /** Dot products of a query with chosen rows of the factors, embeddings or sequence item vectors. */
  public RowScorer rowScorer() {
    return rowScorer;
  }

  /** Text embeddings, or null when the model has none. */
  public ItemMatrix embeddings() {
    return embeddings;
  }

  /** Whether the item has a text embedding (a non-zero row). */
  public boolean hasText(int row) {
    return hasText.get(row);
  }

  public VectorSearch embeddingSearch() {
    return embeddingSearch;
  }

  /** The sequence model, row-aligned with the factors, or null when there is none to use. */
  public SequenceModel sequence() {
    return sequence;
  }

  public VectorSearch sequenceSearch() {
    return sequenceSearch;
  }

  public float popularity(int row) {
    return popularity[row];
  }

  public float recentPopularity(int row) {
    return recentPopularity[row];
  }

  /** The item's percentile by all-time popularity, in [0, 1). */
  public float popularityPercentile(int row) {
    return popularityShare[row];
  }

  /** The item's percentile by recent popularity, in [0, 1). */
  public float recentPopularityPercentile(int row) {
    return recentShare[row];
  }

  /** The item's percentile by interaction count, in [0, 1). */
  public float interactionPercentile(int row) {
    return interactionShare[row];
  }

  public int interactions(int row) {
    return interactions[row];
  }

  /** When the item was first interacted with; Long.MIN_VALUE when it never was. */
  public long firstSeenMillis(int row) {
    return firstSeenMillis[row];
  }

  public CoVisitation coVisitation() {
    return coVisitation;
  }

  public Trending trending() {
    return trending;
  }

  /** Rows by all-time popularity, most popular first (ties by row). */
  public int[] popularOrder() {
    return popularOrder;
  }

  /** Whether the item may be served at {@code nowMillis}: not marked unavailable and not expired. */
  public boolean servable(int row, long nowMillis) {
    Availability a = availability;
    return !a.unavailable.get(row) && nowMillis < a.expiresAtMillis[row];
  }

  /**
   * Replaces what the catalog says of every item's availability (the server follows the catalog's
   * commits between snapshots); the arrays are taken over, not copied, and must not change after.
   */
  public void availability(BitSet unavailable, long[] expiresAtMillis) {
    if (expiresAtMillis.length != size()) {
      throw new IllegalArgumentException(expiresAtMillis.length + " expiry times for " + size() + " items");
    }
    availability = new Availability(unavailable, expiresAtMillis);
  }

  /** One consistent view: a request never sees one item's new state beside another's old one. */
  private record Availability(BitSet unavailable, long[] expiresAtMillis) {}

  /** How often the item was shown by exploration since these signals were built. */
  public int exposures(int row) {
    return exposures.get(row);
  }

  /** Counts one exposure of an explored item. */
  public void exposed(int row) {
    exposures.incrementAndGet(row);
  }
}
