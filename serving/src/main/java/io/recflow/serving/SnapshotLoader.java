package io.recflow.serving;

import io.delta.kernel.data.ArrayValue;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.MapValue;
import io.recflow.core.ConfigException;
import io.recflow.core.Event;
import io.recflow.core.InterestWeighting;
import io.recflow.core.ModelParams;
import io.recflow.core.TableDef;
import io.recflow.core.Tables;
import io.recflow.core.Tables.Col;
import io.recflow.core.Tables.Source;
import io.recflow.core.Tables.Status;
import io.recflow.ranking.Ranker;
import io.recflow.ranking.Trending;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.VectorMemTableConfig;
import org.rocksdb.WriteOptions;

/**
 * Copies one published model version from the Delta tables into a new RocksDB directory: item and
 * user factors, popularity, item titles and attributes, text embeddings, similar items, and each
 * user's interest state (seen items with their confidences, computed with the weighting the model
 * was trained with), the ranker and the sequence model. A version whose tables are missing, unreadable or inconsistent is refused
 * with the reason; the directory is marked complete only after everything is written, so a
 * half-loaded snapshot is never opened.
 */
public final class SnapshotLoader {
  /** Popular items kept for cold-start answers; more than any k a request may ask for. */
  static final int POPULAR_KEPT = 1000;
  private static final long HOUR = 3_600_000L;
  private final DeltaReader reader;
  private final int trendingHours;

  /** A loader for the default ranking (its trending window decides how many recent events are kept). */
  public SnapshotLoader(DeltaReader reader) {
    this(reader, ServedRanking.DEFAULTS.trendingHours());
  }

  /**
   * @param trendingHours the server's trending window: the events of the last {@value Trending#BASELINE}
   *     + 1 windows before the load are kept per item and hour, so trending knows the recent past at once
   */
  SnapshotLoader(DeltaReader reader, int trendingHours) {
    this.reader = reader;
    this.trendingHours = trendingHours;
  }

  /** The newest published model version, or -1 when none is published. */
  public long latestPublished() {
    long tableVersion = reader.version(Tables.MODELS);
    if (tableVersion < 0) {
      return -1;
    }
    Map<Long, String> statuses = new HashMap<>();
    reader.scan(Tables.MODELS, tableVersion, List.of(Col.MODEL_VERSION, Col.STATUS),
        (b, i) -> statuses.put(b.getColumnVector(0).getLong(i), b.getColumnVector(1).getString(i)));
    return Status.newestPublished(statuses);
  }

  /**
   * Loads {@code version} into {@code dir} (which must not exist) and marks it complete.
   *
   * @throws IllegalStateException when the version cannot be served, saying why
   */
  public void load(long version, Path dir) throws RocksDBException {
    load(version, dir, Map.of());
  }

  /**
   * Loads {@code version} without the data of erased users from before their erasure:
   * {@code erasedBefore} maps each erased user to the time of their erasure (see {@link Erasures}).
   */
  void load(long version, Path dir, Map<String, Long> erasedBefore) throws RocksDBException {
    long loadedAt = System.currentTimeMillis();
    Map<String, String> params = params(version);
    // A version created before a user's erasure was trained on their erased data.
    long createdAt = createdAt(version);
    try (Options options = loadOptions();
         RocksDB db = RocksDB.open(options, dir.toString());
         WriteOptions sync = new WriteOptions().setSync(true)) {
      SnapshotWriter w = new SnapshotWriter(db);
      int rank = factors(w, version, Tables.ITEM_FACTORS, SnapshotKeys.ITEM, -1, id -> false);
      factors(w, version, Tables.USER_FACTORS, SnapshotKeys.USER, rank,
          id -> erasedBefore.getOrDefault(id, Long.MIN_VALUE) > createdAt);
      items(w);
      embeddings(w);
      neighbors(w, version);
      itemStats(w, version);
      coVisitation(w, version);
      ranker(w, version);
      SequenceSnapshot.copy(reader, w, version);
      long eventsVersion = histories(db, w, modelParams(version, params).weighting(), erasedBefore);
      popularity(w, version);
      w.flush();
      db.put(SnapshotKeys.meta(SnapshotKeys.PARAMS), SnapshotKeys.strings(flatten(params)));
      db.put(SnapshotKeys.meta(SnapshotKeys.EVENTS_VERSION), Long.toString(eventsVersion).getBytes());
      db.put(SnapshotKeys.meta(SnapshotKeys.VERSION), Long.toString(version).getBytes());
      db.put(SnapshotKeys.meta(SnapshotKeys.LOADED_AT), Long.toString(loadedAt).getBytes());
      db.put(sync, SnapshotKeys.meta(SnapshotKeys.COMPLETE), new byte[] {1});
    }
  }

