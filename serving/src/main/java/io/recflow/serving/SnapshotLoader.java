package io.recflow.serving;

import io.delta.kernel.data.ArrayValue;
import io.delta.kernel.data.ColumnVector;
import io.recflow.core.Tables;
import io.recflow.core.Tables.Col;
import io.recflow.core.Tables.Status;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Copies the newest published model version from the Delta tables into a new RocksDB directory:
 * item and user factors, popularity and each user's seen items. The directory is marked complete
 * only after everything is written, so a half-loaded snapshot is never opened.
 */
public final class SnapshotLoader {
  /** Popular items kept for cold-start answers; more than any k a request may ask for. */
  static final int POPULAR_KEPT = 1000;
  private final DeltaReader reader;

  public SnapshotLoader(DeltaReader reader) {
    this.reader = reader;
  }

  /** The newest published model version, or -1 when none is published. */
  public long latestPublished() {
    long tableVersion = reader.version(Tables.MODELS);
    if (tableVersion < 0) {
      return -1;
    }
    long[] newest = {-1};
    reader.scan(Tables.MODELS, tableVersion, List.of(Col.MODEL_VERSION, Col.STATUS), (b, i) -> {
      if (Status.PUBLISHED.equals(b.getColumnVector(1).getString(i))) {
        newest[0] = Math.max(newest[0], b.getColumnVector(0).getLong(i));
      }
    });
    return newest[0];
  }

  /** Loads {@code version} into {@code dir} (which must not exist) and marks it complete. */
  public void load(long version, Path dir) throws RocksDBException {
    try (Options options = new Options().setCreateIfMissing(true).setErrorIfExists(true);
         RocksDB db = RocksDB.open(options, dir.toString());
         WriteOptions sync = new WriteOptions().setSync(true)) {
      factors(db, Tables.ITEM_FACTORS, version, SnapshotKeys.ITEM);
      factors(db, Tables.USER_FACTORS, version, SnapshotKeys.USER);
      seenItems(db);
      popularity(db, version);
      db.put(sync, SnapshotKeys.meta(SnapshotKeys.VERSION), Long.toString(version).getBytes());
      db.put(sync, SnapshotKeys.meta(SnapshotKeys.COMPLETE), new byte[] {1});
    }
  }

  private void factors(RocksDB db, String table, long version, byte kind) throws RocksDBException {
    try (WriteBatch batch = new WriteBatch(); WriteOptions options = new WriteOptions()) {
      RocksDBException[] failure = {null};
      // Every night adds a version: read only this one's files.
      reader.scanWhere(table, reader.version(table), Col.MODEL_VERSION, version,
          List.of(Col.MODEL_VERSION, Col.ID, Col.VECTOR), (b, i) -> {
            if (b.getColumnVector(0).getLong(i) != version || failure[0] != null) {
              return;
            }
            try {
              batch.put(SnapshotKeys.key(kind, b.getColumnVector(1).getString(i)),
                  SnapshotKeys.floats(toFloats(b.getColumnVector(2).getArray(i))));
            } catch (RocksDBException e) {
              failure[0] = e;
            }
          });
      if (failure[0] != null) {
        throw failure[0];
      }
      db.write(options, batch);
    }
  }

  private void seenItems(RocksDB db) throws RocksDBException {
    Map<String, Set<String>> seen = new HashMap<>();
    reader.scan(Tables.EVENTS, reader.version(Tables.EVENTS), List.of(Col.USER_ID, Col.ITEM_ID), (b, i) ->
        seen.computeIfAbsent(b.getColumnVector(0).getString(i), u -> new LinkedHashSet<>())
            .add(b.getColumnVector(1).getString(i)));
    try (WriteBatch batch = new WriteBatch(); WriteOptions options = new WriteOptions()) {
      for (Map.Entry<String, Set<String>> e : seen.entrySet()) {
        batch.put(SnapshotKeys.key(SnapshotKeys.SEEN, e.getKey()), SnapshotKeys.strings(e.getValue()));
      }
      db.write(options, batch);
    }
  }

  /** The most popular items of the version, best first, for users the model does not know. */
  private void popularity(RocksDB db, long version) throws RocksDBException {
    List<Map.Entry<String, Double>> scores = new ArrayList<>();
    reader.scanWhere(Tables.POPULARITY, reader.version(Tables.POPULARITY), Col.MODEL_VERSION, version,
        List.of(Col.MODEL_VERSION, Col.ITEM_ID, Col.SCORE), (b, i) -> {
          if (b.getColumnVector(0).getLong(i) == version) {
            scores.add(Map.entry(b.getColumnVector(1).getString(i), b.getColumnVector(2).getDouble(i)));
          }
        });
    scores.sort(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
    List<Map.Entry<String, Double>> top = scores.subList(0, Math.min(POPULAR_KEPT, scores.size()));
    db.put(SnapshotKeys.meta(SnapshotKeys.POPULAR), SnapshotKeys.strings(top.stream().map(Map.Entry::getKey).toList()));
    for (Map.Entry<String, Double> e : top) {
      db.put(SnapshotKeys.key(SnapshotKeys.POPULARITY, e.getKey()), Double.toString(e.getValue()).getBytes());
    }
  }

  private static float[] toFloats(ArrayValue a) {
    ColumnVector v = a.getElements();
    float[] out = new float[a.getSize()];
    for (int i = 0; i < out.length; i++) {
      out[i] = v.getFloat(i);
    }
    return out;
  }
}
