package io.recflow.serving;

import io.recflow.core.Event;
import io.recflow.core.EventType;
import io.recflow.core.InterestState;
import io.recflow.core.InterestWeighting;
import io.recflow.core.RecflowConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Writes a complete snapshot of random factors straight into RocksDB, for capacity tests at
 * catalog sizes (100k, 1M items) that a nightly job on this machine would take hours to train.
 * Deterministic for a seed. Like ALS factors, vectors cluster around tastes (256 random centres
 * plus noise) and item norms vary; items are {@code i0..}, users {@code u0..}, each user with a
 * few seen items; popularity falls with the item number.
 */
public final class SyntheticSnapshot {
  private static final int SEEN_PER_USER = 20;
  private static final int TASTES = 256;

  private SyntheticSnapshot() {}

  /** Writes snapshot {@code dir} (which must not exist) as model version 1. */
  public static void write(Path dir, int items, int users, int rank, long seed) throws RocksDBException {
    SplittableRandom rnd = new SplittableRandom(seed);
    InterestWeighting weighting = InterestWeighting.from(RecflowConfig.defaults());
    try (Options options = new Options().setCreateIfMissing(true).setErrorIfExists(true);
         RocksDB db = RocksDB.open(options, dir.toString());
         WriteOptions write = new WriteOptions()) {
      float[][] tastes = new float[TASTES][];
      for (int t = 0; t < TASTES; t++) {
        tastes[t] = noise(rnd, rank, 1.0);
      }
      WriteBatch batch = new WriteBatch();
      for (int i = 0; i < items; i++) {
        float[] v = around(tastes[rnd.nextInt(TASTES)], rnd, 0.7);
        float norm = (float) (0.5 + rnd.nextDouble());
        for (int f = 0; f < rank; f++) {
          v[f] *= norm;
        }
        batch.put(SnapshotKeys.key(SnapshotKeys.ITEM, "i" + i), SnapshotKeys.floats(v));
        batch.put(SnapshotKeys.key(SnapshotKeys.ITEM_INFO, "i" + i),
            SnapshotKeys.strings(List.of("item " + i, "c" + (i % 20))));
        batch = flushed(db, write, batch);
      }
      for (int u = 0; u < users; u++) {
        batch.put(SnapshotKeys.key(SnapshotKeys.USER, "u" + u), SnapshotKeys.floats(around(tastes[rnd.nextInt(TASTES)], rnd, 0.7)));
        InterestState state = new InterestState();
        for (int j = 0; j < SEEN_PER_USER; j++) {
          state.add(new Event("e" + u + "-" + j, "u" + u, "i" + rnd.nextInt(items), EventType.VIEW, null, j * 1000L),
              weighting, 0);
        }
        batch.put(SnapshotKeys.key(SnapshotKeys.HISTORY, "u" + u), state.toBytes());
        batch = flushed(db, write, batch);
      }
      List<String> popular = new java.util.ArrayList<>();
      for (int i = 0; i < Math.min(SnapshotLoader.POPULAR_KEPT, items); i++) {
        popular.add("i" + i);
        batch.put(SnapshotKeys.key(SnapshotKeys.POPULARITY, "i" + i), Double.toString(1.0 / (i + 1)).getBytes());
      }
      batch.put(SnapshotKeys.meta(SnapshotKeys.POPULAR), SnapshotKeys.strings(popular));
      batch.put(SnapshotKeys.meta(SnapshotKeys.COLD_ITEMS), SnapshotKeys.strings(List.of()));
      batch.put(SnapshotKeys.meta(SnapshotKeys.PARAMS), SnapshotKeys.strings(List.of()));
      batch.put(SnapshotKeys.meta(SnapshotKeys.EVENTS_VERSION), "-1".getBytes());
      batch.put(SnapshotKeys.meta(SnapshotKeys.VERSION), "1".getBytes());
      db.write(write, batch);
      batch.close();
      try (WriteOptions sync = new WriteOptions().setSync(true)) {
        db.put(sync, SnapshotKeys.meta(SnapshotKeys.COMPLETE), new byte[] {1});
      }
    }
  }

  private static WriteBatch flushed(RocksDB db, WriteOptions write, WriteBatch batch) throws RocksDBException {
    if (batch.count() < 20_000) {
      return batch;
    }
    db.write(write, batch);
    batch.close();
    return new WriteBatch();
  }

  private static float[] noise(SplittableRandom rnd, int rank, double scale) {
    float[] v = new float[rank];
    for (int f = 0; f < rank; f++) {
      v[f] = (float) (scale * (rnd.nextDouble() * 2 - 1));
    }
    return v;
  }

  private static float[] around(float[] centre, SplittableRandom rnd, double scale) {
    float[] v = noise(rnd, centre.length, scale);
    for (int f = 0; f < v.length; f++) {
      v[f] += centre[f];
    }
    return v;
  }

  /** {@code SyntheticSnapshot DIR ITEMS USERS RANK [SEED]}. */
  public static void main(String[] args) throws Exception {
    write(Path.of(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
        args.length > 4 ? Long.parseLong(args[4]) : 42);
  }
}