  /** The options of a snapshot's RocksDB while it is loaded; the caller closes them. */
  static Options loadOptions() {
    // The load only appends, then reads the staged events back once (HistoryLoader): a vector
    // memtable appends and sorts once per flush, where the default skip list pays cache misses on
    // every insert of millions of scattered keys; that halves the time to stage 10M events. It
    // takes one writer at a time, which the load is.
    return new Options().setCreateIfMissing(true).setErrorIfExists(true)
        .setMemTableConfig(new VectorMemTableConfig()).setAllowConcurrentMemtableWrite(false);
  }

  /** models.created_at of the version (epoch ms); without one, it is taken to predate every erasure. */
  private long createdAt(long version) {
    long[] at = {Long.MIN_VALUE};
    reader.scan(Tables.MODELS, reader.version(Tables.MODELS), List.of(Col.MODEL_VERSION, Col.CREATED_AT), (b, i) -> {
      if (b.getColumnVector(0).getLong(i) == version && !b.getColumnVector(1).isNullAt(i)) {
        at[0] = DeltaReader.millis(b.getColumnVector(1), i);
      }
    });
    return at[0];
  }

  /** models.params of the version: the configuration it was trained with. */
  private Map<String, String> params(long version) {
    Map<String, String> params = new HashMap<>();
    boolean[] found = {false};
    reader.scan(Tables.MODELS, reader.version(Tables.MODELS), List.of(Col.MODEL_VERSION, Col.STATUS, Col.PARAMS),
        (b, i) -> {
          if (b.getColumnVector(0).getLong(i) == version && Status.PUBLISHED.equals(b.getColumnVector(1).getString(i))) {
            found[0] = true;
            if (!b.getColumnVector(2).isNullAt(i)) {
              MapValue m = b.getColumnVector(2).getMap(i);
              for (int j = 0; j < m.getSize(); j++) {
                params.put(m.getKeys().getString(j), m.getValues().getString(j));
              }
            }
          }
        });
    if (!found[0]) {
      throw refused(version, "it is not a published version in the models table");
    }
    return params;
  }

  /** The typed parameters the model was trained with; a version whose parameters cannot be read is refused. */
  private static ModelParams modelParams(long version, Map<String, String> stored) {
    try {
      return ModelParams.fromMap(version, stored);
    } catch (ConfigException e) {
      throw refused(version, e.getMessage());
    }
  }

  /** Writes one factor table's vectors for the version; returns their rank, checking all agree. */
  private int factors(SnapshotWriter w, long version, TableDef table, byte kind, int expectedRank,
                      Predicate<String> erased) throws RocksDBException {
    int[] rank = {expectedRank};
    List<String> cold = new ArrayList<>();
    long rows = reader.scanWhere(table, reader.version(table), Col.MODEL_VERSION, version,
        List.of(Col.MODEL_VERSION, Col.ID, Col.VECTOR, Col.SOURCE), (b, i) -> {
          if (b.getColumnVector(0).getLong(i) != version) {
            return;
          }
          String id = b.getColumnVector(1).getString(i);
          if (erased.test(id)) {
            return;
          }
          float[] v = toFloats(b.getColumnVector(2).getArray(i));
          if (rank[0] < 0) {
            rank[0] = v.length;
          }
          if (v.length != rank[0] || v.length == 0) {
            throw refused(version, table + " has a vector of " + v.length + " values for " + id + ", not " + rank[0]);
          }
          for (float x : v) {
            if (!Float.isFinite(x)) {
              throw refused(version, table + " has a non-finite value in the vector of " + id);
            }
          }
          if (Source.CONTENT.equals(b.getColumnVector(3).getString(i))) {
            cold.add(id);
          }
          w.put(SnapshotKeys.key(kind, id), SnapshotKeys.floats(v));
        });
    if (rows == 0 || rank[0] < 0) {
      throw refused(version, table + " has no rows for it");
    }
    if (kind == SnapshotKeys.ITEM) {
      w.put(SnapshotKeys.meta(SnapshotKeys.COLD_ITEMS), SnapshotKeys.strings(cold));
    }
    return rank[0];
  }

