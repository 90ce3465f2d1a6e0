package io.recflow.serving;

import io.recflow.core.FoldIn;
import io.recflow.core.InterestState;
import io.recflow.core.InterestWeighting;
import io.recflow.core.ItemMatrix;
import io.recflow.core.ModelParams;
import io.recflow.core.SphericalKMeans;
import io.recflow.core.Tables;
import io.recflow.ranking.CoVisitation;
import io.recflow.ranking.ItemSignals;
import io.recflow.ranking.Ranker;
import io.recflow.ranking.Trending;
import io.recflow.ranking.RowScorer;
import io.recflow.ranking.VectorSearch;
import io.recflow.sequence.SequenceModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.rocksdb.CompactRangeOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;

/**
 * One loaded model version, opened read-only. What every request scans is in memory: the item
 * factors as one contiguous matrix, the fold-in (YᵀY, for explanations and cold-start users), the
 * popular list and an index of items by attribute. What a request needs for a few ids (a user's
 * vector and history, titles, embeddings, similar items) is read from RocksDB.
 */
public final class ModelSnapshot implements AutoCloseable {
  /**
   * Catalogs of at least this many items search their text embeddings with an approximate index:
   * a 384-float embedding costs six times a 64-float factor, so an exact scan of 20,000 texts costs
   * what one of 120,000 factors does, about the most a request can afford on 2 cores.
   */
  static final int TEXT_ANN_MIN_ITEMS = 20_000;
  /**
   * Clusters of the text index the content source scores per request, of about √items: a third of
   * the factor index's default, since it feeds a candidate list that the ranker re-orders, not the
   * answer itself, and a text vector costs six factor ones.
   */
  static final int TEXT_ANN_PROBES = 8;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ModelSnapshot.class);
  /** A recommended item and its score. */
  public record Scored(String itemId, double score) {}

  /** An item's catalog entry. */
  public record ItemInfo(String title, List<String> attributes) {}

  private final Path dir;
  private final Options options;
  private final RocksDB db;
  private final long version;
  private final long eventsVersion;
  private final ItemMatrix items;
  private final FoldIn foldIn;
  private final InterestWeighting weighting;
  private final List<Scored> popular;
  private final Map<String, BitSet> byAttribute;
  private final IvfIndex index;
  private final ExactTopK exact;
  private final double indexRecall;
  private final ItemSignals signals;
  private final Ranker ranker;
  private final String rankerStatus;
  private final SequenceSnapshot.Opened sequence;

  private ModelSnapshot(Path dir, Options options, RocksDB db, Search search, ServedRanking ranking)
      throws Exception {
    this.dir = dir;
    this.options = options;
    this.db = db;
    this.version = Long.parseLong(new String(db.get(SnapshotKeys.meta(SnapshotKeys.VERSION))));
    this.eventsVersion = Long.parseLong(new String(db.get(SnapshotKeys.meta(SnapshotKeys.EVENTS_VERSION))));
    List<String> ids = new ArrayList<>();
    List<float[]> vectors = new ArrayList<>();
    forEach(SnapshotKeys.ITEM, (id, value) -> {
      ids.add(id);
      vectors.add(SnapshotKeys.floats(value));
    });
    this.items = new ItemMatrix(ids, vectors);
    Set<String> cold = new HashSet<>(SnapshotKeys.strings(db.get(SnapshotKeys.meta(SnapshotKeys.COLD_ITEMS))));
    ModelParams params = params();
    this.weighting = params.weighting();
    this.foldIn = new FoldIn(items, row -> !cold.contains(items.id(row)), params.alpha(), params.regParam());
    List<Scored> pop = new ArrayList<>();
    for (String id : SnapshotKeys.strings(db.get(SnapshotKeys.meta(SnapshotKeys.POPULAR)))) {
      pop.add(new Scored(id, Double.parseDouble(new String(db.get(SnapshotKeys.key(SnapshotKeys.POPULARITY, id))))));
    }
    this.popular = List.copyOf(pop);
    this.byAttribute = new HashMap<>();
    forEach(SnapshotKeys.ITEM_INFO, (id, value) -> {
      int row = items.row(id);
      List<String> info = SnapshotKeys.strings(value);
      if (row >= 0) {
        for (String a : info.subList(Math.min(1, info.size()), info.size())) {
          byAttribute.computeIfAbsent(a, x -> new BitSet(items.size())).set(row);
        }
      }
    });
    this.index = items.size() >= search.annMinItems() ? IvfIndex.openOrBuild(dir, items, search.probes(), version) : null;
    this.exact = index == null ? new ExactTopK(items) : null;
    this.indexRecall = index == null ? 1.0 : measureRecall();
    this.sequence = SequenceSnapshot.open(db, version, items);
    if (sequence.status().startsWith("refused")) {
      LOG.error("{}", sequence.status());
    }
    this.signals = signals(ranking);
    Ranker r = Ranker.ALS_ORDER;
    String status;
    byte[] model = db.get(SnapshotKeys.meta(SnapshotKeys.RANKER_MODEL));
    byte[] rankerStatusBytes = db.get(SnapshotKeys.meta(SnapshotKeys.RANKER_STATUS));
    if (model == null) {
      status = "als-order: model version " + version + " has no ranker";
    } else if (!Tables.Status.PUBLISHED.equals(new String(rankerStatusBytes, StandardCharsets.UTF_8))) {
      status = "als-order: the ranker of model version " + version + " did not beat the ALS order when trained";
    } else {
      try {
        byte[] weight = db.get(SnapshotKeys.meta(SnapshotKeys.RANKER_PRIOR_WEIGHT));
        r = Ranker.trained(model, SnapshotKeys.strings(db.get(SnapshotKeys.meta(SnapshotKeys.RANKER_FEATURES))),
            ranking.pipeline().features().names(),
            weight == null ? 0 : Double.longBitsToDouble(SnapshotKeys.longs(weight)[0]));
        status = "trained";
      } catch (IllegalArgumentException e) {
        status = "als-order: the ranker of model version " + version + " cannot be used: " + e.getMessage();
        LOG.error("{}", status);
      }
    }
    this.ranker = r;
    this.rankerStatus = status;
  }

  /** Everything the ranking reads about the items, row-aligned with {@link #items()}, built once at open. */
  private ItemSignals signals(ServedRanking ranking) throws RocksDBException {
    int n = items.size();
    List<float[]> text = new ArrayList<>(n);
    int dim = 0;
    for (int row = 0; row < n; row++) {
      float[] e = embedding(items.id(row)).map(SphericalKMeans::unit).orElse(null);
      dim = e != null ? e.length : dim;
      text.add(e);
    }
    int d = dim;
    text.replaceAll(e -> e != null && e.length == d ? e : new float[d]);
    ItemMatrix embeddings = d == 0 ? null : new ItemMatrix(java.util.Arrays.asList(ids(items)), text);
    int[] interactions = new int[n];
    float[] positive = new float[n];
    float[] recent = new float[n];
    long[] first = new long[n];
    java.util.Arrays.fill(first, Long.MIN_VALUE);
    CoVisitation.Builder coVisits = new CoVisitation.Builder(n);
    BitSet withdrawn = new BitSet(n);
    long[] expiresAt = new long[n];
    java.util.Arrays.fill(expiresAt, Long.MAX_VALUE);
    Trending trending = new Trending(n, ranking.trendingHours());
    for (int row = 0; row < n; row++) {
      byte[] recentEvents = db.get(SnapshotKeys.key(SnapshotKeys.RECENT_EVENTS, items.id(row)));
      if (recentEvents != null) {
        long[] hourCounts = SnapshotKeys.longs(recentEvents);
        for (int j = 0; j + 1 < hourCounts.length; j += 2) {
          trending.add(row, hourCounts[j] * 3_600_000L, (int) hourCounts[j + 1]);
        }
      }
      byte[] availability = db.get(SnapshotKeys.key(SnapshotKeys.AVAILABILITY, items.id(row)));
      if (availability != null) {
        long[] v = SnapshotKeys.longs(availability);
        withdrawn.set(row, v[0] == 1);
        expiresAt[row] = v[1];
      }
      byte[] stats = db.get(SnapshotKeys.key(SnapshotKeys.ITEM_STATS, items.id(row)));
      if (stats != null) {
        long[] v = SnapshotKeys.longs(stats);
        interactions[row] = (int) v[0];
        positive[row] = v[1];
        recent[row] = v[2];
        first[row] = v[3];
      }
      for (Scored next : scored(db.get(SnapshotKeys.key(SnapshotKeys.CO_VISITATION, items.id(row))))) {
        coVisits.add(row, items.row(next.itemId()), next.score());
      }
    }
    VectorSearch textSearch = null;
    if (embeddings != null) {
      IvfIndex textIndex = n >= TEXT_ANN_MIN_ITEMS ? IvfIndex.build(embeddings, TEXT_ANN_PROBES, version) : null;
      textSearch = textIndex != null ? textIndex::topK : new ExactTopK(embeddings);
    }
    SequenceModel seq = sequence.model();
    VectorSearch sequenceSearch = seq == null ? null : new ExactTopK(seq.items());
    return ItemSignals.builder(items).factorSearch(this::topK)
        .rowScorer(ExactTopK.SIMD ? SimdDot::rowScores : RowScorer.SCALAR).embeddings(embeddings, textSearch)
        .sequence(seq, sequenceSearch)
        .popularity(positive, recent).history(interactions, first).coVisitation(coVisits.build())
        .trending(trending).availability(withdrawn, expiresAt).build();
  }

  private static String[] ids(ItemMatrix m) {
    String[] ids = new String[m.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = m.id(i);
    }
    return ids;
  }

  /**
   * How the snapshot searches its items: exactly, or, from {@code annMinItems} items on, with an
   * approximate index that scores the items of {@code probes} clusters.
   */
  public record Search(int annMinItems, int probes) {
    /** Exact search whatever the catalog size. */
    public static final Search EXACT = new Search(Integer.MAX_VALUE, 1);
  }

  /** Recall@10 of the index against exact search, over the first users' vectors (up to 200). */
  private double measureRecall() {
    List<float[]> queries = new ArrayList<>();
    try (RocksIterator it = db.newIterator()) {
      for (it.seek(new byte[] {SnapshotKeys.USER}); it.isValid() && it.key()[0] == SnapshotKeys.USER
          && queries.size() < 200; it.next()) {
        queries.add(SnapshotKeys.floats(it.value()));
      }
    }
    double found = 0;
    ExactTopK search = new ExactTopK(items);
    for (float[] q : queries) {
      Set<Integer> exact = new HashSet<>();
      for (int row : search.topK(q, 10, r -> false)) {
        exact.add(row);
      }
      for (int row : index.topK(q, 10, r -> false)) {
        found += exact.contains(row) ? 1 : 0;
      }
    }
    return queries.isEmpty() ? Double.NaN : found / (10.0 * queries.size());
  }

  /** The best {@code k} rows for a user vector, skipping {@code excluded}: exact, or by the index for a large catalog. */
  public int[] topK(float[] user, int k, java.util.function.IntPredicate excluded) {
    return index != null ? index.topK(user, k, excluded) : exact.topK(user, k, excluded);
  }

  /** Recall@10 of the approximate index against exact search, measured at open; 1 when search is exact. */
  public double searchRecall() {
    return indexRecall;
  }

  /**
   * What the ranking knows about the items; its trending counts start from the events of the hours
   * before the load and follow the live event tail.
   */
  public ItemSignals signals() {
    return signals;
  }

  /** The ranker of this version, or the ALS order when it has none that may be used. */
  public Ranker ranker() {
    return ranker;
  }

  /** "trained", or why the ALS order ranks instead (for /health). */
  public String rankerStatus() {
    return rankerStatus;
  }

  /** The sequence model, row-aligned with {@link #items()}, or null when this version has none to use. */
  public SequenceModel sequence() {
    return sequence.model();
  }

  /** "published", or why the sequence source and feature are off (for /health). */
  public String sequenceStatus() {
    return sequence.status();
  }

  /** Whether top-k uses the approximate index. */
  public boolean approximate() {
    return index != null;
  }

  /** Opens a snapshot directory for exact search and the default ranking; refuses one not marked complete. */
  public static ModelSnapshot open(Path dir) throws Exception {
    return open(dir, Search.EXACT, ServedRanking.DEFAULTS);
  }

  /** Opens a snapshot directory; refuses one that was not marked complete. */
  static ModelSnapshot open(Path dir, Search search, ServedRanking ranking) throws Exception {
    // RocksDB reads its options for as long as the database is open; they are closed with it.
    // Opened for writing only so that an erasure can delete a user (see erase); nothing else writes.
    // The MANIFEST records each file's first and last key; rolled at every change, it keeps no key
    // an erasure compacted away.
    Options options = new Options().setMaxManifestFileSize(1);
    RocksDB db = RocksDB.open(options, dir.toString());
    try {
      if (db.get(SnapshotKeys.meta(SnapshotKeys.COMPLETE)) == null) {
        throw new IllegalStateException("snapshot " + dir + " is incomplete: its load did not finish. It is not "
            + "served; the server loads the model again from the warehouse.");
      }
      return new ModelSnapshot(dir, options, db, search, ranking);
    } catch (Exception e) {
      db.close();
      options.close();
      throw e;
    }
  }

  private interface Entry {
    void accept(String id, byte[] value);
  }

  private void forEach(byte kind, Entry entry) {
    try (RocksIterator it = db.newIterator()) {
      for (it.seek(new byte[] {kind}); it.isValid() && it.key()[0] == kind; it.next()) {
        entry.accept(SnapshotKeys.id(it.key()), it.value());
      }
    }
  }

  public Path dir() {
    return dir;
  }

  public long version() {
    return version;
  }

  /** The version of the events table the users' histories were read at; the live tail goes on from there. */
  public long eventsVersion() {
    return eventsVersion;
  }

  /** The items table version the snapshot's catalog was read at; -1 when it had none (or predates this). */
  public long itemsVersion() throws RocksDBException {
    byte[] v = db.get(SnapshotKeys.meta(SnapshotKeys.ITEMS_VERSION));
    return v == null ? -1 : Long.parseLong(new String(v, StandardCharsets.UTF_8));
  }

  public ItemMatrix items() {
    return items;
  }

  /** The model's exact ALS fold-in: vectors for users it does not know, and explanations. */
  public FoldIn foldIn() {
    return foldIn;
  }

  /** How events become confidences in this model (its training configuration's interest.* keys). */
  public InterestWeighting weighting() {
    return weighting;
  }

  /** The parameters the model was trained with (models.params, read by core's ModelParams). */
  public ModelParams params() throws RocksDBException {
    List<String> flat = SnapshotKeys.strings(db.get(SnapshotKeys.meta(SnapshotKeys.PARAMS)));
    Map<String, String> stored = new HashMap<>();
    for (int i = 0; i + 1 < flat.size(); i += 2) {
      stored.put(flat.get(i), flat.get(i + 1));
    }
    return ModelParams.fromMap(version, stored);
  }

  /** The most popular items, best first: the answer for a user the model does not know. */
  public List<Scored> popular() {
    return popular;
  }

  /** Rows of the items that carry an attribute; empty when no item does. */
  public BitSet rowsWithAttribute(String attribute) {
    return byAttribute.getOrDefault(attribute, new BitSet());
  }

  /** The user's nightly vector, if the model knows the user. */
  public Optional<float[]> userVector(String userId) throws RocksDBException {
    byte[] v = db.get(SnapshotKeys.key(SnapshotKeys.USER, userId));
    return v == null ? Optional.empty() : Optional.of(SnapshotKeys.floats(v));
  }

  /** When the load of this snapshot began to read the warehouse (epoch ms); 0 when the snapshot does not say. */
  public long loadedAtMillis() throws RocksDBException {
    byte[] v = db.get(SnapshotKeys.meta(SnapshotKeys.LOADED_AT));
    return v == null ? 0 : Long.parseLong(new String(v, StandardCharsets.UTF_8));
  }

  /**
   * Erases a user: their nightly vector and history are deleted, durably, and their keys' range is
   * compacted, so that the values leave the files and not only the index.
   */
  public void erase(String userId) throws RocksDBException {
    byte[][] keys = {SnapshotKeys.key(SnapshotKeys.USER, userId), SnapshotKeys.key(SnapshotKeys.HISTORY, userId)};
    try (WriteOptions sync = new WriteOptions().setSync(true)) {
      for (byte[] k : keys) {
        db.delete(sync, k);
      }
    }
    // Forced down to the last level: only there does a compaction drop the deletion marker, which
    // holds the key, and with it the key as a file boundary in the MANIFEST.
    try (CompactRangeOptions force = new CompactRangeOptions()
        .setBottommostLevelCompaction(CompactRangeOptions.BottommostLevelCompaction.kForce)) {
      for (byte[] k : keys) {
        db.compactRange(db.getDefaultColumnFamily(), k, k, force);
      }
    }
  }

  /** The user's interest state when the snapshot was loaded, if they had any events. */
  public Optional<InterestState> history(String userId) throws RocksDBException {
    byte[] v = db.get(SnapshotKeys.key(SnapshotKeys.HISTORY, userId));
    return v == null ? Optional.empty() : Optional.of(InterestState.fromBytes(v));
  }

  /** The catalog entry of an item, if the catalog has it. */
  public Optional<ItemInfo> info(String itemId) throws RocksDBException {
    byte[] v = db.get(SnapshotKeys.key(SnapshotKeys.ITEM_INFO, itemId));
    if (v == null) {
      return Optional.empty();
    }
    List<String> info = SnapshotKeys.strings(v);
    return Optional.of(new ItemInfo(info.isEmpty() ? "" : info.get(0),
        info.size() > 1 ? List.copyOf(info.subList(1, info.size())) : List.of()));
  }

  /** The item's text embedding, if it has one. */
  public Optional<float[]> embedding(String itemId) throws RocksDBException {
    byte[] v = db.get(SnapshotKeys.key(SnapshotKeys.EMBEDDING, itemId));
    return v == null ? Optional.empty() : Optional.of(SnapshotKeys.floats(v));
  }

  /** The precomputed similar items of one kind (content or cf), best first; empty when there are none. */
  public List<Scored> neighbors(String kind, String itemId) throws RocksDBException {
    return scored(db.get(SnapshotKeys.neighborsKey(kind, itemId)));
  }

  /**
   * Whether an item may be served at {@code nowMillis}: the catalog has not withdrawn it and it has
   * not expired; as the server last read the catalog for the items the model ranks, as of the
   * snapshot's catalog for others.
   */
  public boolean servable(String itemId, long nowMillis) throws RocksDBException {
    int row = items.row(itemId);
    if (row >= 0) {
      return signals.servable(row, nowMillis);
    }
    byte[] v = db.get(SnapshotKeys.key(SnapshotKeys.AVAILABILITY, itemId));
    if (v == null) {
      return true;
    }
    long[] withdrawnAndExpiry = SnapshotKeys.longs(v);
    return withdrawnAndExpiry[0] == 0 && nowMillis < withdrawnAndExpiry[1];
  }

  /** An id/score list as the loader writes it (similar items, co-visitation); empty for null. */
  private static List<Scored> scored(byte[] v) {
    List<Scored> out = new ArrayList<>();
    if (v != null) {
      List<String> flat = SnapshotKeys.strings(v);
      for (int i = 0; i + 1 < flat.size(); i += 2) {
        out.add(new Scored(flat.get(i), Double.parseDouble(flat.get(i + 1))));
      }
    }
    return out;
  }

  @Override
  public void close() {
    db.close();
    options.close();
  }
}
