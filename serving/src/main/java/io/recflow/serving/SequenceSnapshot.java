package io.recflow.serving;

import io.delta.kernel.data.MapValue;
import io.recflow.core.ItemMatrix;
import io.recflow.core.Tables;
import io.recflow.core.Tables.Col;
import io.recflow.core.Tables.Status;
import io.recflow.sequence.SequenceModel;
import io.recflow.sequence.SequenceParams;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * A version's sequence model in a snapshot: copied from the sequence_* tables when the snapshot
 * loads, and rebuilt, row-aligned with the snapshot's items, when it opens. Like the ranker, a
 * missing, rejected or corrupt model costs the sequence source and feature (the server says why in
 * /health), never the snapshot: the rest of the version is served as it is.
 */
final class SequenceSnapshot {
  /** The model as it opened: usable, or null with the reason. */
  record Opened(SequenceModel model, String status) {}

  private SequenceSnapshot() {}

  /** Copies the version's sequence model, if it has one, with its status. */
  static void copy(DeltaReader reader, SnapshotWriter w, long version) {
    long v = reader.version(Tables.SEQUENCE_MODELS);
    if (v < 0) {
      return;
    }
    String[] status = {null};
    reader.scanWhere(Tables.SEQUENCE_MODELS, v, Col.MODEL_VERSION, version,
        List.of(Col.MODEL_VERSION, Col.STATUS, Col.PARAMS), (b, i) -> {
          if (b.getColumnVector(0).getLong(i) != version) {
            return;
          }
          status[0] = b.getColumnVector(1).getString(i);
          List<String> flat = new ArrayList<>();
          MapValue m = b.getColumnVector(2).getMap(i);
          for (int j = 0; j < m.getSize(); j++) {
            flat.add(m.getKeys().getString(j));
            flat.add(m.getValues().getString(j));
          }
          w.put(SnapshotKeys.meta(SnapshotKeys.SEQUENCE_PARAMS), SnapshotKeys.strings(flat));
        });
    if (status[0] == null) {
      return;
    }
    // A rejected model is copied too (it is small), so that an operator can inspect what was refused.
    w.put(SnapshotKeys.meta(SnapshotKeys.SEQUENCE_STATUS), status[0].getBytes(StandardCharsets.UTF_8));
    reader.scanWhere(Tables.SEQUENCE_WEIGHTS, reader.version(Tables.SEQUENCE_WEIGHTS), Col.MODEL_VERSION, version,
        List.of(Col.MODEL_VERSION, Col.NAME, Col.VECTOR), (b, i) -> {
          if (b.getColumnVector(0).getLong(i) == version) {
            w.put(SnapshotKeys.key(SnapshotKeys.SEQUENCE_WEIGHT, b.getColumnVector(1).getString(i)),
                SnapshotKeys.floats(SnapshotLoader.toFloats(b.getColumnVector(2).getArray(i))));
          }
        });
    reader.scanWhere(Tables.SEQUENCE_ITEMS, reader.version(Tables.SEQUENCE_ITEMS), Col.MODEL_VERSION, version,
        List.of(Col.MODEL_VERSION, Col.ID, Col.VECTOR), (b, i) -> {
          if (b.getColumnVector(0).getLong(i) == version && !b.getColumnVector(2).isNullAt(i)) {
            w.put(SnapshotKeys.key(SnapshotKeys.SEQUENCE_ITEM, b.getColumnVector(1).getString(i)),
                SnapshotKeys.floats(SnapshotLoader.toFloats(b.getColumnVector(2).getArray(i))));
          }
        });
  }

  /** The snapshot's sequence model over {@code items}' rows, or why there is none to use. */
  static Opened open(RocksDB db, long version, ItemMatrix items) throws RocksDBException {
    byte[] status = db.get(SnapshotKeys.meta(SnapshotKeys.SEQUENCE_STATUS));
    if (status == null) {
      return new Opened(null, "none: model version " + version + " has no sequence model");
    }
    if (!Status.PUBLISHED.equals(new String(status, StandardCharsets.UTF_8))) {
      return new Opened(null, "none: the sequence model of model version " + version
          + " did not beat popularity when trained");
    }
    try {
      byte[] params = db.get(SnapshotKeys.meta(SnapshotKeys.SEQUENCE_PARAMS));
      if (params == null) {
        throw new IllegalArgumentException("its parameters are missing");
      }
      List<String> flat = SnapshotKeys.strings(params);
      Map<String, String> stored = new HashMap<>();
      for (int i = 0; i + 1 < flat.size(); i += 2) {
        stored.put(flat.get(i), flat.get(i + 1));
      }
      SequenceParams shape = SequenceParams.fromMap(stored);
      Map<String, float[]> weights = new HashMap<>();
      List<String> ids = new ArrayList<>();
      List<float[]> vectors = new ArrayList<>();
      try (RocksIterator it = db.newIterator()) {
        for (it.seek(new byte[] {SnapshotKeys.SEQUENCE_WEIGHT}); it.isValid()
            && it.key()[0] == SnapshotKeys.SEQUENCE_WEIGHT; it.next()) {
          weights.put(SnapshotKeys.id(it.key()), finite(SnapshotKeys.floats(it.value()), SnapshotKeys.id(it.key())));
        }
        for (it.seek(new byte[] {SnapshotKeys.SEQUENCE_ITEM}); it.isValid()
            && it.key()[0] == SnapshotKeys.SEQUENCE_ITEM; it.next()) {
          ids.add(SnapshotKeys.id(it.key()));
          vectors.add(finite(SnapshotKeys.floats(it.value()), "the vector of item " + SnapshotKeys.id(it.key())));
        }
      }
      if (ids.isEmpty()) {
        throw new IllegalArgumentException("it has no item vectors");
      }
      SequenceModel model = new SequenceModel(shape, new ItemMatrix(ids, vectors), weights).alignedTo(items);
      return new Opened(model, "published");
    } catch (IllegalArgumentException e) {
      return new Opened(null, "refused: the sequence model of model version " + version + " cannot be used: "
          + e.getMessage());
    }
  }

  private static float[] finite(float[] v, String what) {
    for (float x : v) {
      if (!Float.isFinite(x)) {
        throw new IllegalArgumentException(what + " holds a value that is not a finite number");
      }
    }
    return v;
  }
}