  private void items(SnapshotWriter w) throws RocksDBException {
    long v = reader.version(Tables.ITEMS);
    if (v < 0) {
      return;
    }
    reader.scan(Tables.ITEMS, v, List.of(Col.ITEM_ID, Col.TITLE, Col.ATTRIBUTES), (b, i) -> {
      List<String> info = new ArrayList<>();
      info.add(b.getColumnVector(1).isNullAt(i) ? "" : b.getColumnVector(1).getString(i));
      if (!b.getColumnVector(2).isNullAt(i)) {
        ArrayValue a = b.getColumnVector(2).getArray(i);
        for (int j = 0; j < a.getSize(); j++) {
          info.add(a.getElements().getString(j));
        }
      }
      w.put(SnapshotKeys.key(SnapshotKeys.ITEM_INFO, b.getColumnVector(0).getString(i)), SnapshotKeys.strings(info));
    });
    availability(w, v);
  }

  /**
   * The catalog's withdrawn and expiring items, as of the catalog version the snapshot loads; a
   * catalog written before these columns existed has none.
   */
  private void availability(SnapshotWriter w, long itemsVersion) {
    w.put(SnapshotKeys.meta(SnapshotKeys.ITEMS_VERSION), Long.toString(itemsVersion).getBytes());
    restricted(reader, itemsVersion, (id, withdrawn, expiry) ->
        w.put(SnapshotKeys.key(SnapshotKeys.AVAILABILITY, id), SnapshotKeys.longs(withdrawn ? 1 : 0, expiry)));
  }

  /** An item the catalog withdraws or lets expire. */
  interface Restricted {
    void item(String id, boolean withdrawn, long expiresAtMillis);
  }

  /**
   * Passes every item the catalog at {@code itemsVersion} withdraws or gives an expiry (Long.MAX_VALUE
   * when it only withdraws); a catalog written before these columns existed has none.
   */
  static void restricted(DeltaReader reader, long itemsVersion, Restricted out) {
    if (reader.schema(Tables.ITEMS).indexOf(Col.EXPIRES_AT) < 0) {
      return;
    }
    reader.scan(Tables.ITEMS, itemsVersion, List.of(Col.ITEM_ID, Col.AVAILABLE, Col.EXPIRES_AT), (b, i) -> {
      boolean withdrawn = !b.getColumnVector(1).isNullAt(i) && !b.getColumnVector(1).getBoolean(i);
      boolean expires = !b.getColumnVector(2).isNullAt(i);
      if (withdrawn || expires) {
        out.item(b.getColumnVector(0).getString(i), withdrawn,
            expires ? DeltaReader.millis(b.getColumnVector(2), i) : Long.MAX_VALUE);
      }
    });
  }

  private void embeddings(SnapshotWriter w) throws RocksDBException {
    long v = reader.version(Tables.ITEM_EMBEDDINGS);
    if (v < 0) {
      return;
    }
    reader.scan(Tables.ITEM_EMBEDDINGS, v, List.of(Col.ITEM_ID, Col.VECTOR), (b, i) ->
        w.put(SnapshotKeys.key(SnapshotKeys.EMBEDDING, b.getColumnVector(0).getString(i)),
            SnapshotKeys.floats(toFloats(b.getColumnVector(1).getArray(i)))));
  }

  private void neighbors(SnapshotWriter w, long version) throws RocksDBException {
    long v = reader.version(Tables.ITEM_NEIGHBORS);
    if (v < 0) {
      return;
    }
    Map<List<String>, List<Neighbor>> lists = new HashMap<>();
    reader.scanWhere(Tables.ITEM_NEIGHBORS, v, Col.MODEL_VERSION, version,
        List.of(Col.MODEL_VERSION, Col.KIND, Col.ITEM_ID, Col.NEIGHBOR_ID, Col.SCORE), (b, i) -> {
          if (b.getColumnVector(0).getLong(i) == version) {
            lists.computeIfAbsent(List.of(b.getColumnVector(1).getString(i), b.getColumnVector(2).getString(i)),
                    k -> new ArrayList<>())
                .add(new Neighbor(b.getColumnVector(3).getString(i), b.getColumnVector(4).getDouble(i)));
          }
        });
    for (Map.Entry<List<String>, List<Neighbor>> e : lists.entrySet()) {
      e.getValue().sort((a, b) -> a.score != b.score ? Double.compare(b.score, a.score) : a.id.compareTo(b.id));
      w.put(SnapshotKeys.neighborsKey(e.getKey().get(0), e.getKey().get(1)), scored(e.getValue()));
    }
  }

