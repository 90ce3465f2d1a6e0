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
 * few seen items; popularity falls with the item number. Every item has stats, as a nightly
 * job's snapshot does: a twentieth of them were never interacted with, the fresh source's share.
 */
public final class SyntheticSnapshot {
  private static final int SEEN_PER_USER = 20;
  private static final int TASTES = 256;

  private SyntheticSnapshot() {}

  /** Writes snapshot {@code dir} (which must not exist) as model version 1, without text, co-visitation or ranker. */
  public static void write(Path dir, int items, int users, int rank, long seed) throws RocksDBException {
    write(dir, items, users, rank, seed, 0);
  }

  /**
   * Writes snapshot {@code dir} as model version 1; with {@code textDim} > 0 it also holds what the
   * two-stage ranking reads besides item stats: text embeddings of that size (near each item's
   * taste), 20 co-visitation follow-ups per item, and a published ranker of 150 trees of depth 6 over
   * the standard features.
   */
  public static void write(Path dir, int items, int users, int rank, long seed, int textDim) throws RocksDBException {
    SplittableRandom rnd = new SplittableRandom(seed);
    InterestWeighting weighting = InterestWeighting.from(RecflowConfig.defaults());
    try (Options options = new Options().setCreateIfMissing(true).setErrorIfExists(true);
         RocksDB db = RocksDB.open(options, dir.toString());
         WriteOptions write = new WriteOptions()) {
      float[][] tastes = new float[TASTES][];
      float[][] texts = new float[TASTES][];
      for (int t = 0; t < TASTES; t++) {
        tastes[t] = noise(rnd, rank, 1.0);
        texts[t] = textDim > 0 ? noise(rnd, textDim, 1.0) : null;
      }
      int[] tasteOf = new int[items];
      WriteBatch batch = new WriteBatch();
      for (int i = 0; i < items; i++) {
        tasteOf[i] = rnd.nextInt(TASTES);
        float[] v = around(tastes[tasteOf[i]], rnd, 0.7);
        float norm = (float) (0.5 + rnd.nextDouble());
        for (int f = 0; f < rank; f++) {
          v[f] *= norm;
        }
        batch.put(SnapshotKeys.key(SnapshotKeys.ITEM, "i" + i), SnapshotKeys.floats(v));
        batch.put(SnapshotKeys.key(SnapshotKeys.ITEM_INFO, "i" + i),
            SnapshotKeys.strings(List.of("item " + i, "c" + (i % 20))));
        long count = i % 20 == 0 ? 0 : 1 + rnd.nextInt(200);
        batch.put(SnapshotKeys.key(SnapshotKeys.ITEM_STATS, "i" + i), SnapshotKeys.longs(count, count / 2,
            count / 10, count == 0 ? Long.MIN_VALUE : 1_700_000_000_000L + rnd.nextInt(1_000_000)));
        if (textDim > 0) {
          batch.put(SnapshotKeys.key(SnapshotKeys.EMBEDDING, "i" + i), SnapshotKeys.floats(around(texts[tasteOf[i]],
              rnd, 0.7)));
          List<String> next = new java.util.ArrayList<>();
          for (int j = 0; j < 20; j++) {
            next.add("i" + rnd.nextInt(items));
            next.add(Double.toString(rnd.nextDouble()));
          }
          batch.put(SnapshotKeys.key(SnapshotKeys.CO_VISITATION, "i" + i), SnapshotKeys.strings(next));
        }
        batch = flushed(db, write, batch);
      }
      if (textDim > 0) {
        int features = ServedRanking.DEFAULTS.pipeline().features().names().size();
        batch.put(SnapshotKeys.meta(SnapshotKeys.RANKER_MODEL), randomTrees(rnd, features, 150, 6)
            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        batch.put(SnapshotKeys.meta(SnapshotKeys.RANKER_FEATURES),
            SnapshotKeys.strings(ServedRanking.DEFAULTS.pipeline().features().names()));
        batch.put(SnapshotKeys.meta(SnapshotKeys.RANKER_STATUS), "published".getBytes());
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

  /**
   * An XGBoost JSON model of {@code trees} full trees of {@code depth} with random splits: the cost of
   * scoring a trained ranker of that size, whatever it learned.
   */
  static String randomTrees(SplittableRandom rnd, int features, int trees, int depth) {
    StringBuilder b = new StringBuilder("{\"learner\":{\"objective\":{\"name\":\"rank:ndcg\"},"
        + "\"learner_model_param\":{\"num_feature\":\"" + features + "\",\"base_score\":\"[0E0]\"},"
        + "\"gradient_booster\":{\"name\":\"gbtree\",\"model\":{\"trees\":[");
    int nodes = (1 << (depth + 1)) - 1;
    int inner = (1 << depth) - 1;
    for (int t = 0; t < trees; t++) {
      StringBuilder left = new StringBuilder();
      StringBuilder right = new StringBuilder();
      StringBuilder split = new StringBuilder();
      StringBuilder cond = new StringBuilder();
      StringBuilder dflt = new StringBuilder();
      for (int n = 0; n < nodes; n++) {
        String sep = n == 0 ? "" : ",";
        boolean leaf = n >= inner;
        left.append(sep).append(leaf ? -1 : 2 * n + 1);
        right.append(sep).append(leaf ? -1 : 2 * n + 2);
        split.append(sep).append(leaf ? 0 : rnd.nextInt(features));
        cond.append(sep).append(leaf ? (float) (rnd.nextDouble() * 0.02 - 0.01) : (float) (rnd.nextDouble() * 2 - 1));
        dflt.append(sep).append(rnd.nextInt(2));
      }
      b.append(t == 0 ? "" : ",").append("{\"left_children\":[").append(left).append("],\"right_children\":[")
          .append(right).append("],\"split_indices\":[").append(split).append("],\"split_conditions\":[")
          .append(cond).append("],\"default_left\":[").append(dflt).append("]}");
    }
    return b.append("]}}}}").toString();
  }

  /** {@code SyntheticSnapshot DIR ITEMS USERS RANK [SEED [TEXT_DIM]]}; TEXT_DIM > 0 adds the ranking's inputs. */
  public static void main(String[] args) throws Exception {
    write(Path.of(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
        args.length > 4 ? Long.parseLong(args[4]) : 42, args.length > 5 ? Integer.parseInt(args[5]) : 0);
  }
}