  private record Neighbor(String id, double score) {}

  /** An id/score list as ModelSnapshot.scored reads it back: id, score, id, score, ... */
  private static byte[] scored(List<Neighbor> list) {
    List<String> flat = new ArrayList<>();
    list.forEach(n -> {
      flat.add(n.id);
      flat.add(Double.toString(n.score));
    });
    return SnapshotKeys.strings(flat);
  }

  /** The version's item counts; a warehouse written before item_stats existed has none (all items fresh). */
  private void itemStats(SnapshotWriter w, long version) throws RocksDBException {
    long v = reader.version(Tables.ITEM_STATS);
    if (v < 0) {
      return;
    }
    reader.scanWhere(Tables.ITEM_STATS, v, Col.MODEL_VERSION, version, List.of(Col.MODEL_VERSION, Col.ITEM_ID,
        Col.INTERACTIONS, Col.POSITIVE, Col.POSITIVE_RECENT, Col.FIRST_SEEN), (b, i) -> {
          if (b.getColumnVector(0).getLong(i) == version) {
            ColumnVector firstSeen = b.getColumnVector(5);
            long first = firstSeen.isNullAt(i) ? Long.MIN_VALUE : DeltaReader.millis(firstSeen, i);
            w.put(SnapshotKeys.key(SnapshotKeys.ITEM_STATS, b.getColumnVector(1).getString(i)), SnapshotKeys.longs(
                b.getColumnVector(2).getLong(i), b.getColumnVector(3).getLong(i), b.getColumnVector(4).getLong(i),
                first));
          }
        });
  }

  /** The version's co-visitation follow-ups, grouped per item. */
  private void coVisitation(SnapshotWriter w, long version) throws RocksDBException {
    long v = reader.version(Tables.CO_VISITATION);
    if (v < 0) {
      return;
    }
    Map<String, List<Neighbor>> lists = new HashMap<>();
    reader.scanWhere(Tables.CO_VISITATION, v, Col.MODEL_VERSION, version,
        List.of(Col.MODEL_VERSION, Col.ITEM_ID, Col.NEIGHBOR_ID, Col.SCORE), (b, i) -> {
          if (b.getColumnVector(0).getLong(i) == version) {
            lists.computeIfAbsent(b.getColumnVector(1).getString(i), k -> new ArrayList<>())
                .add(new Neighbor(b.getColumnVector(2).getString(i), b.getColumnVector(3).getDouble(i)));
          }
        });
    for (Map.Entry<String, List<Neighbor>> e : lists.entrySet()) {
      w.put(SnapshotKeys.key(SnapshotKeys.CO_VISITATION, e.getKey()), scored(e.getValue()));
    }
  }

  /**
   * The version's ranker, as stored: its model is checked when the snapshot opens, so a corrupt one
   * costs the ranker (the server ranks by ALS and says so in /health), never the snapshot.
   */
  private void ranker(SnapshotWriter w, long version) throws RocksDBException {
    long v = reader.version(Tables.RANKERS);
    if (v < 0) {
      return;
    }
    reader.scanWhere(Tables.RANKERS, v, Col.MODEL_VERSION, version,
        List.of(Col.MODEL_VERSION, Col.STATUS, Col.FEATURES, Col.MODEL_JSON, Col.METRICS), (b, i) -> {
          if (b.getColumnVector(0).getLong(i) != version) {
            return;
          }
          List<String> features = new ArrayList<>();
          ArrayValue a = b.getColumnVector(2).getArray(i);
          for (int j = 0; j < a.getSize(); j++) {
            features.add(a.getElements().getString(j));
          }
          w.put(SnapshotKeys.meta(SnapshotKeys.RANKER_STATUS), b.getColumnVector(1).getString(i).getBytes(
              java.nio.charset.StandardCharsets.UTF_8));
          w.put(SnapshotKeys.meta(SnapshotKeys.RANKER_FEATURES), SnapshotKeys.strings(features));
          w.put(SnapshotKeys.meta(SnapshotKeys.RANKER_MODEL), b.getColumnVector(3).getString(i).getBytes(
              java.nio.charset.StandardCharsets.UTF_8));
          // A ranker stored before its prior had a content part has none: weight 0, the ALS prior.
          double contentWeight = 0;
          if (!b.getColumnVector(4).isNullAt(i)) {
            MapValue m = b.getColumnVector(4).getMap(i);
            for (int j = 0; j < m.getSize(); j++) {
              if (m.getKeys().getString(j).equals(Ranker.PRIOR_CONTENT_WEIGHT)) {
                contentWeight = m.getValues().getDouble(j);
              }
            }
          }
          w.put(SnapshotKeys.meta(SnapshotKeys.RANKER_PRIOR_WEIGHT), SnapshotKeys.longs(
              Double.doubleToLongBits(contentWeight)));
        });
  }

  /**
   * Each user's interest state from every stored event, and each item's recent events per hour
   * (RECENT_EVENTS) for trending; returns the events version read.
   */
  private long histories(RocksDB db, SnapshotWriter w, InterestWeighting weighting, Map<String, Long> erasedBefore)
      throws RocksDBException {
    long v = reader.version(Tables.EVENTS);
    if (v < 0) {
      return -1;
    }
    HistoryLoader histories = new HistoryLoader(db, w);
    long recentFrom = System.currentTimeMillis() - (Trending.BASELINE + 1L) * trendingHours * HOUR;
    Map<String, Map<Long, Long>> recent = new HashMap<>();
    reader.scan(Tables.EVENTS, v, EventColumns.NAMES, (b, i) -> {
      Event e = EventColumns.event(b, i);
      if (e.tsMillis() < erasedBefore.getOrDefault(e.userId(), Long.MIN_VALUE)) {
        return;
      }
      histories.add(e);
      if (e.tsMillis() >= recentFrom) {
        recent.computeIfAbsent(e.itemId(), k -> new HashMap<>())
            .merge(Math.floorDiv(e.tsMillis(), HOUR), 1L, Long::sum);
      }
    });
    histories.build(weighting);
    for (Map.Entry<String, Map<Long, Long>> item : recent.entrySet()) {
      long[] hourCounts = new long[item.getValue().size() * 2];
      int j = 0;
      for (Map.Entry<Long, Long> hour : item.getValue().entrySet()) {
        hourCounts[j++] = hour.getKey();
        hourCounts[j++] = hour.getValue();
      }
      w.put(SnapshotKeys.key(SnapshotKeys.RECENT_EVENTS, item.getKey()), SnapshotKeys.longs(hourCounts));
    }
    return v;
  }

  /** The most popular items of the version, best first, for users the model does not know. */
  private void popularity(SnapshotWriter w, long version) throws RocksDBException {
    List<Map.Entry<String, Double>> scores = new ArrayList<>();
    reader.scanWhere(Tables.POPULARITY, reader.version(Tables.POPULARITY), Col.MODEL_VERSION, version,
        List.of(Col.MODEL_VERSION, Col.ITEM_ID, Col.SCORE), (b, i) -> {
          if (b.getColumnVector(0).getLong(i) == version) {
            scores.add(Map.entry(b.getColumnVector(1).getString(i), b.getColumnVector(2).getDouble(i)));
          }
        });
    if (scores.isEmpty()) {
      throw refused(version, "the popularity table has no rows for it");
    }
    scores.sort(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
    List<Map.Entry<String, Double>> top = scores.subList(0, Math.min(POPULAR_KEPT, scores.size()));
    w.put(SnapshotKeys.meta(SnapshotKeys.POPULAR), SnapshotKeys.strings(top.stream().map(Map.Entry::getKey).toList()));
    for (Map.Entry<String, Double> e : top) {
      w.put(SnapshotKeys.key(SnapshotKeys.POPULARITY, e.getKey()), Double.toString(e.getValue()).getBytes());
    }
  }

  private static List<String> flatten(Map<String, String> params) {
    List<String> flat = new ArrayList<>();
    params.forEach((k, v) -> {
      flat.add(k);
      flat.add(v);
    });
    return flat;
  }

  static IllegalStateException refused(long version, String why) {
    return new IllegalStateException("model version " + version + " cannot be served: " + why + ". The server keeps "
        + "serving the version it has; publish a complete version (bin/recflow batch) to replace it.");
  }

  static float[] toFloats(ArrayValue a) {
    ColumnVector v = a.getElements();
    float[] out = new float[a.getSize()];
    for (int i = 0; i < out.length; i++) {
      out[i] = v.getFloat(i);
    }
    return out;
  }
}
